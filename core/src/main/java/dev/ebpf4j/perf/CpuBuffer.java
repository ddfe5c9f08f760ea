package dev.ebpf4j.perf;

import dev.ebpf4j.BpfException;
import dev.ebpf4j.internal.sys.Fd;
import dev.ebpf4j.internal.sys.Mmap;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * One CPU's perf ring: a {@code PERF_COUNT_SW_BPF_OUTPUT} event mapped as one metadata page
 * ({@code struct perf_event_mmap_page}) followed by a power-of-two data area. The kernel advances {@code data_head};
 * the reader acquire-loads it, parses records up to it and release-stores {@code data_tail} once per batch, which is
 * what frees the space. A record that wraps around the end of the data area is copied into a per-CPU scratch buffer
 * (grown to the largest wrapped record seen, at most 64 KiB: record sizes are 16-bit), so no event allocates.
 */
final class CpuBuffer {
    static final long DATA_HEAD = 1024;
    static final long DATA_TAIL = 1032;
    static final long DATA_OFFSET = 1040;
    static final long DATA_SIZE = 1048;

    static final int RECORD_LOST = 2;
    static final int RECORD_SAMPLE = 9;
    private static final int HEADER_SIZE = 8;

    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();

    final int cpu;
    final Fd fd;
    private final MemorySegment meta;
    private final MemorySegment data;
    private final long dataSize;
    private final long mask;
    private final Arena arena;
    private MemorySegment scratch = MemorySegment.NULL;
    private long tail;
    long samples;
    long lost;
    /**
     * Records were left unread by the last {@link #consume} (the per-call maximum was reached). The kernel signals
     * readiness once per wake-up, so the reader must come back for them without waiting.
     */
    boolean leftover;

    private CpuBuffer(int cpu, Fd fd, MemorySegment mapping, long page, Arena arena) {
        this.cpu = cpu;
        this.fd = fd;
        this.arena = arena;
        this.meta = mapping.asSlice(0, page);
        long offset = meta.get(JAVA_LONG, DATA_OFFSET);
        long size = meta.get(JAVA_LONG, DATA_SIZE);
        if (size == 0) { // kernels before 4.1 leave these zero: the data follows the first page
            offset = page;
            size = mapping.byteSize() - page;
        }
        this.data = mapping.asSlice(offset, size);
        this.dataSize = size;
        this.mask = size - 1;
        this.tail = meta.get(JAVA_LONG, DATA_TAIL);
    }

    /** Maps {@code pages} data pages (plus the metadata page) of the perf event {@code fd}, which it then owns. */
    static CpuBuffer map(int cpu, Fd fd, int pages, long page, Arena arena) {
        MemorySegment m = Mmap.shared(fd.get(), 0, (pages + 1L) * page, true, arena, "perf buffer of cpu " + cpu);
        return new CpuBuffer(cpu, fd, m, page, arena);
    }

    long pendingBytes() {
        return (long) LONG.getAcquire(meta, DATA_HEAD) - tail;
    }

    /**
     * Parses up to {@code max} samples written by now, passing samples to {@code onSample} and loss reports to
     * {@code onLost}; returns the number of samples delivered. {@code stop} is checked after every record.
     */
    int consume(PerfSample sample, SampleHandler onSample, LostHandler onLost, int max, java.util.function.BooleanSupplier stop) {
        // Fields in locals, and the 8-byte record header (u32 type, u16 misc, u16 size) read with one load.
        final MemorySegment data = this.data;
        final long mask = this.mask;
        final long dataSize = this.dataSize;
        final int cpu = this.cpu;
        long head = (long) LONG.getAcquire(meta, DATA_HEAD);
        long pos = tail;
        int delivered = 0;
        try {
            while (pos < head && delivered < max) {
                long offset = pos & mask;
                long header = data.get(JAVA_LONG, offset);
                int type = (int) (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? header : header >>> 32);
                int size = (int) (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? header >>> 48 : header) & 0xffff;
                if (size < HEADER_SIZE || size > head - pos) {
                    throw new BpfException("perf buffer of cpu " + cpu + ": corrupt record header (type " + type
                            + ", size " + size + ") at position " + pos);
                }
                MemorySegment src = data;
                long base = offset;
                if (offset + size > dataSize) {
                    src = wrapped(offset, size);
                    base = 0;
                }
                pos += size;
                if (type == RECORD_SAMPLE) {
                    int rawSize = src.get(JAVA_INT, base + HEADER_SIZE);
                    if (rawSize < 0 || rawSize > size - HEADER_SIZE - 4) {
                        throw new BpfException("perf buffer of cpu " + cpu + ": sample of " + size
                                + " bytes claims " + rawSize + " raw bytes; the event must sample PERF_SAMPLE_RAW only");
                    }
                    delivered++;
                    sample.bind(src, base + HEADER_SIZE + 4, rawSize, cpu);
                    try {
                        onSample.onSample(sample);
                    } finally {
                        sample.unbind();
                    }
                } else if (type == RECORD_LOST) {
                    long count = src.get(JAVA_LONG, base + HEADER_SIZE + 8);
                    lost += count;
                    if (onLost != null) onLost.onLost(cpu, count);
                }
                if (stop.getAsBoolean()) break;
            }
        } finally {
            samples += delivered;
            leftover = pos < head;
            tail = pos;
            LONG.setRelease(meta, DATA_TAIL, pos);
        }
        return delivered;
    }

    private MemorySegment wrapped(long offset, int size) {
        if (scratch.byteSize() < size) {
            scratch = arena.allocate(Math.max(256, Integer.highestOneBit(size - 1) << 1), 8);
        }
        long first = dataSize - offset;
        MemorySegment.copy(data, offset, scratch, 0, first);
        MemorySegment.copy(data, 0, scratch, first, size - first);
        return scratch;
    }
}
