package dev.ebpf4j.asm;

import java.util.Map;
import java.util.NavigableMap;

import static dev.ebpf4j.asm.Opcodes.*;
import static dev.ebpf4j.asm.SyntaxTables.*;

/**
 * Formats one instruction the way {@code llvm-objdump-19 -d --no-show-raw-insn} does (package-private; used through
 * {@link Disassembler#llvm()}). Encodings LLVM does not decode print as {@code <unknown>}, as LLVM prints them.
 *
 * <p>Two deliberate differences, both for encodings clang never emits: a legacy indirect packet load with a non-zero
 * immediate shows it ({@code skb[r1 + 0x4]}; LLVM drops it), and atomic operations LLVM 19 does not know
 * (32-bit fetch forms without {@code alu32}, load-acquire, store-release) are printed in LLVM's later syntax instead
 * of {@code <unknown>}.
 */
final class LlvmSyntax {
    static final String UNKNOWN = "<unknown>";

    private final boolean alu32;
    private final NavigableMap<Long, String> symbols;

    LlvmSyntax(boolean alu32, NavigableMap<Long, String> symbols) {
        this.alu32 = alu32;
        this.symbols = symbols;
    }

    String format(Instruction in, long slot) {
        Opcode op = Opcode.of(in.opcode());
        return switch (op.kind()) {
            case ALU32, ALU64 -> alu(in, op.kind() == Opcode.Kind.ALU64);
            case JUMP, JUMP32 -> jump(in, slot, op.kind() == Opcode.Kind.JUMP32);
            case CALL -> in.opcode() == (JMP | CALL | X) ? "callx r" + in.dst() : "call " + signedHex(in.imm());
            case EXIT -> "exit";
            case LOAD_IMM64 -> in.src() == 0
                    ? "r" + in.dst() + " = " + signedHex(in.constant()) + " ll"
                    : "ld_pseudo r" + in.dst() + ", " + signedHex(in.src()) + ", 0x"
                            + Integer.toHexString(in.imm());
            case LOAD_PACKET -> packetLoad(in);
            case LOAD -> register(in.dst(), narrow(in)) + " = *(" + UNSIGNED_TYPES.get(size(in.opcode())) + " *)"
                    + address(in.src(), in.offset());
            case LOAD_SIGNED -> "r" + in.dst() + " = *(" + SIGNED_TYPES.get(size(in.opcode())) + " *)"
                    + address(in.src(), in.offset());
            case STORE_IMM -> "*(" + UNSIGNED_TYPES.get(size(in.opcode())) + " *)" + address(in.dst(), in.offset())
                    + " = " + signedHex(in.imm());
            case STORE -> "*(" + UNSIGNED_TYPES.get(size(in.opcode())) + " *)" + address(in.dst(), in.offset())
                    + " = " + register(in.src(), narrow(in));
            case ATOMIC -> atomic(in);
            case INVALID -> UNKNOWN;
        };
    }

    private String alu(Instruction in, boolean wide) {
        int operation = operation(in.opcode());
        boolean regSource = source(in.opcode()) == X;
        String dst = register(in.dst(), !wide);
        if (operation == END) {
            if (!isSwapWidth(in.imm()) || (wide && regSource)) return UNKNOWN;
            String name = wide ? "bswap" : regSource ? "be" : "le";
            return "r" + in.dst() + " = " + name + in.imm() + " r" + in.dst();
        }
        if (operation == NEG) return dst + " = -" + dst;
        if (operation == MOV && regSource && wide && in.offset() == ADDR_SPACE_CAST) {
            return dst + " = addr_space_cast(" + register(in.src(), false) + ", 0x" + Integer.toHexString(
                    in.imm() >>> 16) + ", 0x" + Integer.toHexString(in.imm() & 0xffff) + ")";
        }
        if (operation == MOV && regSource && in.offset() != 0) {
            String cast = MOVSX_CASTS.get((int) in.offset());
            if (cast == null || (!wide && in.offset() == 32)) return UNKNOWN;
            return dst + " = " + cast + register(in.src(), !wide);
        }
        String operator = in.offset() == 1 ? SIGNED_ALU_OPERATORS.get(operation) : ALU_OPERATORS.get(operation);
        if (operator == null || (in.offset() != 0 && in.offset() != 1)) return UNKNOWN;
        return dst + " " + operator + " " + (regSource ? register(in.src(), !wide) : signedHex(in.imm()));
    }

