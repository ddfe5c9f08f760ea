package dev.ebpf4j.asm;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * One BPF instruction: an 8-bit opcode, destination and source register numbers (0..15 as encoded; valid programs
 * use 0..10), a signed 16-bit offset and a constant. Ordinary instructions carry a sign-extended 32-bit immediate in
 * {@link #constant()}; the wide {@code lddw} instruction (opcode 0x18, two 8-byte slots) carries its full 64-bit
 * immediate there, low half from the first slot and high half from the second.
 *
 * <p>{@link #reference()} names a symbol (a map, a function, a kfunc) that a loader resolves before the program goes
 * to the kernel; it is not encoded. Instructions are immutable; the {@code with*} methods return changed copies.
 *
 * <pre>{@code
 * Instruction mov = new Instruction(0xb7, 0, 0, (short) 0, 42, null);   // r0 = 42
 * byte[] bytes = Instructions.encode(List.of(mov, Instruction.EXIT));
 * }</pre>
 */
public record Instruction(int opcode, int dst, int src, short offset, long constant, String reference) {
    /** The wide-load opcode {@code BPF_LD | BPF_IMM | BPF_DW}. */
    public static final int LDDW = 0x18;
    /** {@code exit}. */
    public static final Instruction EXIT = new Instruction(0x95, 0, 0, (short) 0, 0, null);

    public Instruction {
        if (opcode < 0 || opcode > 0xff) throw new IllegalArgumentException("opcode out of range: " + opcode);
        if (dst < 0 || dst > 15) throw new IllegalArgumentException("dst register out of range: " + dst);
        if (src < 0 || src > 15) throw new IllegalArgumentException("src register out of range: " + src);
        if (opcode != LDDW && (constant < Integer.MIN_VALUE || constant > Integer.MAX_VALUE)) {
            throw new IllegalArgumentException("immediate " + constant + " does not fit 32 bits (only lddw takes 64)");
        }
    }

    /** An instruction without a symbol reference. */
    public Instruction(int opcode, int dst, int src, int offset, long constant) {
        this(opcode, dst, src, (short) offset, constant, null);
    }

    /** True for {@code lddw}, which occupies two 8-byte slots. */
    public boolean isWide() {
        return opcode == LDDW;
    }

    /** Number of 8-byte slots this instruction occupies (1, or 2 for lddw). */
    public int slots() {
        return opcode == LDDW ? 2 : 1;
    }

    /** The 32-bit immediate (for lddw, the low half). */
    public int imm() {
        return (int) constant;
    }

    /** The operation class, the low three bits of the opcode. */
    public int opClass() {
        return opcode & 0x07;
    }

    public Instruction withOffset(int newOffset) {
        return new Instruction(opcode, dst, src, (short) newOffset, constant, reference);
    }

    public Instruction withConstant(long newConstant) {
        return new Instruction(opcode, dst, src, offset, newConstant, reference);
    }

    public Instruction withSrc(int newSrc) {
        return new Instruction(opcode, dst, newSrc, offset, constant, reference);
    }

    public Instruction withReference(String newReference) {
        return new Instruction(opcode, dst, src, offset, constant, newReference);
    }

    /**
     * Writes this instruction's {@link #slots()} × 8 bytes at {@code at} in {@code out}, in {@code order}. Register
     * nibbles are swapped for big-endian objects, as the kernel and LLVM do.
     */
    public void encodeTo(MemorySegment out, long at, ByteOrder order) {
        ValueLayout.OfShort s16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(order);
        ValueLayout.OfInt s32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(order);
        int regs = order == ByteOrder.LITTLE_ENDIAN ? (src << 4) | dst : (dst << 4) | src;
        out.set(ValueLayout.JAVA_BYTE, at, (byte) opcode);
        out.set(ValueLayout.JAVA_BYTE, at + 1, (byte) regs);
        out.set(s16, at + 2, offset);
        out.set(s32, at + 4, (int) constant);
        if (opcode == LDDW) {
            out.set(ValueLayout.JAVA_LONG_UNALIGNED, at + 8, 0L);
            out.set(s32, at + 12, (int) (constant >>> 32));
        }
    }
}
