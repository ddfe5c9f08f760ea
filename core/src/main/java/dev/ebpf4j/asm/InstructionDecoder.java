package dev.ebpf4j.asm;

import dev.ebpf4j.ObjectFormatException;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes the kernel's instruction byte format into {@link Instruction}s, merging the two slots of {@code lddw}.
 * Malformed input raises {@link ObjectFormatException} naming where.
 *
 * <pre>{@code
 * List<Instruction> insns = InstructionDecoder.decode(bytes, ByteOrder.LITTLE_ENDIAN, "xdp_prog");
 * }</pre>
 */
public final class InstructionDecoder {
    private InstructionDecoder() {
    }

    /** Decodes {@code bytes}; {@code section} names the source in errors. */
    public static List<Instruction> decode(byte[] bytes, ByteOrder order, String section) {
        return decode(MemorySegment.ofArray(bytes), order, section);
    }

    /** Decodes the whole segment. */
    public static List<Instruction> decode(MemorySegment seg, ByteOrder order, String section) {
        long size = seg.byteSize();
        if (size % 8 != 0) {
            throw new ObjectFormatException(section, size - size % 8, "instruction bytes are " + size
                    + " long, not a multiple of 8");
        }
        ValueLayout.OfShort s16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(order);
        ValueLayout.OfInt s32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(order);
        boolean little = order == ByteOrder.LITTLE_ENDIAN;
        List<Instruction> out = new ArrayList<>((int) (size / 8));
        for (long at = 0; at < size; at += 8) {
            int opcode = seg.get(ValueLayout.JAVA_BYTE, at) & 0xff;
            int regs = seg.get(ValueLayout.JAVA_BYTE, at + 1) & 0xff;
            int dst = little ? regs & 0x0f : regs >>> 4;
            int src = little ? regs >>> 4 : regs & 0x0f;
            short off = seg.get(s16, at + 2);
            int imm = seg.get(s32, at + 4);
            if (opcode == Instruction.LDDW) {
                if (at + 16 > size) {
                    throw new ObjectFormatException(section, at, "lddw at the end of the program lacks its second slot");
                }
                int op2 = seg.get(ValueLayout.JAVA_BYTE, at + 8) & 0xff;
                int regs2 = seg.get(ValueLayout.JAVA_BYTE, at + 9) & 0xff;
                short off2 = seg.get(s16, at + 10);
                if (op2 != 0 || regs2 != 0 || off2 != 0) {
                    throw new ObjectFormatException(section, at + 8, "the second slot of lddw must have zero opcode, "
                            + "registers and offset");
                }
                long hi = seg.get(s32, at + 12);
                out.add(new Instruction(opcode, dst, src, off, (hi << 32) | (imm & 0xffffffffL), null));
                at += 8;
            } else {
                out.add(new Instruction(opcode, dst, src, off, imm, null));
            }
        }
        return out;
    }
}
