package dev.ebpf4j.ringbuf;

import dev.ebpf4j.BpfArgumentException;
import dev.ebpf4j.BpfMap;
import dev.ebpf4j.ClosedException;
import dev.ebpf4j.MapType;
import dev.ebpf4j.internal.PageSize;
import dev.ebpf4j.internal.ReaderGate;
import dev.ebpf4j.internal.Timeouts;
import dev.ebpf4j.internal.sys.Epoll;
import dev.ebpf4j.internal.sys.Fd;
import dev.ebpf4j.internal.sys.Mmap;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;

import static dev.ebpf4j.ringbuf.RingLayout.BUSY_BIT;
import static dev.ebpf4j.ringbuf.RingLayout.DISCARD_BIT;
import static dev.ebpf4j.ringbuf.RingLayout.HEADER_SIZE;
import static dev.ebpf4j.ringbuf.RingLayout.INT;
import static dev.ebpf4j.ringbuf.RingLayout.LONG;

/**
 * Writes records into a user ring buffer ({@code BPF_MAP_TYPE_USER_RINGBUF}, Linux 6.1+) for a BPF program to drain
 * with {@code bpf_user_ringbuf_drain}. The mapping is what the kernel allows for this map type: the consumer page
 * read-only, the producer page and the double-mapped data area read-write. A record is reserved (its header written
 * with the BUSY bit, then the producer position advanced with a release store), filled in place, and submitted by
 * clearing BUSY with a release store (or discarded by setting DISCARD), which is the order the kernel's acquire loads
 * expect.
 *
 * <p>A full ring is reported, not hidden: {@link #tryReserve(int)} and {@link #offer(byte[])} return null/false, and
 * {@link #reserve(int, Duration)} waits for the kernel to drain (it notifies after every drain) up to a timeout.
 * A record too large for the ring ever to hold raises {@link BpfArgumentException}.
 *
 * <p>Threads: one producer thread at a time (at most one outstanding reservation); {@link #close()} may come from any
 * thread and wakes a waiting {@link #reserve(int, Duration)}, which then throws {@link ClosedException}.
 *
 * <pre>{@code
 * try (BpfMap commands = BpfMap.create(MapSpec.builder(MapType.USER_RINGBUF).name("cmds").maxEntries(4096).build());
 *      UserRingBuffer ring = UserRingBuffer.open(commands)) {
 *     UserRingRecord r = ring.tryReserve(16);
 *     if (r != null) r.putLong(0, 1).putLong(8, 42).submit();
 *     boolean sent = ring.offer(new byte[] {1, 2, 3});
 * }
 * }</pre>
 */
public final class UserRingBuffer implements AutoCloseable {
    /** The kernel hands samples to BPF as dynptrs, which cap their size at 2^24 - 1 bytes. */
    private static final int MAX_SAMPLE = (1 << 24) - 1;

    private final String what;
    private final Fd fd;
    private final Arena arena;
    private final MemorySegment consumerPage;
    private final MemorySegment producerPage;
    private final MemorySegment data;
    private final long size;
    private final long mask;
    private final Epoll epoll;
    private final UserRingRecord record = new UserRingRecord(this);
    private final ReaderGate gate;
    private long producerPos;

    private UserRingBuffer(String what, Fd fd, Arena arena, MemorySegment consumerPage, MemorySegment producerPage,
                           long size, Epoll epoll) {
        this.what = what;
        this.fd = fd;
        this.arena = arena;
        this.consumerPage = consumerPage;
        this.producerPage = producerPage;
        this.data = producerPage.asSlice(PageSize.get());
        this.size = size;
        this.mask = size - 1;
        this.epoll = epoll;
        this.producerPos = (long) LONG.getAcquire(producerPage, 0L);
        this.gate = new ReaderGate(epoll, this::release);
    }

    /** Maps the user ring buffer {@code map} for writing. */
    public static UserRingBuffer open(BpfMap map) {
        if (map.type() != MapType.USER_RINGBUF) {
            throw new BpfArgumentException(map + " is not a user ring buffer (BPF_MAP_TYPE_USER_RINGBUF)"
                    + (map.type() == MapType.RINGBUF ? "; read BPF_MAP_TYPE_RINGBUF maps with RingBufferReader" : ""));
        }
        long size = map.maxEntries() & 0xffffffffL;
        long page = PageSize.get();
        String what = "user ring buffer '" + map.name() + "'";
        Fd fd = Fd.duplicate(map.fd(), what);
        Arena arena = Arena.ofShared();
        Epoll epoll = null;
        try {
            MemorySegment consumer = Mmap.shared(fd.get(), 0, page, false, arena, what + " consumer page");
            MemorySegment producer = Mmap.shared(fd.get(), page, page + 2 * size, true, arena,
                    what + " producer page and data");
            epoll = Epoll.create(what, 1);
            // Edge-triggered: one event per kernel drain, instead of a busy loop while some (too little) space is free.
            epoll.add(fd.get(), Epoll.OUT | Epoll.ET, 0);
            return new UserRingBuffer(what, fd, arena, consumer, producer, size, epoll);
        } catch (RuntimeException | Error e) {
            arena.close();
            if (epoll != null) epoll.close();
            fd.close();
            throw e;
        }
    }

