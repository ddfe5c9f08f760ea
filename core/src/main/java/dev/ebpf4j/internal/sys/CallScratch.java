package dev.ebpf4j.internal.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

/**
 * Per-thread native scratch memory reused by every system call: the errno capture area, a zeroed attribute buffer
 * for {@code bpf()}, and two growable buffers for keys and values. Reusing them is what keeps map operations and
 * ring buffer reads free of per-call allocation; being per thread makes them safe to use from many threads.
 *
 * <pre>{@code
 * CallScratch s = CallScratch.get();
 * MemorySegment attr = s.attr(BpfAttr.ELEM_SIZE);   // zeroed
 * }</pre>
 */
public final class CallScratch {
    /** Big enough for every {@code union bpf_attr} member and every perf_event_attr. */
    public static final int ATTR_CAPACITY = 256;

    static final VarHandle ERRNO = Linker.Option.captureStateLayout()
            .varHandle(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));

    private static final ThreadLocal<CallScratch> SCRATCH = ThreadLocal.withInitial(CallScratch::new);

    private final Arena arena = Arena.ofAuto();
    final MemorySegment callState = arena.allocate(Linker.Option.captureStateLayout());
    private final MemorySegment attr = arena.allocate(ATTR_CAPACITY, 8);
    private final MemorySegment[] buffers = new MemorySegment[4];

    private CallScratch() {
    }

    /** The calling thread's scratch. */
    public static CallScratch get() {
        return SCRATCH.get();
    }

    /** The errno captured by this thread's most recent downcall. */
    public int errno() {
        return (int) ERRNO.get(callState, 0L);
    }

    /**
     * The attribute buffer with its first {@code size} bytes (rounded up to 8, at most {@link #ATTR_CAPACITY})
     * zeroed. Returns the whole buffer so that no slice object is created on hot paths.
     */
    public MemorySegment attr(int size) {
        for (long i = 0; i < size; i += 8) attr.set(java.lang.foreign.ValueLayout.JAVA_LONG, i, 0L);
        return attr;
    }

    /** The whole attribute buffer, zeroed. Avoids creating a slice on hot paths. */
    public MemorySegment attr() {
        attr.fill((byte) 0);
        return attr;
    }

    /**
     * Scratch buffer number {@code slot} (0..3) of at least {@code size} bytes, 8-byte aligned; contents undefined.
     * Slot conventions: 0 = key, 1 = value, 2 = next key / extra, 3 = reserved for strings and paths.
     */
    public MemorySegment buffer(int slot, long size) {
        MemorySegment b = buffers[slot];
        if (b == null || b.byteSize() < size) {
            long capacity = Math.max(64, Long.highestOneBit(Math.max(1, size - 1)) << 1);
            b = arena.allocate(capacity, 8);
            buffers[slot] = b;
        }
        return b;
    }

    /** A NUL-terminated copy of {@code s} in scratch slot 3 (for paths and names passed to the kernel). */
    public MemorySegment cString(String s) {
        byte[] bytes = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        MemorySegment b = buffer(3, bytes.length + 1L);
        MemorySegment.copy(bytes, 0, b, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, bytes.length);
        b.set(java.lang.foreign.ValueLayout.JAVA_BYTE, bytes.length, (byte) 0);
        return b;
    }
}
