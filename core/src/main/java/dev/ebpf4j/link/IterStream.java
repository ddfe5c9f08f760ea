package dev.ebpf4j.link;

import dev.ebpf4j.Errno;
import dev.ebpf4j.internal.sys.CallScratch;
import dev.ebpf4j.internal.sys.Fd;
import dev.ebpf4j.internal.sys.Libc;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * The output of one BPF iterator run: an {@link InputStream} over the fd {@code BPF_ITER_CREATE} returned. Each
 * {@code read(2)} of the fd runs the iterator program further; end of stream is the end of the iteration. Closing the
 * stream closes the fd.
 *
 * <pre>{@code
 * try (InputStream in = iterLink.open()) { in.transferTo(System.out); }
 * }</pre>
 */
final class IterStream extends InputStream {
    private static final int BUFFER = 64 << 10;

    private final Fd fd;
    private final String what;
    /** Freed by the GC once the stream is unreachable, so an unclosed stream leaks nothing but its fd (Fd's cleaner). */
    private final MemorySegment buffer = Arena.ofAuto().allocate(BUFFER);
    private int pos;
    private int limit;
    private boolean eof;
    private boolean closed;

    IterStream(Fd fd, String what) {
        this.fd = fd;
        this.what = what;
    }

    @Override
    public synchronized int read() throws IOException {
        if (!fill()) return -1;
        return buffer.get(JAVA_BYTE, pos++) & 0xff;
    }

    @Override
    public synchronized int read(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) return 0;
        if (!fill()) return -1;
        int n = Math.min(len, limit - pos);
        MemorySegment.copy(buffer, JAVA_BYTE, pos, b, off, n);
        pos += n;
        return n;
    }

    @Override
    public synchronized int available() {
        return closed ? 0 : limit - pos;
    }

    /** Makes at least one byte available; false at end of iteration. */
    private boolean fill() throws IOException {
        if (closed) throw new IOException(what + ": the iterator stream is closed");
        if (pos < limit) return true;
        if (eof) return false;
        while (true) {
            long r = Libc.read(fd.get(), buffer, BUFFER);
            if (r > 0) {
                pos = 0;
                limit = (int) r;
                return true;
            }
            if (r == 0) {
                eof = true;
                return false;
            }
            int errno = CallScratch.get().errno();
            if (errno == Errno.EINTR.number()) continue;
            throw new IOException(what + ": reading the iterator failed: " + Errno.describe(errno)
                    + (errno == Errno.E2BIG.number() ? " (the program wrote more than fits in one seq_file buffer "
                    + "for a single element)" : ""));
        }
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        fd.close();
    }
}
