package dev.ebpf4j.internal.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Shared memory mappings of kernel objects (ring buffers, perf buffers) tied to an {@link Arena}: closing the arena
 * unmaps them, and any later access raises {@link IllegalStateException} instead of touching unmapped memory.
 *
 * <pre>{@code
 * Arena arena = Arena.ofShared();
 * MemorySegment consumer = Mmap.shared(mapFd, 0, pageSize, true, arena, "ring buffer 'events' consumer page");
 * arena.close();   // munmap
 * }</pre>
 */
public final class Mmap {
    private Mmap() {
    }

    /**
     * Maps {@code size} bytes of {@code fd} at file offset {@code offset} with {@code MAP_SHARED}, readable and, when
     * {@code writable}, writable. The segment lives (and stays mapped) until {@code arena} closes. Read-only mappings
     * are returned as read-only segments. {@code what} names the mapping in errors.
     */
    public static MemorySegment shared(int fd, long offset, long size, boolean writable, Arena arena, String what) {
        int prot = Libc.PROT_READ | (writable ? Libc.PROT_WRITE : 0);
        MemorySegment m = Libc.mmap(MemorySegment.NULL, size, prot, Libc.MAP_SHARED, fd, offset);
        if (m.address() == Libc.MAP_FAILED.address()) {
            throw SysErrors.of("mmap of " + size + " bytes at offset " + offset + " (" + (writable ? "read-write"
                    : "read-only") + ") of " + what, CallScratch.get().errno());
        }
        long address = m.address();
        MemorySegment mapped;
        try {
            mapped = m.reinterpret(size, arena, ignored -> Libc.munmap(MemorySegment.ofAddress(address), size));
        } catch (RuntimeException e) {
            Libc.munmap(MemorySegment.ofAddress(address), size);
            throw e;
        }
        return writable ? mapped : mapped.asReadOnly();
    }
}
