package dev.ebpf4j.link;

import dev.ebpf4j.BpfArgumentException;
import dev.ebpf4j.BpfException;
import dev.ebpf4j.Errno;
import dev.ebpf4j.Program;
import dev.ebpf4j.ProgramType;
import dev.ebpf4j.internal.sys.CallScratch;
import dev.ebpf4j.internal.sys.Capabilities;
import dev.ebpf4j.internal.sys.Fd;
import dev.ebpf4j.internal.sys.Libc;
import dev.ebpf4j.internal.sys.SysErrors;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * A {@code socket_filter} program attached to one socket with {@code setsockopt(SO_ATTACH_BPF)}: it sees every
 * packet the socket receives and returns how many bytes to keep (0 drops the packet; less than its length truncates
 * it). Closing detaches it ({@code SO_DETACH_BPF}).
 * <p>
 * The socket is given as a file descriptor number. Sockets made by native code or by ebpf4j's callers through FFM
 * have one; a JDK channel does not expose its descriptor (to get it, run with
 * {@code --add-opens java.base/sun.nio.ch=ALL-UNNAMED} and read the channel's {@code fdVal}, or find the socket under
 * {@code /proc/self/fd}). The link works on a duplicate of the descriptor, so the number the caller passed may be
 * closed or reused meanwhile without the link touching another socket; the duplicate keeps the socket open until
 * the link is closed.
 *
 * <pre>{@code
 * try (Program p = Program.load(spec);                       // ProgramType.SOCKET_FILTER
 *      SocketFilterLink l = SocketFilterLink.attach(p, socketFd)) {
 *     ... the socket only receives what the program keeps ...
 * }
 * }</pre>
 */
public final class SocketFilterLink extends SelfDetachingLink {
    static final int SOL_SOCKET = 1;
    static final int SO_ATTACH_BPF = 50;
    static final int SO_DETACH_BPF = 27;

    private final Fd socket;

    private SocketFilterLink(Fd socket, String what) {
        super(null, what, "setsockopt(SO_ATTACH_BPF)");
        this.socket = socket;
    }

    /** Attaches {@code prog} to the socket with descriptor {@code socketFd} (replacing a filter already there). */
    public static SocketFilterLink attach(Program prog, int socketFd) {
        String where = "socket filter on fd " + socketFd;
        LinkSupport.requireType(prog, ProgramType.SOCKET_FILTER, where);
        if (socketFd < 0) throw new BpfArgumentException("socket descriptor " + socketFd + " is negative");
        String attaching = "attaching " + prog.describe() + " as " + where;
        int dup = Libc.dupCloexec(socketFd);
        if (dup < 0) {
            int errno = CallScratch.get().errno();
            if (errno == Errno.EBADF.number()) {
                throw new BpfException(attaching + " failed: fd " + socketFd + " is not an open descriptor", errno);
            }
            throw SysErrors.of(attaching + ": duplicating the socket descriptor", errno);
        }
        Fd sock = Fd.adopt(dup, "socket (fd " + socketFd + ")");
        try {
            MemorySegment v = CallScratch.get().buffer(2, 4);
            v.set(JAVA_INT, 0, prog.fd());
            if (Libc.setsockopt(sock.get(), SOL_SOCKET, SO_ATTACH_BPF, v, 4) < 0) {
                int errno = CallScratch.get().errno();
                if (errno == Errno.ENOTSOCK.number()) {
                    throw new BpfException(attaching + " failed: fd " + socketFd + " is not a socket", errno);
                }
                throw SysErrors.of(attaching + ": setsockopt(SO_ATTACH_BPF)", errno, Capabilities.CAP_NET_ADMIN);
            }
            String what = where + " → " + prog.describe();
            sock.describeAs(what);
            return new SocketFilterLink(sock, what);
        } catch (RuntimeException e) {
            sock.close();
            throw e;
        }
    }

    /** The link's own duplicate of the socket descriptor (valid until close). */
    public int socketFd() {
        return socket.get();
    }

    /** Detaches the filter from the socket (a filter someone already removed is fine) and drops the duplicate. */
    @Override
    void detachWithoutLink() {
        try {
            MemorySegment v = CallScratch.get().buffer(2, 4);
            v.set(JAVA_INT, 0, 0);
            if (Libc.setsockopt(socket.get(), SOL_SOCKET, SO_DETACH_BPF, v, 4) < 0) {
                int errno = CallScratch.get().errno();
                if (errno != Errno.ENOENT.number()) {
                    throw SysErrors.of("detaching " + what + ": setsockopt(SO_DETACH_BPF)", errno,
                            Capabilities.CAP_NET_ADMIN);
                }
            }
        } finally {
            socket.close();
        }
    }
}
