package dev.ebpf4j.vm.verifier;

import java.util.Arrays;

/**
 * One call frame of a verifier state: registers r0..r10 and the 512-byte stack, byte by byte (uninitialised, scalar
 * data, known zero, or part of a spilled register, whose state is kept per 8-byte slot), plus where the frame was
 * called from.
 *
 * <pre>{@code
 * FrameState f = FrameState.entry(0, 0);
 * f.regs[10].type;   // PTR_TO_STACK
 * }</pre>
 */
public final class FrameState {
    public static final int STACK = 512;
    public static final byte INVALID = 0;
    public static final byte MISC = 1;
    public static final byte ZERO = 2;
    public static final byte SPILL = 3;

    public final RegState[] regs = new RegState[11];
    public final byte[] stack = new byte[STACK];
    public final RegState[] spills = new RegState[STACK / 8];
    /** Instruction index of the call that made this frame (-1 for the main frame). */
    public int callsite = -1;
    /** The subprogram running in this frame. */
    public int subprog;
    /** True when this frame is a bpf_loop-style callback: its exit ends the path. */
    public boolean callback;
    /** Frame number (0 = main). */
    public int frameNo;

    private FrameState() {
    }

    /** A fresh frame: registers uninitialised except r10, stack uninitialised. */
    public static FrameState entry(int frameNo, int subprog) {
        FrameState f = new FrameState();
        for (int i = 0; i < 11; i++) f.regs[i] = RegState.notInit();
        RegState fp = RegState.pointer(RegType.PTR_TO_STACK);
        fp.frame = frameNo;
        f.regs[10] = fp;
        f.frameNo = frameNo;
        f.subprog = subprog;
        return f;
    }

    public FrameState copy() {
        FrameState f = new FrameState();
        for (int i = 0; i < 11; i++) f.regs[i] = regs[i].copy();
        System.arraycopy(stack, 0, f.stack, 0, STACK);
        for (int i = 0; i < spills.length; i++) f.spills[i] = spills[i] == null ? null : spills[i].copy();
        f.callsite = callsite;
        f.subprog = subprog;
        f.callback = callback;
        f.frameNo = frameNo;
        return f;
    }

    /** Marks stack bytes [from, to) (offsets from the frame's base, 0..512) as {@code type}, breaking spills. */
    public void mark(int from, int to, byte type) {
        for (int b = from; b < to; b++) {
            int slot = b / 8;
            if (stack[b] == SPILL || spills[slot] != null) breakSpill(slot);
            stack[b] = type;
        }
    }

    /** A spilled register partly overwritten: its other bytes become plain scalar data. */
    void breakSpill(int slot) {
        if (spills[slot] == null) return;
        spills[slot] = null;
        for (int b = slot * 8; b < slot * 8 + 8; b++) if (stack[b] == SPILL) stack[b] = MISC;
    }

    public void spill(int slot, RegState reg) {
        spills[slot] = reg.copy();
        Arrays.fill(stack, slot * 8, slot * 8 + 8, SPILL);
    }

    /** Destroys every spilled register (a callback may have overwritten them): they become scalar data. */
    public void havocStack() {
        for (int s = 0; s < spills.length; s++) breakSpill(s);
        for (int b = 0; b < STACK; b++) if (stack[b] == ZERO) stack[b] = MISC;
    }
}