    /** Data capacity in bytes (each record takes its length + 8, rounded up to 8). */
    public long capacity() {
        return size;
    }

    /** Bytes free right now for new records (headers included). */
    public long freeBytes() {
        checkOpen();
        long consumer = (long) LONG.getAcquire(consumerPage, 0L);
        return size - (producerPos - consumer);
    }

    /**
     * Reserves a record of {@code length} bytes, or returns null when the ring has no room for it now. The returned
     * object is reused: fill it, then {@link UserRingRecord#submit()} or {@link UserRingRecord#discard()} before the
     * next reservation.
     *
     * @throws BpfArgumentException when the record could never fit in this ring
     * @throws IllegalStateException when the previous reservation is still outstanding
     */
    public UserRingRecord tryReserve(int length) {
        checkOpen();
        if (record.isPending()) {
            throw new IllegalStateException(what + ": the previous reservation was neither submitted nor discarded");
        }
        long span = RingLayout.recordSpan(checkLength(length));
        long consumer = (long) LONG.getAcquire(consumerPage, 0L);
        if (size - (producerPos - consumer) < span) return null;
        long offset = producerPos & mask;
        data.set(java.lang.foreign.ValueLayout.JAVA_INT, offset, length | BUSY_BIT);
        data.set(java.lang.foreign.ValueLayout.JAVA_INT, offset + 4, 0);
        producerPos += span;
        LONG.setRelease(producerPage, 0L, producerPos);
        record.bind(data, offset, length);
        return record;
    }

    /**
     * As {@link #tryReserve(int)}, waiting up to {@code timeout} for the BPF side to drain enough space; null when the
     * time passed first.
     *
     * @throws ClosedException when the buffer is closed, also by another thread during the wait
     */
    public UserRingRecord reserve(int length, Duration timeout) {
        long timeoutMillis = Timeouts.millis(timeout);
        long deadline = Timeouts.deadline(timeoutMillis);
        gate.enter();
        try {
            while (true) {
                UserRingRecord r = tryReserve(length);
                if (r != null) return r;
                int left = timeoutMillis == 0 ? 0 : Timeouts.remainingMillis(deadline);
                if (left == 0) return null;
                epoll.await(left);
                checkOpen();
            }
        } finally {
            gate.leave();
        }
    }

    /** Writes {@code bytes} as one record; false when the ring is full right now. */
    public boolean offer(byte[] bytes) {
        UserRingRecord r = tryReserve(bytes.length);
        if (r == null) return false;
        r.put(0, bytes, 0, bytes.length).submit();
        return true;
    }

    /** Writes the contents of {@code bytes} as one record; false when the ring is full right now. */
    public boolean offer(MemorySegment bytes) {
        if (bytes.byteSize() > MAX_SAMPLE) checkLength(MAX_SAMPLE + 1);
        UserRingRecord r = tryReserve((int) bytes.byteSize());
        if (r == null) return false;
        r.put(0, bytes).submit();
        return true;
    }

    private int checkLength(int length) {
        if (length < 0 || length > MAX_SAMPLE || RingLayout.recordSpan(length) > size) {
            throw new BpfArgumentException(what + ": a record of " + length + " bytes can never fit (the ring holds "
                    + size + " bytes including an 8-byte header per record, and samples are at most " + MAX_SAMPLE
                    + " bytes); create the map with a larger max_entries");
        }
        return length;
    }

    void commit(long headerOffset, int length, boolean discard) {
        if (gate.isClosed()) throw new ClosedException(what);
        INT.setRelease(data, headerOffset, discard ? length | DISCARD_BIT : length);
    }

    /** True once closed. */
    public boolean isClosed() {
        return gate.isClosed();
    }

    private void checkOpen() {
        if (gate.isClosed()) throw new ClosedException(what);
    }

    /**
     * Discards a reservation not yet submitted (so the kernel can drain past it), unmaps the ring and closes its
     * descriptors. Wakes a waiting {@link #reserve(int, Duration)}. Idempotent.
     */
    @Override
    public void close() {
        gate.close();
    }

    private void release() {
        try {
            if (record.isPending()) {
                INT.setRelease(data, record.headerOffset(), record.length() | DISCARD_BIT);
                record.abandon();
            }
        } finally {
            unmapAndClose();
        }
    }

    private void unmapAndClose() {
        try {
            arena.close();
        } finally {
            epoll.close();
            fd.close();
        }
    }

    @Override
    public String toString() {
        return what + (isClosed() ? " [closed]" : " (" + size + " bytes)");
    }
}
