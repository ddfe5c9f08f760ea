package dev.ebpf4j.asm;

import static dev.ebpf4j.asm.Opcodes.*;
import static dev.ebpf4j.asm.SyntaxTables.*;

/**
 * Formats one instruction the way {@code bpftool prog dump xlated} (the kernel's instruction printer) does:
 * {@code (b7) r0 = 0}, {@code (15) if r0 == 0x0 goto pc+3}, {@code (85) call bpf_map_lookup_elem#1}. Package-private;
 * used through {@link Disassembler#bpftool()}.
 *
 * <p>An lddw of a map prints {@code map[id:N]} like bpftool does for loaded programs, where the kernel has replaced
 * the fd by the map id; before loading, N is whatever the instruction holds (an fd or 0). A call of a kfunc or a
 * bpf-to-bpf call appends the instruction's {@link Instruction#reference() reference} when it has one.
 *
 * <p>v4 instructions (sign-extending loads and moves, signed division, bswap, gotol) and load-acquire/store-release
 * print as the Linux 6.18 printer does; Debian's bpftool 7.1 embeds an older printer and shows some of them as
 * {@code BUG_ldx_91} or {@code BUG_alu64_d7}.
 */
final class BpftoolSyntax {
    /** {@code BPF_ST | BPF_NOSPEC}: a speculation barrier the verifier inserts; not in the opcode table. */
    private static final int ST_NOSPEC = ST | 0xc0;

    private final CallNames callNames;

    /** {@code callNames} may be null (defaults only). */
    BpftoolSyntax(CallNames callNames) {
        this.callNames = callNames;
    }

    String format(Instruction in) {
        Opcode op = Opcode.of(in.opcode());
        if (in.opcode() == ST_NOSPEC) return String.format("(%02x) nospec", in.opcode());
        String body = switch (op.kind()) {
            case ALU32, ALU64 -> alu(in, op.kind() == Opcode.Kind.ALU64);
            case JUMP, JUMP32 -> jump(in, op.kind() == Opcode.Kind.JUMP32);
            case CALL -> call(in);
            case EXIT -> "exit";
            case LOAD_IMM64 -> "r" + in.dst() + " = " + immediate64(in);
            case LOAD_PACKET -> mode(in.opcode()) == ABS
                    ? "r0 = *(" + UNSIGNED_TYPES.get(size(in.opcode())) + " *)skb[" + in.imm() + "]"
                    : "r0 = *(" + UNSIGNED_TYPES.get(size(in.opcode())) + " *)skb[r" + in.src() + " + " + in.imm()
                            + "]";
            case LOAD -> "r" + in.dst() + " = *(" + UNSIGNED_TYPES.get(size(in.opcode())) + " *)"
                    + address(in.src(), in.offset());
            case LOAD_SIGNED -> "r" + in.dst() + " = *(" + SIGNED_TYPES.get(size(in.opcode())) + " *)"
                    + address(in.src(), in.offset());
            case STORE_IMM -> "*(" + UNSIGNED_TYPES.get(size(in.opcode())) + " *)" + address(in.dst(), in.offset())
                    + " = " + in.imm();
            case STORE -> "*(" + UNSIGNED_TYPES.get(size(in.opcode())) + " *)" + address(in.dst(), in.offset())
                    + " = r" + in.src();
            case ATOMIC -> atomic(in);
            case INVALID -> null;
        };
        if (body == null) return String.format("(%02x) unknown opcode %02x", in.opcode(), in.opcode());
        if (body.startsWith("BUG_")) return body;
        return String.format("(%02x) %s", in.opcode(), body);
    }

    private static String alu(Instruction in, boolean wide) {
        char r = wide ? 'r' : 'w';
        int operation = operation(in.opcode());
        boolean regSource = source(in.opcode()) == X;
        if (operation == END) {
            String name = wide ? "bswap" : regSource ? "be" : "le";
            return "r" + in.dst() + " = " + name + in.imm() + " r" + in.dst();
        }
        if (operation == NEG) return r + "" + in.dst() + " = -" + r + in.dst();
        String operator = in.offset() == 1 && SIGNED_ALU_OPERATORS.containsKey(operation)
                ? SIGNED_ALU_OPERATORS.get(operation) : ALU_OPERATORS.get(operation);
        if (!regSource) return r + "" + in.dst() + " " + operator + " " + in.imm();
        if (operation == MOV && wide && in.offset() == ADDR_SPACE_CAST) {
            return "r" + in.dst() + " = addr_space_cast(r" + in.src() + ", " + (in.imm() >>> 16) + ", "
                    + (in.imm() & 0xffff) + ")";
        }
        String cast = operation == MOV ? MOVSX_CASTS.getOrDefault((int) in.offset(), "") : "";
        return r + "" + in.dst() + " " + operator + " " + cast + r + in.src();
    }

