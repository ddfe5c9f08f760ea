package dev.ebpf4j.link;

import dev.ebpf4j.internal.sys.CallScratch;
import dev.ebpf4j.internal.sys.Libc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * A UDP socket on 127.0.0.1 made with libc (a JDK channel does not expose its descriptor), for socket filter tests:
 * bound to a free port, with a receive timeout so a missing datagram fails the test instead of hanging it.
 */
final class LoopbackUdpSocket implements AutoCloseable {
    private static final int AF_INET = 2;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int SOL_SOCKET = 1;
    private static final int SO_RCVTIMEO = 20;
    private static final int LOOPBACK = 0x7f000001;

    private final Arena arena = Arena.ofShared();
    private final int fd;
    private final int port;

    LoopbackUdpSocket() {
        fd = Libc.socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0) throw new IllegalStateException("socket failed, errno " + CallScratch.get().errno());
        MemorySegment addr = sockaddr(0);
        if (Libc.bind(fd, addr, 16) < 0) fail("bind");
        MemorySegment len = arena.allocate(4);
        len.set(JAVA_INT, 0, 16);
        if (Libc.getsockname(fd, addr, len) < 0) fail("getsockname");
        port = Short.toUnsignedInt(Short.reverseBytes(addr.get(JAVA_SHORT, 2)));
        MemorySegment tv = arena.allocate(16, 8);
        tv.set(JAVA_LONG, 0, 5);
        if (Libc.setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, tv, 16) < 0) fail("setsockopt(SO_RCVTIMEO)");
    }

    int fd() {
        return fd;
    }

    int port() {
        return port;
    }

    /** Sends {@code text} from this socket to 127.0.0.1:{@code toPort}. */
    void send(String text, int toPort) {
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        MemorySegment buf = arena.allocate(Math.max(1, b.length));
        MemorySegment.copy(b, 0, buf, JAVA_BYTE, 0, b.length);
        if (Libc.sendto(fd, buf, b.length, 0, sockaddr(toPort), 16) != b.length) fail("sendto");
    }

    /** The next datagram's text; fails after the 5 s receive timeout. */
    String receive() {
        MemorySegment buf = arena.allocate(2048);
        long n = Libc.recvfrom(fd, buf, 2048, 0, MemorySegment.NULL, MemorySegment.NULL);
        if (n < 0) fail("recvfrom");
        return new String(buf.asSlice(0, n).toArray(JAVA_BYTE), StandardCharsets.US_ASCII);
    }

    private MemorySegment sockaddr(int port) {
        MemorySegment a = arena.allocate(16, 4);
        a.set(JAVA_SHORT, 0, (short) AF_INET);
        a.set(JAVA_SHORT, 2, Short.reverseBytes((short) port));
        a.set(JAVA_INT, 4, ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? Integer.reverseBytes(LOOPBACK) : LOOPBACK);
        return a;
    }

    private void fail(String what) {
        throw new IllegalStateException(what + " failed on test socket " + fd + ", errno " + CallScratch.get().errno());
    }

    @Override
    public void close() {
        Libc.close(fd);
        arena.close();
    }
}
