package dev.ebpf4j.internal.sys;

import dev.ebpf4j.BpfException;
import dev.ebpf4j.ClosedException;
import dev.ebpf4j.Errno;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

/**
 * An owned epoll instance with a built-in wake-up {@code eventfd}, for readers that block until one of several file
 * descriptors is ready and must be woken by another thread (to close them). Events land in a preallocated native
 * array, so {@link #await(int)} allocates nothing.
 *
 * <p>Threading: one thread at a time calls {@link #await(int)} and reads the results; {@link #add}, {@link #wake()}
 * may be called from any thread. {@link #close()} must only run once no thread is inside {@link #await(int)} (wake
 * the waiter, let it return, then close), which the readers guarantee with a lock.
 *
 * <pre>{@code
 * try (Epoll epoll = Epoll.create("ring buffer reader", 16)) {
 *     epoll.add(mapFd, Epoll.IN, 0);
 *     int n = epoll.await(1000);            // ready descriptors, 0 on timeout or wake-up
 *     for (int i = 0; i < n; i++) handle(epoll.data(i), epoll.events(i));
 *     if (epoll.wasWoken()) ...;             // another thread called wake()
 * }
 * }</pre>
 */
public final class Epoll implements AutoCloseable {
    public static final int IN = 0x001;
    public static final int OUT = 0x004;
    public static final int ERR = 0x008;
    public static final int HUP = 0x010;
    /** Edge-triggered: report a readiness change once instead of while the condition holds. */
    public static final int ET = 1 << 31;

    private static final int CTL_ADD = 1;
    private static final int CTL_DEL = 2;
    private static final int CLOEXEC = 0x80000;
    private static final int EFD_NONBLOCK = 0x800;

    /** {@code struct epoll_event} is packed (12 bytes) on x86-64 and naturally aligned (16 bytes) elsewhere. */
    private static final boolean PACKED = "amd64".equals(System.getProperty("os.arch"))
            || "x86_64".equals(System.getProperty("os.arch"));
    static final long EVENT_SIZE = PACKED ? 12 : 16;
    static final long DATA_OFFSET = PACKED ? 4 : 8;
    /** User data of the wake-up eventfd; callers' data values must differ. */
    private static final long WAKE_DATA = Long.MIN_VALUE;

    private final String owner;
    private final Fd epfd;
    private final Fd wakeFd;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment events;
    private final MemorySegment ctlEvent;
    private final MemorySegment drainBuffer;
    private final MemorySegment wakeValue;
    private final int capacity;
    private boolean woken;
    private boolean closed;

    private Epoll(String owner, Fd epfd, Fd wakeFd, int capacity) {
        this.owner = owner;
        this.epfd = epfd;
        this.wakeFd = wakeFd;
        this.capacity = capacity;
        this.events = arena.allocate(EVENT_SIZE * capacity, 8);
        this.ctlEvent = arena.allocate(16, 8);
        this.drainBuffer = arena.allocate(8, 8);
        this.wakeValue = arena.allocate(8, 8);
        wakeValue.set(JAVA_LONG, 0, 1L);
    }

    /**
     * Creates an epoll instance able to report {@code capacity} ready descriptors per {@link #await(int)} (plus the
     * wake-up); {@code owner} names the user in error messages.
     */
    public static Epoll create(String owner, int capacity) {
        if (capacity < 1) throw new IllegalArgumentException("epoll capacity must be at least 1, got " + capacity);
        int ep = Libc.epollCreate1(CLOEXEC);
        if (ep < 0) throw SysErrors.of("epoll_create1 for " + owner, CallScratch.get().errno());
        Fd epfd = Fd.adopt(ep, "epoll of " + owner);
        int ev = Libc.eventfd(0, CLOEXEC | EFD_NONBLOCK);
        if (ev < 0) {
            int errno = CallScratch.get().errno();
            epfd.close();
            throw SysErrors.of("eventfd for " + owner, errno);
        }
        Fd wakeFd = Fd.adopt(ev, "wake-up eventfd of " + owner);
        Epoll e;
        try {
            e = new Epoll(owner, epfd, wakeFd, capacity + 1);
        } catch (RuntimeException | Error t) {
            wakeFd.close();
            epfd.close();
            throw t;
        }
        try {
            e.add(wakeFd.get(), IN, WAKE_DATA);
        } catch (RuntimeException t) {
            e.close();
            throw t;
        }
        return e;
    }

