package dev.ebpf4j.asm;

import java.util.Optional;

import static dev.ebpf4j.asm.Opcodes.*;

/**
 * The operations of an atomic instruction ({@code STX | ATOMIC | size}), which live in its immediate. One row each:
 * the immediate, a name, the C-like operator used by llvm-objdump for the no-fetch forms, and whether the old value
 * comes back in a register.
 *
 * <pre>{@code
 * AtomicOperation op = AtomicOperation.fromImm(insn.imm()).orElseThrow();   // e.g. FETCH_ADD
 * new Asm().atomic(8, AtomicOperation.FETCH_ADD.imm(), R1, 0, R2);         // r2 = atomic_fetch_add(...)
 * }</pre>
 */
public enum AtomicOperation {
    ADD(ATOMIC_ADD, "add", "+=", false),
    OR(ATOMIC_OR, "or", "|=", false),
    AND(ATOMIC_AND, "and", "&=", false),
    XOR(ATOMIC_XOR, "xor", "^=", false),
    FETCH_ADD(ATOMIC_ADD | FETCH, "add", "+=", true),
    FETCH_OR(ATOMIC_OR | FETCH, "or", "|=", true),
    FETCH_AND(ATOMIC_AND | FETCH, "and", "&=", true),
    FETCH_XOR(ATOMIC_XOR | FETCH, "xor", "^=", true),
    /** {@code src = xchg(*(dst + off), src)}. */
    XCHG(Opcodes.XCHG, "xchg", null, true),
    /** {@code r0 = cmpxchg(*(dst + off), r0, src)}: compares with r0, stores src when equal, returns the old value. */
    CMPXCHG(Opcodes.CMPXCHG, "cmpxchg", null, true),
    /** {@code dst = load_acquire(*(src + off))} (Linux 6.15; 1, 2, 4 or 8 bytes). */
    LOAD_ACQUIRE(LOAD_ACQ, "load_acquire", null, false),
    /** {@code store_release(*(dst + off), src)} (Linux 6.15; 1, 2, 4 or 8 bytes). */
    STORE_RELEASE(STORE_REL, "store_release", null, false);

    private final int imm;
    private final String operationName;
    private final String operator;
    private final boolean fetch;

    AtomicOperation(int imm, String operationName, String operator, boolean fetch) {
        this.imm = imm;
        this.operationName = operationName;
        this.operator = operator;
        this.fetch = fetch;
    }

    /** The immediate that selects this operation. */
    public int imm() {
        return imm;
    }

    /** The operation's name without the fetch flag: "add", "or", "and", "xor", "xchg", "cmpxchg", .... */
    public String operationName() {
        return operationName;
    }

    /** The compound-assignment operator of the arithmetic operations ("+=", "|=", ...); null for the others. */
    public String operator() {
        return operator;
    }

    /** True when the old memory value is returned (into src, or r0 for cmpxchg). */
    public boolean fetches() {
        return fetch;
    }

    /** True for the read-modify-write arithmetic operations (add/or/and/xor, with or without fetch). */
    public boolean isArithmetic() {
        return operator != null;
    }

    /** True for the operations defined on 1- and 2-byte accesses too (load-acquire and store-release). */
    public boolean allowsNarrowAccess() {
        return this == LOAD_ACQUIRE || this == STORE_RELEASE;
    }

    /** The operation with this immediate; empty for immediates the ISA does not define. */
    public static Optional<AtomicOperation> fromImm(int imm) {
        for (AtomicOperation op : values()) {
            if (op.imm == imm) return Optional.of(op);
        }
        return Optional.empty();
    }
}
