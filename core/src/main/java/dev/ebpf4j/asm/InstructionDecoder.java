package dev.ebpf4j.asm;

import dev.ebpf4j.ObjectFormatException;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Decodes the kernel's instruction format (8-byte slots) back into {@link Instruction}s, merging the two slots of
 * {@code lddw} into one instruction with a 64-bit constant. Every field is kept as encoded, so
 * {@code Instructions.encode(decode(bytes))} reproduces {@code bytes} exactly; opcodes the ISA does not define are
 * kept too (see {@link Opcode#isValid()}), only the structure is checked: the length must be a multiple of 8, a
 * {@code lddw} needs its second slot, and that slot's opcode, registers and offset must be zero.
 *
 * <pre>{@code
 * ElfSection xdp = elf.section("xdp").orElseThrow();
 * List<Instruction> prog = InstructionDecoder.decode(elf.data(xdp), elf.byteOrder(), xdp.name());
 * }</pre>
 */
public final class InstructionDecoder {
    private static final String DEFAULT_SECTION = "instructions";

    private InstructionDecoder() {
    }

    /** Decodes little-endian instructions. */
    public static List<Instruction> decode(byte[] code) {
        return decode(MemorySegment.ofArray(code), ByteOrder.LITTLE_ENDIAN, DEFAULT_SECTION);
    }

    /** Decodes instructions in {@code order}. */
    public static List<Instruction> decode(byte[] code, ByteOrder order) {
        return decode(MemorySegment.ofArray(code), order, DEFAULT_SECTION);
    }

    /**
     * Decodes all of {@code code}; {@code section} names the source in errors (e.g. the ELF section name).
     *
     * @throws ObjectFormatException when the bytes are not a whole number of instructions
     */
    public static List<Instruction> decode(MemorySegment code, ByteOrder order, String section) {
        long size = code.byteSize();
        if (size % 8 != 0) {
            throw new ObjectFormatException(section, size - size % 8,
                    "instruction bytes end with a partial slot: " + size + " bytes is not a multiple of 8");
        }
        if (size / 8 > Integer.MAX_VALUE) {
            throw new ObjectFormatException(section, 0, "too many instructions: " + size / 8 + " slots");
        }
        List<Instruction> out = new ArrayList<>((int) (size / 8));
        long at = 0;
        while (at < size) {
            Instruction insn = decodeAt(code, at, order, section);
            out.add(insn);
            at += insn.slots() * 8L;
        }
        return Collections.unmodifiableList(out);
    }

    /**
     * Decodes the single instruction starting at byte {@code at} (two slots for {@code lddw}).
     *
     * @throws ObjectFormatException when the instruction does not fit or its second slot is malformed
     */
    public static Instruction decodeAt(MemorySegment code, long at, ByteOrder order, String section) {
        if (at < 0 || at % 8 != 0 || at + 8 > code.byteSize()) {
            throw new ObjectFormatException(section, at, "no instruction slot at this offset (code is "
                    + code.byteSize() + " bytes, slots are 8-byte aligned)");
        }
        ValueLayout.OfShort s16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(order);
        ValueLayout.OfInt s32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(order);
        int opcode = Byte.toUnsignedInt(code.get(ValueLayout.JAVA_BYTE, at));
        int regs = Byte.toUnsignedInt(code.get(ValueLayout.JAVA_BYTE, at + 1));
        int dst = order == ByteOrder.LITTLE_ENDIAN ? regs & 0x0f : regs >>> 4;
        int src = order == ByteOrder.LITTLE_ENDIAN ? regs >>> 4 : regs & 0x0f;
        short offset = code.get(s16, at + 2);
        int imm = code.get(s32, at + 4);
        if (opcode != Instruction.LDDW) return new Instruction(opcode, dst, src, offset, imm, null);

        long second = at + 8;
        if (second + 8 > code.byteSize()) {
            throw new ObjectFormatException(section, at, "lddw (slot " + at / 8
                    + ") is cut off: its second 8-byte slot is missing");
        }
        int secondOpcode = Byte.toUnsignedInt(code.get(ValueLayout.JAVA_BYTE, second));
        int secondRegs = Byte.toUnsignedInt(code.get(ValueLayout.JAVA_BYTE, second + 1));
        short secondOffset = code.get(s16, second + 2);
        if (secondOpcode != 0 || secondRegs != 0 || secondOffset != 0) {
            throw new ObjectFormatException(section, second, String.format(
                    "second slot of lddw (slot %d) must have zero opcode, registers and offset, found opcode 0x%02x,"
                            + " registers 0x%02x, offset %d", at / 8, secondOpcode, secondRegs, secondOffset));
        }
        long high = code.get(s32, second + 4);
        long constant = (high << 32) | Integer.toUnsignedLong(imm);
        return new Instruction(opcode, dst, src, offset, constant, null);
    }
}
