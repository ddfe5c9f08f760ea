package dev.ebpf4j.vm.code;

import dev.ebpf4j.asm.Instruction;

import java.util.List;

/**
 * A program decoded for execution: one entry per instruction (an {@code lddw} is one entry), with jump and call
 * targets resolved to instruction indices and the subprogram layout worked out. The interpreter, JIT and verifier
 * all read this form. Built by {@link CodeBuilder} after {@link StructureCheck} passed; the verifier may rewrite
 * context accesses in place before the program runs (as the kernel's {@code convert_ctx_access} does).
 *
 * <pre>{@code
 * Code code = CodeBuilder.build(instructions);
 * int firstJumpTarget = code.target[0];
 * }</pre>
 */
public final class Code {
    /** Number of instructions. */
    public final int length;
    public final int[] opcode;
    public final int[] dst;
    public final int[] src;
    public final int[] offset;
    /** The immediate; for {@code lddw} the full 64-bit value (after map resolution, the runtime value). */
    public final long[] imm;
    /** Jump target, bpf-to-bpf call target, or function of a {@code lddw} function pointer: an index; else -1. */
    public final int[] target;
    /** Slot (8-byte unit) where each instruction starts, plus the total slot count at {@code [length]}. */
    public final int[] slot;
    /** Original {@code lddw} pseudo source (map fd, map value, function ...), 0 otherwise. */
    public final int[] pseudo;
    /** For map {@code lddw}s: the index of the map in the program's {@code VmMaps}; else -1. */
    public final int[] mapIndex;
    /** Sorted start indices of subprograms; {@code [0]} is 0, the main program. */
    public final int[] subprogStart;
    /** The subprogram each instruction belongs to. */
    public final int[] subprogOf;
    /** The instructions as given. */
    public final List<Instruction> instructions;
    /**
     * For each load, store and atomic: the memory region ({@code dev.ebpf4j.vm.mem.Addresses}) the verifier saw its
     * base pointer address on every path, {@link #MIXED_REGION} when paths disagree or the region is not fixed
     * (ring buffer records), 0 when nothing is known (conformance mode, other instructions). A hint for the JIT's
     * region-specialised accesses, which still check the address's region at run time.
     */
    public final int[] accessRegion;
    /** {@link #accessRegion} value of an access whose region varies or is not known statically. */
    public static final int MIXED_REGION = -1;

    Code(List<Instruction> instructions, int[] slot, int[] target, int[] subprogStart, int[] subprogOf) {
        this.instructions = List.copyOf(instructions);
        this.length = instructions.size();
        this.opcode = new int[length];
        this.dst = new int[length];
        this.src = new int[length];
        this.offset = new int[length];
        this.imm = new long[length];
        this.pseudo = new int[length];
        this.mapIndex = new int[length];
        this.accessRegion = new int[length];
        for (int i = 0; i < length; i++) {
            Instruction in = instructions.get(i);
            opcode[i] = in.opcode();
            dst[i] = in.dst();
            src[i] = in.src();
            offset[i] = in.offset();
            imm[i] = in.constant();
            mapIndex[i] = -1;
            if (in.isWide()) pseudo[i] = in.src();
        }
        this.slot = slot;
        this.target = target;
        this.subprogStart = subprogStart;
        this.subprogOf = subprogOf;
    }

    /** Index of the subprogram starting at instruction {@code index}, or -1. */
    public int subprogAt(int index) {
        int i = java.util.Arrays.binarySearch(subprogStart, index);
        return i >= 0 ? i : -1;
    }

    /** One past the last instruction of subprogram {@code sub}. */
    public int subprogEnd(int sub) {
        return sub + 1 < subprogStart.length ? subprogStart[sub + 1] : length;
    }

    /** The slot of instruction {@code index}, for messages. */
    public int slotOf(int index) {
        return index >= 0 && index <= length ? slot[index] : -1;
    }

    /** Index of the instruction at slot {@code s}, or -1 when none starts there. */
    public int indexOfSlot(int s) {
        int i = java.util.Arrays.binarySearch(slot, 0, length, s);
        return i >= 0 ? i : -1;
    }
}
