package dev.ebpf4j.internal.sys;

import dev.ebpf4j.ClosedException;

import java.lang.ref.Cleaner;

/**
 * An owned file descriptor. Closing is idempotent and thread-safe; a {@link Cleaner} closes descriptors whose owner
 * forgot to, as a safety net only. {@link #get()} on a closed descriptor throws {@link ClosedException} naming what
 * the descriptor belonged to, so a use-after-close is a clear error, never a syscall on a recycled number.
 *
 * <pre>{@code
 * try (Fd fd = Fd.adopt(rawFd, "map 'counts'")) {
 *     use(fd.get());
 * }
 * }</pre>
 */
public final class Fd implements AutoCloseable {
    private static final Cleaner CLEANER = Cleaner.create(r -> {
        Thread t = new Thread(r, "ebpf4j-fd-cleaner");
        t.setDaemon(true);
        return t;
    });

    /** Holds the number; shared with the cleaner so the cleaner never references the {@code Fd} itself. */
    private static final class State implements Runnable {
        private volatile int fd;

        State(int fd) {
            this.fd = fd;
        }

        @Override
        public synchronized void run() {
            int f = fd;
            fd = -1;
            if (f >= 0) Libc.close(f);
        }
    }

    private final State state;
    private final Cleaner.Cleanable cleanable;
    private volatile String owner;

    private Fd(int fd, String owner) {
        if (fd < 0) throw new IllegalArgumentException("negative file descriptor " + fd + " for " + owner);
        this.state = new State(fd);
        this.cleanable = CLEANER.register(this, state);
        this.owner = owner;
    }

    /** Takes ownership of {@code fd}; {@code owner} describes it in errors ("map 'counts'"). */
    public static Fd adopt(int fd, String owner) {
        return new Fd(fd, owner);
    }

    /** The descriptor number; throws {@link ClosedException} when closed. */
    public int get() {
        int f = state.fd;
        if (f < 0) throw new ClosedException(owner);
        return f;
    }

    /** True once closed. */
    public boolean isClosed() {
        return state.fd < 0;
    }

    /** Renames the owner used in error messages (e.g. once a map got its name). */
    public void describeAs(String owner) {
        this.owner = owner;
    }

    /** What this descriptor belongs to, for messages. */
    public String owner() {
        return owner;
    }

    /** A new owned close-on-exec duplicate of a descriptor owned elsewhere (the original stays open). */
    public static Fd duplicate(int fd, String owner) {
        int d = Libc.dupCloexec(fd);
        if (d < 0) throw SysErrors.of("fcntl(F_DUPFD_CLOEXEC) of fd " + fd + " (" + owner + ")", CallScratch.get().errno());
        return new Fd(d, owner);
    }

    /** A new owned close-on-exec duplicate of this descriptor. */
    public Fd dup() {
        int d = Libc.dupCloexec(get());
        if (d < 0) throw SysErrors.of("fcntl(F_DUPFD_CLOEXEC) of " + owner, CallScratch.get().errno());
        return new Fd(d, owner);
    }

    @Override
    public void close() {
        cleanable.clean();
    }

    @Override
    public String toString() {
        int f = state.fd;
        return "Fd[" + (f < 0 ? "closed" : f) + ", " + owner + "]";
    }
}