    private static String jump(Instruction in, boolean narrow) {
        int operation = operation(in.opcode());
        if (operation == JA) return narrow ? "gotol pc" + plusMinus(in.imm()) : "goto pc" + plusMinus(in.offset());
        if (operation == JCOND) return "may_goto pc" + plusMinus(in.offset());
        char r = narrow ? 'w' : 'r';
        String right = source(in.opcode()) == X ? r + "" + in.src() : "0x" + Integer.toHexString(in.imm());
        return "if " + r + in.dst() + " " + JUMP_OPERATORS.get(operation) + " " + right + " goto pc"
                + plusMinus(in.offset());
    }

    /** As the kernel's printer: a helper id's name first, then the {@link CallNames} hook, then the default. */
    private String call(Instruction in) {
        if (in.opcode() == (JMP | CALL | X)) return "callx r" + in.dst();
        return switch (in.src()) {
            case PSEUDO_CALL -> "call pc" + named(in, plusMinus(in.imm())
                    + (in.reference() != null ? "#" + in.reference() : ""));
            case PSEUDO_KFUNC_CALL -> "call " + named(in, in.reference() != null ? in.reference() : "kernel-function")
                    + "#" + in.imm();
            default -> "call " + HelperFunction.fromNumber(in.imm()).map(HelperFunction::cName)
                    .orElseGet(() -> named(in, "unknown")) + "#" + in.imm();
        };
    }

    private String named(Instruction call, String fallback) {
        String name = callNames == null ? null : callNames.name(call);
        return name != null ? name : fallback;
    }

    private static String immediate64(Instruction in) {
        long low = Integer.toUnsignedLong(in.imm());
        long high = in.constant() >>> 32;
        return switch (in.src()) {
            case PSEUDO_MAP_FD -> "map[id:" + low + "]";
            case PSEUDO_MAP_VALUE -> "map[id:" + low + "][0]+" + high;
            case PSEUDO_MAP_IDX -> "map[idx:" + low + "]";
            case PSEUDO_MAP_IDX_VALUE -> "map[idx:" + low + "][0]+" + high;
            case PSEUDO_FUNC -> "subprog[" + plusMinus(in.imm()) + "]";
            default -> "0x" + Long.toHexString(in.constant());
        };
    }

    private static String atomic(Instruction in) {
        AtomicOperation operation = AtomicOperation.fromImm(in.imm()).orElse(null);
        if (operation == null) return String.format("BUG_%02x", in.opcode());
        int size = size(in.opcode());
        String width = size == DW ? "64" : "";
        String memory = "(" + UNSIGNED_TYPES.get(size) + " *)" + address(in.dst(), in.offset());
        return switch (operation) {
            case ADD, OR, AND, XOR -> "lock *" + memory + " " + operation.operator() + " r" + in.src();
            case FETCH_ADD, FETCH_OR, FETCH_AND, FETCH_XOR -> "r" + in.src() + " = atomic" + width + "_fetch_"
                    + operation.operationName() + "(" + memory + ", r" + in.src() + ")";
            case XCHG -> "r" + in.src() + " = atomic" + width + "_xchg(" + memory + ", r" + in.src() + ")";
            case CMPXCHG -> "r0 = atomic" + width + "_cmpxchg(" + memory + ", r0, r" + in.src() + ")";
            case LOAD_ACQUIRE -> "r" + in.dst() + " = load_acquire((" + UNSIGNED_TYPES.get(size) + " *)"
                    + address(in.src(), in.offset()) + ")";
            case STORE_RELEASE -> "store_release(" + memory + ", r" + in.src() + ")";
        };
    }

    private static String address(int base, short offset) {
        return "(r" + base + " " + plusMinus(offset) + ")";
    }
}
