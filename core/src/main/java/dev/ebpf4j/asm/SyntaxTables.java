package dev.ebpf4j.asm;

import java.util.Map;

import static dev.ebpf4j.asm.Opcodes.*;

/**
 * The operator spellings and number formats both disassembly styles share (package-private; the public face is
 * {@link Disassembler}).
 */
final class SyntaxTables {
    private SyntaxTables() {
    }

    /** ALU operation field → compound assignment operator (MOV is plain assignment). */
    static final Map<Integer, String> ALU_OPERATORS = Map.ofEntries(
            Map.entry(ADD, "+="), Map.entry(SUB, "-="), Map.entry(MUL, "*="), Map.entry(DIV, "/="),
            Map.entry(OR, "|="), Map.entry(AND, "&="), Map.entry(LSH, "<<="), Map.entry(RSH, ">>="),
            Map.entry(MOD, "%="), Map.entry(XOR, "^="), Map.entry(MOV, "="), Map.entry(ARSH, "s>>="));

    /** Signed variants selected by offset 1 on DIV and MOD (v4). */
    static final Map<Integer, String> SIGNED_ALU_OPERATORS = Map.of(DIV, "s/=", MOD, "s%=");

    /** Conditional jump operation field → comparison operator. */
    static final Map<Integer, String> JUMP_OPERATORS = Map.ofEntries(
            Map.entry(JEQ, "=="), Map.entry(JGT, ">"), Map.entry(JGE, ">="), Map.entry(JSET, "&"),
            Map.entry(JNE, "!="), Map.entry(JSGT, "s>"), Map.entry(JSGE, "s>="), Map.entry(JLT, "<"),
            Map.entry(JLE, "<="), Map.entry(JSLT, "s<"), Map.entry(JSLE, "s<="));

    /** Size field → unsigned C type used in memory operands. */
    static final Map<Integer, String> UNSIGNED_TYPES = Map.of(B, "u8", H, "u16", W, "u32", DW, "u64");

    /** Size field → signed C type used by sign-extending loads. */
    static final Map<Integer, String> SIGNED_TYPES = Map.of(B, "s8", H, "s16", W, "s32", DW, "s64");

    /** Offset of a sign-extending move (movsx) → cast; 32-bit moves allow only 8 and 16. */
    static final Map<Integer, String> MOVSX_CASTS = Map.of(8, "(s8)", 16, "(s16)", 32, "(s32)");

    /** Widths accepted by le/be/bswap. */
    static boolean isSwapWidth(long imm) {
        return imm == 16 || imm == 32 || imm == 64;
    }

    /** {@code 0x2a}, {@code -0x2a}: a signed value in hexadecimal, as llvm-objdump prints immediates. */
    static String signedHex(long value) {
        return value < 0 ? "-0x" + Long.toHexString(-value) : "0x" + Long.toHexString(value);
    }

    /** {@code +0x3}, {@code -0x3}: a relative jump distance in llvm-objdump's style. */
    static String relativeHex(long value) {
        return value < 0 ? "-0x" + Long.toHexString(-value) : "+0x" + Long.toHexString(value);
    }

    /** {@code +3}, {@code -3}, {@code +0}: C's {@code %+d}, as the kernel prints offsets. */
    static String plusMinus(long value) {
        return value < 0 ? Long.toString(value) : "+" + value;
    }
}
