package dev.ebpf4j.internal.sys;

import java.lang.foreign.MemorySegment;

/**
 * Passes caller memory to the kernel by address. Native segments go as they are (zero copy); heap segments are
 * copied through a per-thread scratch buffer. Nothing here allocates once the scratch buffers have grown.
 *
 * <pre>{@code
 * long keyAddr = NativeArgs.in(key, NativeArgs.KEY, keySize);        // copies a heap key into scratch
 * long valAddr = NativeArgs.out(value, NativeArgs.VALUE, valueSize);
 * ... bpf() ...
 * NativeArgs.copyBack(value, NativeArgs.VALUE, valueSize);           // no-op for native segments
 * }</pre>
 */
public final class NativeArgs {
    public static final int KEY = 0;
    public static final int VALUE = 1;
    public static final int EXTRA = 2;

    private NativeArgs() {
    }

    /** Address of {@code size} readable bytes holding {@code seg}'s first bytes. */
    public static long in(MemorySegment seg, int slot, long size) {
        if (seg.isNative()) return seg.address();
        MemorySegment b = CallScratch.get().buffer(slot, size);
        MemorySegment.copy(seg, 0, b, 0, size);
        return b.address();
    }

    /** Address of {@code size} writable bytes the kernel fills; call {@link #copyBack} afterwards. */
    public static long out(MemorySegment seg, int slot, long size) {
        if (seg.isNative()) return seg.address();
        return CallScratch.get().buffer(slot, size).address();
    }

    /** Copies what the kernel wrote into scratch back to a heap segment; no-op for native segments. */
    public static void copyBack(MemorySegment seg, int slot, long size) {
        if (seg.isNative()) return;
        MemorySegment.copy(CallScratch.get().buffer(slot, size), 0, seg, 0, size);
    }
}
