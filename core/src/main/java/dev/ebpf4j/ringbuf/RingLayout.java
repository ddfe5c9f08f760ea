package dev.ebpf4j.ringbuf;

import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * The kernel's BPF ring buffer layout shared by {@code BPF_MAP_TYPE_RINGBUF} and {@code BPF_MAP_TYPE_USER_RINGBUF}
 * (see {@code kernel/bpf/ringbuf.c}): file offset 0 holds the consumer page (an unsigned long position), offset one
 * page the producer page (the producer position) followed by the data area, which the kernel maps twice in a row so
 * that a record never wraps in the virtual mapping. Each record starts with an 8-byte header: a u32 length whose top
 * bits are {@link #BUSY_BIT} and {@link #DISCARD_BIT}, and a u32 the kernel uses internally; records are padded to
 * 8 bytes. Positions only grow; {@code position & (size - 1)} is the offset in the data area.
 *
 * <pre>{@code
 * int header = (int) RingLayout.INT.getAcquire(data, offset);
 * boolean ready = (header & RingLayout.BUSY_BIT) == 0;
 * long next = offset + RingLayout.recordSpan(header & RingLayout.LENGTH_MASK);
 * }</pre>
 */
final class RingLayout {
    static final int BUSY_BIT = 1 << 31;
    static final int DISCARD_BIT = 1 << 30;
    static final int LENGTH_MASK = ~(BUSY_BIT | DISCARD_BIT);
    static final int HEADER_SIZE = 8;

    /** {@code (MemorySegment, long offset) -> long}; used with getAcquire / setRelease on positions. */
    static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    /** {@code (MemorySegment, long offset) -> int}; used with getAcquire / setRelease on record headers. */
    static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    private RingLayout() {
    }

    /** Bytes a record of {@code length} payload bytes occupies in the ring: header + payload, rounded up to 8. */
    static long recordSpan(int length) {
        return ((long) length + HEADER_SIZE + 7) & ~7L;
    }
}
