package dev.ebpf4j.ringbuf;

import dev.ebpf4j.BpfArgumentException;
import dev.ebpf4j.BpfException;
import dev.ebpf4j.BpfMap;
import dev.ebpf4j.MapType;
import dev.ebpf4j.internal.PageSize;
import dev.ebpf4j.internal.sys.Fd;
import dev.ebpf4j.internal.sys.Mmap;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static dev.ebpf4j.ringbuf.RingLayout.BUSY_BIT;
import static dev.ebpf4j.ringbuf.RingLayout.DISCARD_BIT;
import static dev.ebpf4j.ringbuf.RingLayout.HEADER_SIZE;
import static dev.ebpf4j.ringbuf.RingLayout.INT;
import static dev.ebpf4j.ringbuf.RingLayout.LENGTH_MASK;
import static dev.ebpf4j.ringbuf.RingLayout.LONG;

/**
 * One {@code BPF_MAP_TYPE_RINGBUF} mapped for consuming: the consumer page read-write, the producer page and the
 * double-mapped data area read-only. Owns a duplicate of the map's fd (so the reader keeps working when the
 * {@link BpfMap} is closed first); the mappings belong to the reader's arena.
 *
 * <p>Consumption follows the kernel's protocol: acquire-load the producer position, acquire-load each record header
 * (a BUSY record ends the batch: it is reserved but not yet submitted), skip DISCARD records, deliver the rest, and
 * release-store the consumer position once at the end of the batch. So that producers see space freed during a long
 * batch, the position is also published whenever a quarter of the ring has been consumed since the last store.
 */
final class MappedRing {
    final int index;
    final String what;
    final Fd fd;
    private final MemorySegment consumerPage;
    private final MemorySegment producerPage;
    private final MemorySegment data;
    private final long size;
    private final long mask;
    private final long publishEvery;
    private final RecordHandler handler;
    private long consumerPos;
    long records;
    long discarded;
    /** Whether the last {@link #consume} moved the consumer position (delivered or skipped records). */
    boolean progressed;

    private MappedRing(int index, String what, Fd fd, MemorySegment consumerPage, MemorySegment producerPage,
                       long size, RecordHandler handler) {
        this.index = index;
        this.what = what;
        this.fd = fd;
        this.consumerPage = consumerPage;
        this.producerPage = producerPage;
        this.data = producerPage.asSlice(PageSize.get());
        this.size = size;
        this.mask = size - 1;
        this.publishEvery = Math.max(HEADER_SIZE, size / 4);
        this.handler = handler;
        this.consumerPos = (long) LONG.getAcquire(consumerPage, 0L);
    }

    /** Maps {@code map} into {@code arena}; closes the duplicated fd when mapping fails. */
    static MappedRing map(int index, BpfMap map, RecordHandler handler, Arena arena) {
        if (map.type() != MapType.RINGBUF) {
            String hint = map.type() == MapType.USER_RINGBUF ? "; write to user ring buffers with UserRingBuffer"
                    : map.type() == MapType.PERF_EVENT_ARRAY ? "; read perf event arrays with PerfBufferReader" : "";
            throw new BpfArgumentException(map + " is not a ring buffer (BPF_MAP_TYPE_RINGBUF)" + hint);
        }
        long size = map.maxEntries() & 0xffffffffL;
        long page = PageSize.get();
        if (size == 0 || Long.bitCount(size) != 1 || size % page != 0) {
            throw new BpfException(map + " reports " + size + " bytes of data, not a power-of-two number of pages");
        }
        String what = "ring buffer '" + map.name() + "'";
        Fd fd = Fd.duplicate(map.fd(), what);
        try {
            MemorySegment consumer = Mmap.shared(fd.get(), 0, page, true, arena, what + " consumer page");
            MemorySegment producer = Mmap.shared(fd.get(), page, page + 2 * size, false, arena,
                    what + " producer page and data");
            return new MappedRing(index, what, fd, consumer, producer, size, handler);
        } catch (RuntimeException e) {
            fd.close();
            throw e;
        }
    }

    /** Bytes submitted (or reserved) but not yet consumed. */
    long pendingBytes() {
        long producer = (long) LONG.getAcquire(producerPage, 0L);
        return producer - consumerPos;
    }

    long capacity() {
        return size;
    }

    /**
     * Delivers up to {@code max} records available now to the handler and publishes the consumer position; returns
     * how many were delivered. {@code stop} is checked after every record (the reader is closing).
     */
    int consume(RingRecord record, int max, ClosingFlag stop) {
        // Fields in locals: the acquire loads below keep the JIT from caching field reads across iterations.
        final MemorySegment data = this.data;
        final long mask = this.mask;
        final long size = this.size;
        final long publishEvery = this.publishEvery;
        final RecordHandler handler = this.handler;
        final int ring = this.index;
        long cons = consumerPos;
        long published = cons;
        long prod = (long) LONG.getAcquire(producerPage, 0L);
        int delivered = 0;
        int skipped = 0;
        try {
            while (cons < prod && delivered < max) {
                long offset = cons & mask;
                int header = (int) INT.getAcquire(data, offset);
                if ((header & BUSY_BIT) != 0) break;
                int length = header & LENGTH_MASK;
                long span = RingLayout.recordSpan(length);
                if (span > size) {
                    throw new BpfException(what + ": corrupt record header 0x" + Integer.toHexString(header)
                            + " at position " + cons + " (length beyond the ring's " + size + " bytes)");
                }
                cons += span;
                if ((header & DISCARD_BIT) != 0) {
                    skipped++;
                } else {
                    delivered++;
                    record.bind(data, offset + HEADER_SIZE, length, ring);
                    try {
                        handler.onRecord(record);
                    } finally {
                        record.unbind();
                    }
                    if (stop.closing()) break;
                }
                if (cons - published >= publishEvery) {
                    LONG.setRelease(consumerPage, 0L, cons);
                    published = cons;
                }
            }
        } finally {
            records += delivered;
            discarded += skipped;
            progressed = cons != consumerPos;
            consumerPos = cons;
            if (cons != published) LONG.setRelease(consumerPage, 0L, cons);
        }
        return delivered;
    }

    /** Whether the owner is closing; checked between records. */
    interface ClosingFlag {
        boolean closing();
    }
}
