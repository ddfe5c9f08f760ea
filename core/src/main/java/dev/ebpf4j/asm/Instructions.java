package dev.ebpf4j.asm;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Encoding of instruction lists to the kernel's byte format (and, see {@code InstructionDecoder}, back).
 *
 * <pre>{@code
 * byte[] bytes = Instructions.encode(program);          // little-endian, as the kernel takes it
 * int slots = Instructions.slotCount(program);          // what bpf(BPF_PROG_LOAD) calls insn_cnt
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
