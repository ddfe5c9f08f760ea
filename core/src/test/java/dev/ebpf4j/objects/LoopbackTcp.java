package dev.ebpf4j.objects;

import dev.ebpf4j.internal.sys.CallScratch;
import dev.ebpf4j.internal.sys.Libc;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * A TCP connection over 127.0.0.1 made with libc (the JDK cannot set TCP_CONGESTION), for struct_ops congestion
 * control tests: both ends use the congestion control named at creation (set before the connection exists, so the
 * kernel initialises it on each end), with 5 s send and receive timeouts so nothing hangs.
 */
final class LoopbackTcp implements AutoCloseable {
    private static final int AF_INET = 2;
    private static final int SOCK_STREAM = 1;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int SOL_SOCKET = 1;
    private static final int SO_RCVTIMEO = 20;
    private static final int SO_SNDTIMEO = 21;
    private static final int IPPROTO_TCP = 6;
    private static final int TCP_CONGESTION = 13;
    private static final int LOOPBACK = 0x7f000001;
    private static final MethodHandle LISTEN;
    private static final MethodHandle ACCEPT;

    static {
        Linker linker = Linker.nativeLinker();
        LISTEN = linker.downcallHandle(linker.defaultLookup().find("listen").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
        ACCEPT = linker.downcallHandle(linker.defaultLookup().find("accept").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    }

    private final Arena arena = Arena.ofShared();
    private int listener = -1;
    private int client = -1;
    private int server = -1;

    /** Connects a client to a listener, both set to congestion control {@code cc}. */
    LoopbackTcp(String cc) {
        try {
            listener = socket(cc);
            MemorySegment addr = sockaddr(0);
            if (Libc.bind(listener, addr, 16) < 0) fail("bind");
            if (listen(listener) < 0) fail("listen");
            MemorySegment len = arena.allocate(4);
            len.set(JAVA_INT, 0, 16);
            if (Libc.getsockname(listener, addr, len) < 0) fail("getsockname");
            client = socket(cc);
            if (Libc.connect(client, addr, 16) < 0) fail("connect");
            server = accept(listener);
            if (server < 0) fail("accept");
            timeouts(server);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The congestion control the client end uses, as getsockopt(TCP_CONGESTION) reports it. */
    String clientCongestionControl() {
        return congestion(client);
    }

    /** The congestion control the server end uses. */
    String serverCongestionControl() {
        return congestion(server);
    }

    /** Sends {@code bytes} bytes from the client while the server reads them; returns how many the server read. */
    long transfer(int bytes) throws Exception {
        CompletableFuture<Long> reader = CompletableFuture.supplyAsync(() -> {
            MemorySegment buf = arena.allocate(64 << 10);
            long total = 0;
            while (total < bytes) {
                long n = Libc.read(server, buf, buf.byteSize());
                if (n <= 0) break;
                total += n;
            }
            return total;
        });
        MemorySegment chunk = arena.allocate(64 << 10);
        long sent = 0;
        while (sent < bytes) {
            long n = Libc.write(client, chunk, Math.min(chunk.byteSize(), bytes - sent));
            if (n <= 0) fail("write");
            sent += n;
        }
        return reader.get(30, TimeUnit.SECONDS);
    }

    private int socket(String cc) {
        int fd = Libc.socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0) fail("socket");
        timeouts(fd);
        byte[] name = cc.getBytes(StandardCharsets.US_ASCII);
        MemorySegment v = arena.allocate(name.length + 1);
        MemorySegment.copy(name, 0, v, JAVA_BYTE, 0, name.length);
        if (Libc.setsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, v, name.length) < 0) {
            int errno = CallScratch.get().errno();
            Libc.close(fd);
            throw new IllegalStateException("setsockopt(TCP_CONGESTION, " + cc + ") failed, errno " + errno);
        }
        return fd;
    }

    private void timeouts(int fd) {
        MemorySegment tv = arena.allocate(16, 8);
        tv.set(JAVA_LONG, 0, 5);
        if (Libc.setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, tv, 16) < 0) fail("setsockopt(SO_RCVTIMEO)");
        if (Libc.setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, tv, 16) < 0) fail("setsockopt(SO_SNDTIMEO)");
    }

    private String congestion(int fd) {
        MemorySegment v = arena.allocate(16);
        MemorySegment len = arena.allocate(4);
        len.set(JAVA_INT, 0, 16);
        if (Libc.getsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, v, len) < 0) fail("getsockopt(TCP_CONGESTION)");
        return v.getString(0);
    }

    private static int listen(int fd) {
        try {
            return (int) LISTEN.invokeExact(fd, 1);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static int accept(int fd) {
        try {
            return (int) ACCEPT.invokeExact(fd, MemorySegment.NULL, MemorySegment.NULL);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private MemorySegment sockaddr(int port) {
        MemorySegment a = arena.allocate(16, 4);
        a.set(JAVA_SHORT, 0, (short) AF_INET);
        a.set(JAVA_SHORT, 2, Short.reverseBytes((short) port));
        a.set(JAVA_INT, 4, ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? Integer.reverseBytes(LOOPBACK) : LOOPBACK);
        return a;
    }

    private void fail(String what) {
        throw new IllegalStateException(what + " failed on a test TCP socket, errno " + CallScratch.get().errno());
    }

    @Override
    public void close() {
        for (int fd : new int[]{client, server, listener}) if (fd >= 0) Libc.close(fd);
        client = server = listener = -1;
        arena.close();
    }
}
