package dev.ebpf4j.perf;

import dev.ebpf4j.BpfException;
import dev.ebpf4j.ClosedException;
import dev.ebpf4j.Errno;
import dev.ebpf4j.internal.ReaderGate;
import dev.ebpf4j.internal.Timeouts;
import dev.ebpf4j.internal.fs.KernelFilesystems;
import dev.ebpf4j.internal.sys.CallScratch;
import dev.ebpf4j.internal.sys.Epoll;
import dev.ebpf4j.internal.sys.Fd;
import dev.ebpf4j.internal.sys.Libc;
import dev.ebpf4j.internal.sys.SysErrors;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicInteger;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * Reads {@code bpf_trace_printk} output (helper 6) from tracefs {@code trace_pipe}, one parsed {@link TraceEvent} per
 * line. Lives in {@code dev.ebpf4j.perf} beside the other readers of what BPF programs emit.
 *
 * <p>{@link #open()} reads the system-wide {@code trace_pipe}. Reading consumes: two readers of the same pipe split
 * the lines between them, and other tracing on the system shows up too. {@link #openInstance()} avoids both: it creates
 * a private tracefs instance ({@code instances/ebpf4j-<pid>-<n>}), enables the {@code bpf_trace/bpf_trace_printk}
 * event in it — the kernel then writes every {@code bpf_trace_printk} line into that instance's buffer as well — and
 * removes the instance on close.
 *
 * <p>{@link #poll(Duration)} returns the next line or null when the timeout passes. {@link #close()} from another
 * thread wakes a blocked poll, which then throws {@link ClosedException}.
 *
 * <pre>{@code
 * try (TracePipe pipe = TracePipe.openInstance()) {
 *     // ... run a program that calls bpf_trace_printk("hello %d\n", ...)
 *     TraceEvent e = pipe.poll(Duration.ofSeconds(1));
 *     if (e != null) System.out.println(e.pid() + " on cpu " + e.cpu() + ": " + e.message());
 * }
 * }</pre>
 */
public final class TracePipe implements AutoCloseable {
    private static final AtomicInteger INSTANCES = new AtomicInteger();
    private static final Path PRINTK_EVENT = Path.of("events", "bpf_trace", "bpf_trace_printk");
    /**
     * The kernel's poll on trace_pipe may wait for its buffer to fill to {@code buffer_percent}; re-check this often so
     * lines are seen promptly on the shared pipe too (a private instance sets buffer_percent to 0).
     */
    private static final int RECHECK_MILLIS = 20;
    private static final int READ_SIZE = 64 * 1024;

    private final Path path;
    private final Path instanceDir;
    private final Fd fd;
    private final Epoll epoll;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment buffer;
    private final byte[] chunk = new byte[READ_SIZE];
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private final ArrayDeque<TraceEvent> lines = new ArrayDeque<>();
    private final ReaderGate gate;

    private TracePipe(Path path, Path instanceDir, Fd fd, Epoll epoll) {
        this.path = path;
        this.instanceDir = instanceDir;
        this.fd = fd;
        this.epoll = epoll;
        this.buffer = arena.allocate(READ_SIZE, 8);
        this.gate = new ReaderGate(epoll, this::release);
    }

    /** Opens the system-wide {@code trace_pipe} (mounting tracefs when needed). */
    public static TracePipe open() {
        return openPipe(KernelFilesystems.tracefs().resolve("trace_pipe"), null);
    }

    /**
     * Creates a private tracefs instance that records {@code bpf_trace_printk} output and opens its
     * {@code trace_pipe}; the instance is removed on close.
     */
    public static TracePipe openInstance() {
        Path tracefs = KernelFilesystems.tracefs();
        Path dir = tracefs.resolve("instances").resolve("ebpf4j-" + ProcessHandle.current().pid() + "-"
                + INSTANCES.incrementAndGet());
        try {
            Files.createDirectory(dir);
        } catch (IOException e) {
            throw new BpfException("cannot create the tracefs instance " + dir + ": " + e
                    + "; tracefs instances need root (or write access to " + tracefs.resolve("instances") + ")");
        }
        try {
            writeControl(dir.resolve("buffer_percent"), "0");
            writeControl(dir.resolve(PRINTK_EVENT).resolve("enable"), "1");
            return openPipe(dir.resolve("trace_pipe"), dir);
        } catch (RuntimeException e) {
            removeInstance(dir);
            throw e;
        }
    }

    private static TracePipe openPipe(Path pipe, Path instanceDir) {
        int raw = Libc.open(CallScratch.get().cString(pipe.toString()),
                Libc.O_RDONLY | Libc.O_NONBLOCK | Libc.O_CLOEXEC, 0);
        if (raw < 0) throw SysErrors.of("open of " + pipe, CallScratch.get().errno());
        Fd fd = Fd.adopt(raw, pipe.toString());
        Epoll epoll = null;
        try {
            epoll = Epoll.create(pipe.toString(), 1);
            epoll.add(fd.get(), Epoll.IN, 0);
            return new TracePipe(pipe, instanceDir, fd, epoll);
        } catch (RuntimeException | Error e) {
            if (epoll != null) epoll.close();
            fd.close();
            throw e;
        }
    }

    private static void writeControl(Path file, String value) {
        try {
            Files.writeString(file, value);
        } catch (IOException e) {
            throw new BpfException("cannot write '" + value + "' to " + file + ": " + e);
        }
    }

    private static void removeInstance(Path dir) {
        try {
            Files.writeString(dir.resolve(PRINTK_EVENT).resolve("enable"), "0");
        } catch (IOException ignored) {
            // removing the instance disables its events anyway
        }
        try {
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // busy (a reader still open elsewhere): the kernel refuses; nothing more to do
        }
    }

    /** The {@code trace_pipe} file read. */
    public Path path() {
        return path;
    }

    /**
     * The next line, waiting up to {@code timeout} for one; null when none arrived in time.
     *
     * @throws ClosedException when the pipe is closed, also by another thread during the wait
     */
    public TraceEvent poll(Duration timeout) {
        long timeoutMillis = Timeouts.millis(timeout);
        long deadline = Timeouts.deadline(timeoutMillis);
        gate.enter();
        try {
            checkOpen();
            while (true) {
                TraceEvent e = lines.poll();
                if (e != null) return e;
                if (readAvailable()) continue;
                int left = timeoutMillis == 0 ? 0 : Timeouts.remainingMillis(deadline);
                if (left == 0) return null;
                epoll.await(left < 0 ? RECHECK_MILLIS : Math.min(RECHECK_MILLIS, left));
                checkOpen();
            }
        } finally {
            gate.leave();
        }
    }

    /** Reads what the pipe has now; true when at least one byte arrived. */
    private boolean readAvailable() {
        long n = Libc.read(fd.get(), buffer, READ_SIZE);
        if (n < 0) {
            int errno = CallScratch.get().errno();
            if (errno == Errno.EAGAIN.number() || errno == Errno.EINTR.number()) return false;
            throw SysErrors.of("read of " + path, errno);
        }
        if (n == 0) return false;
        MemorySegment.copy(buffer, JAVA_BYTE, 0, chunk, 0, (int) n);
        int start = 0;
        for (int i = 0; i < n; i++) {
            if (chunk[i] != '\n') continue;
            partial.write(chunk, start, i - start);
            String line = partial.toString(StandardCharsets.UTF_8);
            partial.reset();
            lines.add(TraceEvent.parse(line));
            start = i + 1;
        }
        partial.write(chunk, start, (int) n - start);
        return true;
    }

    /** True once closed. */
    public boolean isClosed() {
        return gate.isClosed();
    }

    private void checkOpen() {
        if (gate.isClosed()) throw new ClosedException(path.toString());
    }

    /** Closes the pipe (removing a private instance); wakes a blocked {@link #poll(Duration)}. Idempotent. */
    @Override
    public void close() {
        gate.close();
    }

    private void release() {
        try {
            fd.close();
            epoll.close();
            arena.close();
        } finally {
            if (instanceDir != null) removeInstance(instanceDir);
        }
    }

    @Override
    public String toString() {
        return "TracePipe[" + path + (isClosed() ? ", closed]" : "]");
    }
}