    /** Watches {@code fd} for {@code events} ({@link #IN}, {@link #OUT}, level-triggered); {@code data} identifies it. */
    public synchronized void add(int fd, int events, long data) {
        checkOpen();
        ctlEvent.set(JAVA_INT_UNALIGNED, 0, events);
        ctlEvent.set(JAVA_LONG_UNALIGNED, DATA_OFFSET, data);
        if (Libc.epollCtl(epfd.get(), CTL_ADD, fd, ctlEvent) < 0) {
            throw SysErrors.of("epoll_ctl(EPOLL_CTL_ADD) of fd " + fd + " for " + owner, CallScratch.get().errno());
        }
    }

    /** Stops watching {@code fd}. */
    public synchronized void remove(int fd) {
        checkOpen();
        if (Libc.epollCtl(epfd.get(), CTL_DEL, fd, ctlEvent) < 0) {
            throw SysErrors.of("epoll_ctl(EPOLL_CTL_DEL) of fd " + fd + " for " + owner, CallScratch.get().errno());
        }
    }

    /**
     * Waits up to {@code timeoutMillis} (-1 = forever, 0 = just check) for ready descriptors and returns how many are
     * ready (their {@link #data(int)} and {@link #events(int)} are valid until the next call). Returns 0 on timeout,
     * when interrupted by a signal (EINTR), or when only the wake-up fired; {@link #wasWoken()} tells the latter.
     */
    public int await(int timeoutMillis) {
        woken = false;
        int n = Libc.epollWait(epfd.get(), events, capacity, timeoutMillis);
        if (n < 0) {
            int errno = CallScratch.get().errno();
            if (errno == Errno.EINTR.number()) return 0;
            throw SysErrors.of("epoll_wait for " + owner, errno);
        }
        int kept = 0;
        for (int i = 0; i < n; i++) {
            long base = i * EVENT_SIZE;
            long data = events.get(JAVA_LONG_UNALIGNED, base + DATA_OFFSET);
            if (data == WAKE_DATA) {
                woken = true;
                Libc.read(wakeFd.get(), drainBuffer, 8); // resets the counter; EAGAIN when already drained is fine
                continue;
            }
            if (kept != i) {
                long to = kept * EVENT_SIZE;
                events.set(JAVA_INT_UNALIGNED, to, events.get(JAVA_INT_UNALIGNED, base));
                events.set(JAVA_LONG_UNALIGNED, to + DATA_OFFSET, data);
            }
            kept++;
        }
        return kept;
    }

    /** The user data of ready descriptor {@code i} from the last {@link #await(int)}. */
    public long data(int i) {
        return events.get(JAVA_LONG_UNALIGNED, i * EVENT_SIZE + DATA_OFFSET);
    }

    /** The ready events ({@link #IN}, {@link #OUT}, {@link #ERR}, {@link #HUP} bits) of ready descriptor {@code i}. */
    public int events(int i) {
        return events.get(JAVA_INT_UNALIGNED, i * EVENT_SIZE);
    }

    /** True when the last {@link #await(int)} returned because of {@link #wake()}. */
    public boolean wasWoken() {
        return woken;
    }

    /** Makes a current or the next {@link #await(int)} return; safe from any thread, a no-op once closed. */
    public synchronized void wake() {
        if (closed) return;
        if (Libc.write(wakeFd.get(), wakeValue, 8) < 0) {
            int errno = CallScratch.get().errno();
            // EAGAIN: the counter is saturated, so a wake-up is pending anyway.
            if (errno != Errno.EAGAIN.number()) {
                throw new BpfException("waking the epoll of " + owner + " failed: " + Errno.describe(errno), errno);
            }
        }
    }

    /** True once closed. */
    public synchronized boolean isClosed() {
        return closed;
    }

    private void checkOpen() {
        if (closed) throw new ClosedException("epoll of " + owner);
    }

    /** Closes the descriptors and frees the event array; only when no thread is inside {@link #await(int)}. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        wakeFd.close();
        epfd.close();
        arena.close();
    }
}
