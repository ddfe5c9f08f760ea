package dev.ebpf4j.ringbuf;

import dev.ebpf4j.BpfMap;
import dev.ebpf4j.ClosedException;
import dev.ebpf4j.internal.ReaderGate;
import dev.ebpf4j.internal.Timeouts;
import dev.ebpf4j.internal.sys.Epoll;

import java.lang.foreign.Arena;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Reads records from one or more BPF ring buffers ({@code BPF_MAP_TYPE_RINGBUF}) in place, without copying or
 * allocating per record: each ring is memory-mapped and every record is handed to that ring's {@link RecordHandler}
 * as a reused {@link RingRecord} view. One epoll instance waits on all rings.
 *
 * <p><b>Batches.</b> {@link #poll} and {@link #consume} take, per ring, the records submitted by the time the call
 * looks (at most {@link Builder#maxRecordsPerRing(int)}), then publish the consumer position once; during long
 * batches the position is also published after every quarter of the ring, so BPF producers see space freed early.
 * A record still being written (reserved, not yet submitted) ends the ring's batch; it is delivered by a later call.
 * Discarded records are skipped and counted in {@link RingStats#discarded()}.
 *
 * <p><b>Threads.</b> One thread at a time polls (calls from other threads wait). {@link #close()} may be called from
 * any thread, including from a handler: it wakes a blocked {@link #poll}, which then throws {@link ClosedException},
 * waits for the poll to leave, and only then unmaps the rings. Records or segments kept past close raise
 * {@link IllegalStateException} when touched, never a crash. {@link Thread#interrupt()} does not wake a poll; close
 * does.
 *
 * <p><b>Drops.</b> The kernel does not tell user space when a BPF program fails to reserve space in a full ring
 * ({@code bpf_ringbuf_reserve} returns NULL, {@code bpf_ringbuf_output} returns -EAGAIN), and
 * {@code bpf_ringbuf_query} is callable from BPF only. Count failed reserves in the program itself; {@link DropCounter}
 * provides the map and the instruction snippet for that. What user space can see is in {@link #stats(int)}.
 *
 * <pre>{@code
 * try (BpfMap events = BpfMap.create(MapSpec.ringBuffer("events", 256 * 1024));
 *      RingBufferReader reader = RingBufferReader.builder()
 *              .add(events, record -> System.out.println(record.getLong(0)))
 *              .build()) {
 *     // ... load and attach a program that calls bpf_ringbuf_output(&events, ...)
 *     while (running) reader.poll(Duration.ofMillis(100));   // returns the number of records delivered
 * }
 * }</pre>
 */
public final class RingBufferReader implements AutoCloseable {
    private final MappedRing[] rings;
    private final Arena arena;
    private final Epoll epoll;
    private final int maxRecordsPerRing;
    private final RingRecord record = new RingRecord();
    private final ReaderGate gate;
    private final MappedRing.ClosingFlag closingFlag = this::isClosed;

    private RingBufferReader(MappedRing[] rings, Arena arena, Epoll epoll, int maxRecordsPerRing) {
        this.rings = rings;
        this.arena = arena;
        this.epoll = epoll;
        this.maxRecordsPerRing = maxRecordsPerRing;
        this.gate = new ReaderGate(epoll, this::release);
    }

    /** A builder to which rings are added. */
    public static Builder builder() {
        return new Builder();
    }

    /** A reader of the single ring buffer {@code ring}. */
    public static RingBufferReader open(BpfMap ring, RecordHandler handler) {
        return builder().add(ring, handler).build();
    }

    /** What is known about one ring from user space. */
    public record RingStats(String name, long records, long discarded, long pendingBytes, long capacity) {
    }

    /**
     * Waits up to {@code timeout} for records in any ring, delivers what is available (see the class comment) and
     * returns the number of records delivered; 0 when the timeout passed without records.
     *
     * @throws ClosedException when the reader is closed, also when closed by another thread during the wait
     */
    public int poll(Duration timeout) {
        return poll(Timeouts.millis(timeout));
    }

    /** As {@link #poll(Duration)} with a timeout in milliseconds; -1 waits until records arrive or the reader closes. */
    public int poll(long timeoutMillis) {
        gate.enter();
        try {
            checkOpen();
            long deadline = Timeouts.deadline(timeoutMillis);
            while (true) {
                int n = consumeAll();
                if (n > 0 || gate.isClosed()) return n;
                // Only skipped (discarded) records: look again before sleeping. The kernel wakes a waiting consumer
                // only for a record submitted at the published consumer position, so waiting is safe only once a
                // pass found nothing new to move past.
                if (progressed()) continue;
                int wait = Timeouts.remainingMillis(deadline);
                if (wait == 0) return 0;
                epoll.await(wait);
                checkOpen();
            }
        } finally {
            gate.leave();
        }
    }

    private boolean progressed() {
        for (MappedRing r : rings) if (r.progressed) return true;
        return false;
    }

    /** Delivers what is available now in every ring without waiting; returns the number of records delivered. */
    public int consume() {
        gate.enter();
        try {
            checkOpen();
            return consumeAll();
        } finally {
            gate.leave();
        }
    }

    /** Delivers what is available now in ring {@code ring} (its index in adding order) without waiting. */
    public int consume(int ring) {
        Objects.checkIndex(ring, rings.length);
        gate.enter();
        try {
            checkOpen();
            return rings[ring].consume(record, maxRecordsPerRing, closingFlag);
        } finally {
            gate.leave();
        }
    }

    private int consumeAll() {
        int n = 0;
        for (MappedRing r : rings) {
            n += r.consume(record, maxRecordsPerRing, closingFlag);
            if (gate.isClosed()) break;
        }
        return n;
    }

    /** Number of rings read. */
    public int ringCount() {
        return rings.length;
    }

    /**
     * Counters and fill level of ring {@code ring} (its index in adding order). Does not wait for a running poll; while
     * one runs (read from another thread, or from a handler), the counters may lag by the records of the batch in
     * progress: they are added up once per batch.
     */
    public RingStats stats(int ring) {
        Objects.checkIndex(ring, rings.length);
        checkOpen();
        MappedRing r = rings[ring];
        long pending;
        try {
            pending = r.pendingBytes();
        } catch (IllegalStateException unmapped) { // closed by another thread just now
            throw new ClosedException("ring buffer reader");
        }
        return new RingStats(r.what, r.records, r.discarded, pending, r.capacity());
    }

    /** True once {@link #close()} was called. */
    public boolean isClosed() {
        return gate.isClosed();
    }

    private void checkOpen() {
        if (gate.isClosed()) throw new ClosedException("ring buffer reader");
    }

    /**
     * Closes the reader: wakes a blocked poll, waits for it to return, then unmaps the rings and closes the
     * descriptors. Idempotent; callable from any thread and from a handler.
     */
    @Override
    public void close() {
        gate.close();
    }

    private void release() {
        try {
            arena.close();
        } finally {
            for (MappedRing r : rings) r.fd.close();
            epoll.close();
        }
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("RingBufferReader[");
        for (int i = 0; i < rings.length; i++) b.append(i == 0 ? "" : ", ").append(rings[i].what);
        return b.append(isClosed() ? ", closed]" : "]").toString();
    }

    /**
     * Collects the rings of a {@link RingBufferReader}.
     *
     * <pre>{@code
     * RingBufferReader reader = RingBufferReader.builder()
     *         .add(execs, r -> onExec(r))
     *         .add(exits, r -> onExit(r))
     *         .maxRecordsPerRing(4096)
     *         .build();
     * }</pre>
     */
    public static final class Builder {
        private final List<BpfMap> maps = new ArrayList<>();
        private final List<RecordHandler> handlers = new ArrayList<>();
        private int maxRecordsPerRing = 65536;

        private Builder() {
        }

        /** Adds a {@code BPF_MAP_TYPE_RINGBUF} map whose records go to {@code handler}; its index is the adding order. */
        public Builder add(BpfMap ring, RecordHandler handler) {
            maps.add(Objects.requireNonNull(ring, "ring"));
            handlers.add(Objects.requireNonNull(handler, "handler"));
            return this;
        }

        /** Most records taken from one ring per poll or consume call (default 65536). */
        public Builder maxRecordsPerRing(int max) {
            if (max < 1) throw new IllegalArgumentException("maxRecordsPerRing must be at least 1, got " + max);
            this.maxRecordsPerRing = max;
            return this;
        }

        /** Maps the rings and registers them with a new epoll instance. */
        public RingBufferReader build() {
            if (maps.isEmpty()) throw new IllegalStateException("add at least one ring buffer before build()");
            Arena arena = Arena.ofShared();
            List<MappedRing> mapped = new ArrayList<>();
            Epoll epoll = null;
            try {
                epoll = Epoll.create("ring buffer reader", maps.size());
                for (int i = 0; i < maps.size(); i++) {
                    MappedRing r = MappedRing.map(i, maps.get(i), handlers.get(i), arena);
                    mapped.add(r);
                    epoll.add(r.fd.get(), Epoll.IN, i);
                }
                return new RingBufferReader(mapped.toArray(MappedRing[]::new), arena, epoll, maxRecordsPerRing);
            } catch (RuntimeException | Error e) {
                arena.close();
                for (MappedRing r : mapped) r.fd.close();
                if (epoll != null) epoll.close();
                throw e;
            }
        }
    }
}