    private String jump(Instruction in, long slot, boolean narrow) {
        int operation = operation(in.opcode());
        if (operation == JA) {
            return narrow ? "gotol " + target(slot, in.imm()) : "goto " + target(slot, in.offset());
        }
        if (operation == JCOND) return "may_goto " + target(slot, in.offset());
        String operator = JUMP_OPERATORS.get(operation);
        if (operator == null) return UNKNOWN;
        String right = source(in.opcode()) == X ? register(in.src(), narrow) : signedHex(in.imm());
        return "if " + register(in.dst(), narrow) + " " + operator + " " + right + " goto "
                + target(slot, in.offset());
    }

    private String target(long slot, long distance) {
        String text = relativeHex(distance);
        if (symbols == null) return text;
        long targetByte = (slot + 1 + distance) * 8;
        Map.Entry<Long, String> symbol = symbols.floorEntry(targetByte);
        if (symbol == null) return text;
        long delta = targetByte - symbol.getKey();
        return text + " <" + symbol.getValue() + (delta == 0 ? "" : "+0x" + Long.toHexString(delta)) + ">";
    }

    private static String packetLoad(Instruction in) {
        String type = UNSIGNED_TYPES.get(size(in.opcode()));
        if (mode(in.opcode()) == ABS) return "r0 = *(" + type + " *)skb[" + signedHex(in.imm()) + "]";
        String index = in.imm() == 0 ? "r" + in.src() : "r" + in.src() + " + " + signedHex(in.imm());
        return "r0 = *(" + type + " *)skb[" + index + "]";
    }

    private String atomic(Instruction in) {
        AtomicOperation operation = AtomicOperation.fromImm(in.imm()).orElse(null);
        int size = size(in.opcode());
        if (operation == null || (!operation.allowsNarrowAccess() && (size == B || size == H))) return UNKNOWN;
        boolean narrow = size != DW;
        String type = UNSIGNED_TYPES.get(size);
        String memory = "(" + type + " *)" + address(in.dst(), in.offset());
        String src = register(in.src(), narrow);
        return switch (operation) {
            case ADD, OR, AND, XOR -> "lock *" + memory + " " + operation.operator() + " "
                    + register(in.src(), narrow && alu32);
            case FETCH_ADD, FETCH_OR, FETCH_AND, FETCH_XOR -> src + " = atomic_fetch_" + operation.operationName()
                    + "(" + memory + ", " + src + ")";
            case XCHG -> src + " = xchg" + (narrow ? "32_32(" : "_64(") + bareAddress(in.dst(), in.offset()) + ", "
                    + src + ")";
            case CMPXCHG -> {
                String r0 = register(0, narrow);
                yield r0 + " = cmpxchg" + (narrow ? "32_32(" : "_64(") + bareAddress(in.dst(), in.offset()) + ", "
                        + r0 + ", " + src + ")";
            }
            case LOAD_ACQUIRE -> register(in.dst(), narrow && alu32) + " = load_acquire((" + type + " *)"
                    + address(in.src(), in.offset()) + ")";
            case STORE_RELEASE -> "store_release(" + memory + ", " + register(in.src(), narrow && alu32) + ")";
        };
    }

    /** Sub-register (w) form for 1/2/4-byte loads and stores, as LLVM prints them with alu32 (v3+). */
    private boolean narrow(Instruction in) {
        return alu32 && size(in.opcode()) != DW;
    }

    private static String register(int number, boolean narrow) {
        return (narrow ? "w" : "r") + number;
    }

    private static String address(int base, short offset) {
        return "(" + bareAddress(base, offset) + ")";
    }

    private static String bareAddress(int base, short offset) {
        return "r" + base + (offset < 0 ? " - 0x" + Integer.toHexString(-offset) : " + 0x"
                + Integer.toHexString(offset));
    }
}
