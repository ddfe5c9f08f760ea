package dev.ebpf4j.perf;

import dev.ebpf4j.BpfArgumentException;
import dev.ebpf4j.BpfException;
import dev.ebpf4j.BpfMap;
import dev.ebpf4j.ClosedException;
import dev.ebpf4j.MapType;
import dev.ebpf4j.internal.PageSize;
import dev.ebpf4j.internal.ReaderGate;
import dev.ebpf4j.internal.Timeouts;
import dev.ebpf4j.internal.sys.Cpus;
import dev.ebpf4j.internal.sys.Epoll;
import dev.ebpf4j.internal.sys.Fd;
import dev.ebpf4j.internal.sys.PerfEvents;

import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * Reads a perf buffer: the samples BPF programs send with {@code bpf_perf_event_output} into a
 * {@code BPF_MAP_TYPE_PERF_EVENT_ARRAY}. Building the reader opens one {@code PERF_COUNT_SW_BPF_OUTPUT} event
 * ({@code PERF_SAMPLE_RAW}) on every online CPU (possible but offline CPUs are skipped, as are CPUs beyond the map's
 * size), maps 1 + 2^n pages for each, stores each event in the map at its CPU's index, and enables it. One epoll
 * instance waits on all CPUs; it reports a CPU once {@link Builder#wakeupEvents(int)} samples (or
 * {@link Builder#wakeupBytes(int)} bytes) are pending there, and {@link #consume()} reads whatever is pending without
 * waiting.
 *
 * <p>Samples are delivered in place as a reused {@link PerfSample} (no allocation per sample; samples that wrap around
 * a ring's end are copied into a per-CPU scratch buffer first). Within a CPU, samples arrive in the order they were
 * written; across CPUs there is no order. When a CPU's buffer is full the kernel drops samples and later writes a
 * {@code PERF_RECORD_LOST} report, which goes to the {@link LostHandler} and into {@link #lostSamples()}. The
 * {@code data_tail} position is published with a release store once per CPU per batch.
 *
 * <p>Threads and closing work as in {@link dev.ebpf4j.ringbuf.RingBufferReader}: one polling thread at a time;
 * {@link #close()} from any thread wakes a blocked {@link #poll}, which throws {@link ClosedException}; the buffers are
 * unmapped only after the poll has left. Close also removes the events from the map (when the map is still open).
 *
 * <pre>{@code
 * try (BpfMap events = BpfMap.create(MapSpec.perfEventArray("events"));
 *      PerfBufferReader reader = PerfBufferReader.builder(events)
 *              .pagesPerCpu(16)
 *              .onSample(s -> System.out.println("cpu " + s.cpu() + " seq " + s.getLong(0)))
 *              .onLost((cpu, n) -> System.err.println(n + " lost on cpu " + cpu))
 *              .build()) {
 *     // ... program: bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, &e, sizeof(e))
 *     while (running) reader.poll(Duration.ofMillis(100));
 * }
 * }</pre>
 */
public final class PerfBufferReader implements AutoCloseable {
    private final BpfMap map;
    private final CpuBuffer[] buffers;
    private final CpuBuffer[] byCpu;
    private final Arena arena;
    private final Epoll epoll;
    private final SampleHandler onSample;
    private final LostHandler onLost;
    private final int maxRecordsPerCpu;
    private final PerfSample sample = new PerfSample();
    private final ReaderGate gate;
    private final BooleanSupplier closing = this::isClosed;

    private PerfBufferReader(Builder b, CpuBuffer[] buffers, Arena arena, Epoll epoll) {
        this.map = b.map;
        this.buffers = buffers;
        int highest = buffers.length == 0 ? 0 : buffers[buffers.length - 1].cpu;
        this.byCpu = new CpuBuffer[highest + 1];
        for (CpuBuffer c : buffers) byCpu[c.cpu] = c;
        this.arena = arena;
        this.epoll = epoll;
        this.onSample = b.onSample;
        this.onLost = b.onLost;
        this.maxRecordsPerCpu = b.maxRecordsPerCpu;
        this.gate = new ReaderGate(epoll, this::release);
    }

    /** A builder for a reader of the perf event array {@code map}. */
    public static Builder builder(BpfMap map) {
        return new Builder(map);
    }

    /**
     * Waits up to {@code timeout} for a CPU's buffer to reach its wake-up threshold, delivers what is pending there
     * and returns the number of samples delivered (0 on timeout).
     *
     * @throws ClosedException when the reader is closed, also when closed by another thread during the wait
     */
    public int poll(Duration timeout) {
        return poll(Timeouts.millis(timeout));
    }

    /** As {@link #poll(Duration)} with a timeout in milliseconds; -1 waits until samples arrive or the reader closes. */
    public int poll(long timeoutMillis) {
        gate.enter();
        try {
            checkOpen();
            int first = 0;
            for (CpuBuffer c : buffers) {
                if (c.leftover) first += c.consume(sample, onSample, onLost, maxRecordsPerCpu, closing);
                if (gate.isClosed()) return first;
            }
            if (first > 0) return first;
            long deadline = Timeouts.deadline(timeoutMillis);
            while (true) {
                int wait = Timeouts.remainingMillis(deadline);
                int ready = epoll.await(wait);
                checkOpen();
                int n = 0;
                for (int i = 0; i < ready; i++) {
                    n += buffers[(int) epoll.data(i)].consume(sample, onSample, onLost, maxRecordsPerCpu, closing);
                    if (gate.isClosed()) return n;
                }
                if (n > 0 || wait == 0 || Timeouts.remainingMillis(deadline) == 0) return n;
            }
        } finally {
            gate.leave();
        }
    }

    /** Delivers whatever is pending on every CPU without waiting; returns the number of samples delivered. */
    public int consume() {
        gate.enter();
        try {
            checkOpen();
            int n = 0;
            for (CpuBuffer c : buffers) {
                n += c.consume(sample, onSample, onLost, maxRecordsPerCpu, closing);
                if (gate.isClosed()) break;
            }
            return n;
        } finally {
            gate.leave();
        }
    }

    /** The CPUs with a buffer. */
    public BitSet cpus() {
        BitSet s = new BitSet();
        for (CpuBuffer c : buffers) s.set(c.cpu);
        return s;
    }

    /**
     * Samples the kernel reported lost, over all CPUs, so far. Counters do not wait for a running poll; while one runs
     * (read from another thread, or from a handler), they may lag by the batch in progress.
     */
    public long lostSamples() {
        long sum = 0;
        for (CpuBuffer c : buffers) sum += c.lost;
        return sum;
    }

    /** Samples the kernel reported lost on {@code cpu} so far (0 for CPUs without a buffer). */
    public long lostSamples(int cpu) {
        return cpu >= 0 && cpu < byCpu.length && byCpu[cpu] != null ? byCpu[cpu].lost : 0;
    }

    /** Samples delivered, over all CPUs, so far. */
    public long samples() {
        long sum = 0;
        for (CpuBuffer c : buffers) sum += c.samples;
        return sum;
    }

    /** True once {@link #close()} was called. */
    public boolean isClosed() {
        return gate.isClosed();
    }

    private void checkOpen() {
        if (gate.isClosed()) throw new ClosedException("perf buffer reader of " + map);
    }

    /**
     * Wakes a blocked poll, waits for it to return, removes the events from the map, disables and closes them and
     * unmaps the buffers. Idempotent; callable from any thread and from a handler.
     */
    @Override
    public void close() {
        gate.close();
    }

    private void release() {
        try {
            if (!map.isClosed()) {
                for (CpuBuffer c : buffers) {
                    try {
                        map.delete(key(c.cpu));
                    } catch (BpfException ignored) {
                        // the slot may have been replaced or the map frozen; closing the event still stops output
                    }
                }
            }
            for (CpuBuffer c : buffers) {
                try {
                    PerfEvents.disable(c.fd.get());
                } catch (BpfException ignored) {
                    // closing the descriptor below stops it anyway
                }
            }
        } finally {
            try {
                arena.close();
            } finally {
                for (CpuBuffer c : buffers) c.fd.close();
                epoll.close();
            }
        }
    }

    private static byte[] key(int cpu) {
        return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(0, cpu).array();
    }

    @Override
    public String toString() {
        return "PerfBufferReader[" + map + ", cpus " + cpus() + (isClosed() ? ", closed]" : "]");
    }

    /**
     * Configures a {@link PerfBufferReader}.
     *
     * <pre>{@code
     * PerfBufferReader reader = PerfBufferReader.builder(events)
     *         .pagesPerCpu(64).wakeupEvents(16)
     *         .onSample(s -> handle(s)).onLost((cpu, n) -> dropped.add(n))
     *         .build();
     * }</pre>
     */
    public static final class Builder {
        private final BpfMap map;
        private int pagesPerCpu = 16;
        private int wakeupEvents = 1;
        private int wakeupBytes;
        private int maxRecordsPerCpu = 65536;
        private SampleHandler onSample;
        private LostHandler onLost;

        private Builder(BpfMap map) {
            this.map = Objects.requireNonNull(map, "map");
        }

        /** Data pages per CPU, a power of two (default 16); each buffer maps one more page for metadata. */
        public Builder pagesPerCpu(int pages) {
            if (pages < 1 || Integer.bitCount(pages) != 1) {
                throw new BpfArgumentException("pagesPerCpu must be a power of two (1, 2, 4, ...), got " + pages);
            }
            this.pagesPerCpu = pages;
            return this;
        }

        /** Wake a waiting poll once this many samples are pending on a CPU (default 1). */
        public Builder wakeupEvents(int events) {
            if (events < 1) throw new BpfArgumentException("wakeupEvents must be at least 1, got " + events);
            this.wakeupEvents = events;
            this.wakeupBytes = 0;
            return this;
        }

        /** Wake a waiting poll once this many bytes are pending on a CPU (instead of counting samples). */
        public Builder wakeupBytes(int bytes) {
            if (bytes < 1) throw new BpfArgumentException("wakeupBytes must be at least 1, got " + bytes);
            this.wakeupBytes = bytes;
            return this;
        }

        /** Most records taken from one CPU per poll or consume call (default 65536). */
        public Builder maxRecordsPerCpu(int max) {
            if (max < 1) throw new BpfArgumentException("maxRecordsPerCpu must be at least 1, got " + max);
            this.maxRecordsPerCpu = max;
            return this;
        }

        /** Where samples go (required). */
        public Builder onSample(SampleHandler handler) {
            this.onSample = Objects.requireNonNull(handler, "handler");
            return this;
        }

        /** Where loss reports go (optional; losses are counted either way). */
        public Builder onLost(LostHandler handler) {
            this.onLost = handler;
            return this;
        }

        /** Opens, maps, registers and enables one event per online CPU. */
        public PerfBufferReader build() {
            if (map.type() != MapType.PERF_EVENT_ARRAY) {
                throw new BpfArgumentException(map + " is not a perf event array (BPF_MAP_TYPE_PERF_EVENT_ARRAY)"
                        + (map.type() == MapType.RINGBUF ? "; read ring buffers with RingBufferReader" : ""));
            }
            if (onSample == null) throw new IllegalStateException("set onSample(...) before build()");
            long page = PageSize.get();
            PerfEvents.Attr attr = PerfEvents.Attr.software(PerfEvents.SW_BPF_OUTPUT)
                    .sampleType(PerfEvents.SAMPLE_RAW).samplePeriod(1);
            attr = wakeupBytes > 0 ? attr.wakeupWatermark(wakeupBytes) : attr.wakeupEvents(wakeupEvents);
            BitSet online = Cpus.online();
            Arena arena = Arena.ofShared();
            List<CpuBuffer> opened = new ArrayList<>();
            Epoll epoll = null;
            try {
                epoll = Epoll.create("perf buffer reader of " + map, Math.max(1, online.cardinality()));
                for (int cpu = online.nextSetBit(0); cpu >= 0 && cpu < map.maxEntries(); cpu = online.nextSetBit(cpu + 1)) {
                    Fd fd = PerfEvents.open(attr, -1, cpu, -1, "BPF output on cpu " + cpu + " for " + map);
                    CpuBuffer c;
                    try {
                        c = CpuBuffer.map(cpu, fd, pagesPerCpu, page, arena);
                    } catch (RuntimeException e) {
                        fd.close();
                        throw e;
                    }
                    opened.add(c);
                    epoll.add(fd.get(), Epoll.IN, opened.size() - 1);
                    map.update(key(cpu), key(fd.get()));
                    PerfEvents.enable(fd.get());
                }
                if (opened.isEmpty()) {
                    throw new BpfArgumentException(map + " has " + map.maxEntries() + " slots but no online CPU falls "
                            + "in them (online: " + online + ")");
                }
                return new PerfBufferReader(this, opened.toArray(CpuBuffer[]::new), arena, epoll);
            } catch (RuntimeException | Error e) {
                for (CpuBuffer c : opened) {
                    try {
                        map.delete(key(c.cpu));
                    } catch (RuntimeException ignored) {
                        // best effort while failing
                    }
                }
                arena.close();
                for (CpuBuffer c : opened) c.fd.close();
                if (epoll != null) epoll.close();
                throw e;
            }
        }
    }
}
