package dev.ebpf4j.internal;

import dev.ebpf4j.internal.sys.Epoll;

import java.util.concurrent.locks.ReentrantLock;

/**
 * The close protocol the blocking readers share (ring buffer reader, perf buffer reader, trace pipe, user ring
 * buffer): one thread at a time works under the gate (polls, waits for space); {@link #close()} may come from any
 * thread — also from a handler running inside that work — and marks the reader closed, wakes a blocked epoll wait,
 * and releases the resources exactly once: at once when nobody is inside, else when the worker leaves.
 *
 * <pre>{@code
 * ReaderGate gate = new ReaderGate(epoll, this::unmapAndClose);
 * gate.enter();
 * try {
 *     if (gate.isClosed()) throw new ClosedException(what);
 *     epoll.await(timeout);
 * } finally {
 *     gate.leave();          // releases here when close() came meanwhile
 * }
 * }</pre>
 */
public final class ReaderGate {
    private final ReentrantLock lock = new ReentrantLock();
    private final Epoll epoll;
    private final Runnable release;
    private volatile boolean closed;
    private boolean released;

    /** {@code release} unmaps and closes what the reader owns; it runs at most once, under the gate. */
    public ReaderGate(Epoll epoll, Runnable release) {
        this.epoll = epoll;
        this.release = release;
    }

    /** Waits for the gate (another thread's work) and enters it. */
    public void enter() {
        lock.lock();
    }

    /** Leaves the gate; the outermost leave after a {@link #close()} releases the resources. */
    public void leave() {
        try {
            if (closed && lock.getHoldCount() == 1) releaseOnce();
        } finally {
            lock.unlock();
        }
    }

    /** True once {@link #close()} was called (the resources may not be released yet). */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Marks the reader closed, wakes a blocked wait, and releases the resources once no thread is inside the gate
     * (from inside, e.g. from a handler, the worker releases on its way out). Idempotent; any thread.
     */
    public void close() {
        synchronized (this) {
            if (closed) return;
            closed = true;
        }
        epoll.wake();
        if (lock.isHeldByCurrentThread()) return;
        lock.lock();
        try {
            releaseOnce();
        } finally {
            lock.unlock();
        }
    }

    private void releaseOnce() {
        if (released) return;
        released = true;
        release.run();
    }
}
