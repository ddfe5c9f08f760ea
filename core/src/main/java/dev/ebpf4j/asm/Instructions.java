package dev.ebpf4j.asm;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Encoding of instruction lists to the kernel's byte format and, through {@link InstructionDecoder}, back.
 *
 * <pre>{@code
 * byte[] bytes = Instructions.encode(program);          // little-endian, as the kernel takes it
 * int slots = Instructions.slotCount(program);          // what bpf(BPF_PROG_LOAD) calls insn_cnt
 * List<Instruction> again = Instructions.decode(bytes); // equal to program (minus symbol references)
 * }</pre>
 */
public final class Instructions {
    private Instructions() {
    }

    /** Total 8-byte slots the instructions occupy (lddw counts two). */
    public static int slotCount(List<Instruction> instructions) {
        int n = 0;
        for (Instruction i : instructions) n += i.slots();
        return n;
    }

    /** Encodes in little-endian byte order. */
    public static byte[] encode(List<Instruction> instructions) {
        return encode(instructions, ByteOrder.LITTLE_ENDIAN);
    }

    /** Encodes in the given byte order. */
    public static byte[] encode(List<Instruction> instructions, ByteOrder order) {
        byte[] out = new byte[slotCount(instructions) * 8];
        encodeTo(instructions, MemorySegment.ofArray(out), 0, order);
        return out;
    }

    /** Decodes little-endian instruction bytes; see {@link InstructionDecoder}. */
    public static List<Instruction> decode(byte[] code) {
        return InstructionDecoder.decode(code);
    }

    /** Decodes instruction bytes in {@code order}; see {@link InstructionDecoder}. */
    public static List<Instruction> decode(byte[] code, ByteOrder order) {
        return InstructionDecoder.decode(code, order);
    }

    /** Decodes instruction bytes in {@code order}, naming {@code section} in errors; see {@link InstructionDecoder}. */
    public static List<Instruction> decode(MemorySegment code, ByteOrder order, String section) {
        return InstructionDecoder.decode(code, order, section);
    }

    /**
     * The slot number of each instruction, plus one final entry holding the total slot count: {@code result[i]} is
     * where instruction {@code i} starts ({@code lddw} counts two slots). Byte offsets are slot numbers × 8.
     */
    public static int[] slotOffsets(List<Instruction> instructions) {
        int[] slots = new int[instructions.size() + 1];
        int slot = 0;
        for (int i = 0; i < instructions.size(); i++) {
            slots[i] = slot;
            slot += instructions.get(i).slots();
        }
        slots[instructions.size()] = slot;
        return slots;
    }

    /**
     * The index of the instruction that starts at slot {@code slot}, or -1 when no instruction starts there (past the
     * end, or the second half of an {@code lddw}).
     */
    public static int indexAtSlot(List<Instruction> instructions, int slot) {
        int[] slots = slotOffsets(instructions);
        int i = java.util.Arrays.binarySearch(slots, 0, instructions.size(), slot);
        return i >= 0 ? i : -1;
    }

    /** Encodes into {@code out} at byte offset {@code at}; returns the number of bytes written. */
    public static long encodeTo(List<Instruction> instructions, MemorySegment out, long at, ByteOrder order) {
        long pos = at;
        for (Instruction i : instructions) {
            i.encodeTo(out, pos, order);
            pos += i.slots() * 8L;
        }
        return pos - at;
    }
}
