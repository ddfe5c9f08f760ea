package dev.ebpf4j.vm.code;

import dev.ebpf4j.asm.Instruction;
import dev.ebpf4j.asm.Opcode;

import static dev.ebpf4j.asm.Opcodes.*;

/**
 * The checks every program passes before anything else looks at it, in every mode: defined opcodes, register
 * numbers, reserved fields that must be zero (like the kernel's "BPF_ALU uses reserved fields"), immediates that
 * select an operation (byte-swap widths, atomic operations, sign-extension widths), writes to the read-only frame
 * pointer, and features the VM does not implement (kfuncs, BTF-id loads, arenas, {@code may_goto}).
 *
 * <pre>{@code
 * StructureCheck.instruction(insn, slot);   // throws Reject with a kernel-like message
 * }</pre>
 */
public final class StructureCheck {
    private StructureCheck() {
    }

    /** Checks one instruction found at {@code slot}. */
    public static void instruction(Instruction in, int slot) {
        Opcode op = Opcode.of(in.opcode());
        int code = in.opcode();
        if (!op.isValid()) throw new Reject(slot, String.format("unknown opcode %02x", code));
        if (in.dst() > 10) throw new Reject(slot, "R" + in.dst() + " is invalid");
        if (in.src() > 10 && !(op.kind() == Opcode.Kind.LOAD_IMM64)) {
            throw new Reject(slot, "R" + in.src() + " is invalid");
        }
        int off = in.offset();
        long imm = in.constant();
        int dst = in.dst();
        int src = in.src();
        switch (op.kind()) {
            case ALU32, ALU64 -> alu(in, slot, op, off, imm, src);
            case JUMP, JUMP32 -> jump(slot, code, op, off, imm, dst, src);
            case CALL -> {
                if (code == (JMP | CALL | X)) {
                    if (src != 0 || off != 0 || imm != 0) reserved(slot, "BPF_CALL");
                } else {
                    if (dst != 0 || off != 0) reserved(slot, "BPF_CALL");
                    if (src == PSEUDO_KFUNC_CALL) {
                        throw new Reject(slot, "kfunc calls are not supported by the ebpf4j VM");
                    }
                    if (src != 0 && src != PSEUDO_CALL) reserved(slot, "BPF_CALL");
                }
            }
            case EXIT -> {
                if (dst != 0 || src != 0 || off != 0 || imm != 0) reserved(slot, "BPF_EXIT");
            }
            case LOAD_IMM64 -> {
                if (off != 0) reserved(slot, "BPF_LD_IMM64");
                switch (src) {
                    case 0, PSEUDO_MAP_FD, PSEUDO_MAP_VALUE, PSEUDO_FUNC, PSEUDO_MAP_IDX, PSEUDO_MAP_IDX_VALUE -> { }
                    case PSEUDO_BTF_ID -> throw new Reject(slot,
                            "ldimm64 of a kernel symbol (BPF_PSEUDO_BTF_ID) is not supported by the ebpf4j VM");
                    default -> throw new Reject(slot, "invalid bpf_ld_imm64 insn: unknown source " + src);
                }
                writes(slot, dst);
            }
            case LOAD_PACKET -> {
                if (dst != 0 || off != 0 || ((code & 0xe0) == ABS && src != 0)) {
                    reserved(slot, "BPF_LD_[ABS|IND]");
                }
            }
            case LOAD, LOAD_SIGNED -> {
                if (imm != 0) reserved(slot, "BPF_LDX");
                writes(slot, dst);
            }
            case STORE_IMM -> {
                if (src != 0) reserved(slot, "BPF_ST");
            }
            case STORE -> {
                if (imm != 0) reserved(slot, "BPF_STX");
            }
            case ATOMIC -> atomic(slot, code, (int) imm, dst);
            default -> throw new Reject(slot, String.format("unknown opcode %02x", code));
        }
    }

    private static void alu(Instruction in, int slot, Opcode op, int off, long imm, int src) {
        int code = in.opcode();
        int operation = operation(code);
        boolean wide = op.kind() == Opcode.Kind.ALU64;
        String cls = wide ? "BPF_ALU64" : "BPF_ALU";
        if (operation == NEG) {
            if (src != 0 || off != 0 || imm != 0) reserved(slot, cls);
        } else if (operation == END) {
            if (src != 0 || off != 0) reserved(slot, cls);
            if (imm != 16 && imm != 32 && imm != 64) throw new Reject(slot, "BPF_END uses reserved fields");
        } else if (operation == MOV && source(code) == X) {
            if (imm != 0) reserved(slot, cls);
            if (wide && off == ADDR_SPACE_CAST) {
                throw new Reject(slot, "addr_space_cast (BPF arena) is not supported by the ebpf4j VM");
            }
            boolean ok = off == 0 || off == 8 || off == 16 || (wide && off == 32);
            if (!ok) throw new Reject(slot, "BPF_MOV uses reserved fields");
        } else if (source(code) == K) {
            boolean offOk = off == 0 || ((operation == DIV || operation == MOD) && off == 1);
            if (src != 0 || !offOk) reserved(slot, cls);
        } else {
            boolean offOk = off == 0 || ((operation == DIV || operation == MOD) && off == 1);
            if (imm != 0 || !offOk) reserved(slot, cls);
        }
        writes(slot, in.dst());
    }

    private static void jump(int slot, int code, Opcode op, int off, long imm, int dst, int src) {
        int operation = operation(code);
        if (operation == JA) {
            if (op.kind() == Opcode.Kind.JUMP) {
                if (dst != 0 || src != 0 || imm != 0) reserved(slot, "BPF_JA");
            } else if (dst != 0 || src != 0 || off != 0) {
                reserved(slot, "BPF_JA");
            }
        } else if (operation == JCOND) {
            throw new Reject(slot, "may_goto is not supported by the ebpf4j VM");
        } else if (source(code) == K) {
            if (src != 0) reserved(slot, "BPF_JMP/JMP32");
        } else if (imm != 0) {
            reserved(slot, "BPF_JMP/JMP32");
        }
    }

    private static void atomic(int slot, int code, int imm, int dst) {
        int size = size(code);
        boolean rmw = imm == ATOMIC_ADD || imm == ATOMIC_OR || imm == ATOMIC_AND || imm == ATOMIC_XOR
                || imm == (ATOMIC_ADD | FETCH) || imm == (ATOMIC_OR | FETCH) || imm == (ATOMIC_AND | FETCH)
                || imm == (ATOMIC_XOR | FETCH) || imm == XCHG || imm == CMPXCHG;
        if (rmw) {
            if (size != W && size != DW) throw new Reject(slot, "invalid atomic operand size");
        } else if (imm == LOAD_ACQ) {
            // load_acquire writes dst: like a load
        } else if (imm == STORE_REL) {
            // store_release
        } else {
            throw new Reject(slot, String.format("BPF_ATOMIC uses invalid atomic opcode %02x", imm));
        }
    }

    private static void writes(int slot, int dst) {
        if (dst == 10) throw new Reject(slot, "frame pointer is read only");
    }

    private static void reserved(int slot, String cls) {
        throw new Reject(slot, cls + " uses reserved fields");
    }
}
