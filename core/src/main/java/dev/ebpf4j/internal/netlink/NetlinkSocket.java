package dev.ebpf4j.internal.netlink;

import dev.ebpf4j.BpfException;
import dev.ebpf4j.Errno;
import dev.ebpf4j.internal.sys.CallScratch;
import dev.ebpf4j.internal.sys.Capabilities;
import dev.ebpf4j.internal.sys.Fd;
import dev.ebpf4j.internal.sys.Libc;
import dev.ebpf4j.internal.sys.SysErrors;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * A NETLINK_ROUTE socket talking to the kernel: sends one request at a time with a fresh sequence number and reads
 * the answer to its end (an acknowledgement, an error with the kernel's extended-ack text, or the NLMSG_DONE of a
 * dump). Replies to other sequence numbers or from other senders are ignored; a reply that does not arrive within
 * {@value #TIMEOUT_SECONDS} s is an error, never a hang. Use from one thread; close it when done.
 *
 * <pre>{@code
 * try (NetlinkSocket nl = NetlinkSocket.openRoute()) {
 *     List<NetlinkReply> qdiscs = nl.dump(NetlinkMessage.dump(Rtnl.RTM_GETQDISC).tcmsg(0, 0, 0, 0), "listing qdiscs");
 * }
 * }</pre>
 */
public final class NetlinkSocket implements AutoCloseable {
    static final int TIMEOUT_SECONDS = 5;
    private static final int SOCKADDR_NL_LEN = 12;
    private static final int DUMP_ATTEMPTS = 5;

    private final Fd fd;
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment kernel;
    private final MemorySegment source;
    private final MemorySegment sourceLen;
    private MemorySegment receive;
    private int seq = ThreadLocalRandom.current().nextInt(1, 1 << 30);

    /** What the kernel answered to one request. */
    public record Answer(int errno, String kernelMessage, List<NetlinkReply> messages, boolean interrupted) {
        public boolean ok() {
            return errno == 0;
        }
    }

    private NetlinkSocket(Fd fd) {
        this.fd = fd;
        kernel = arena.allocate(SOCKADDR_NL_LEN, 4);
        kernel.set(JAVA_SHORT, 0, (short) Rtnl.AF_NETLINK);
        source = arena.allocate(SOCKADDR_NL_LEN, 4);
        sourceLen = arena.allocate(4, 4);
        receive = arena.allocate(32 << 10, 8);
    }

    /** Opens and binds a NETLINK_ROUTE socket with extended acks and a receive timeout. */
    public static NetlinkSocket openRoute() {
        int raw = Libc.socket(Rtnl.AF_NETLINK, Rtnl.SOCK_RAW | Rtnl.SOCK_CLOEXEC, Rtnl.NETLINK_ROUTE);
        if (raw < 0) {
            throw SysErrors.of("opening a NETLINK_ROUTE socket", CallScratch.get().errno(), Capabilities.CAP_NET_ADMIN);
        }
        Fd fd = Fd.adopt(raw, "rtnetlink socket");
        NetlinkSocket s = null;
        try {
            s = new NetlinkSocket(fd);
            s.configure();
            return s;
        } catch (RuntimeException e) {
            if (s != null) s.close();
            else fd.close();
            throw e;
        }
    }

    private void configure() {
        MemorySegment one = arena.allocate(4, 4);
        one.set(JAVA_INT, 0, 1);
        // Best effort: older kernels lack these options; errors then simply carry no kernel text.
        Libc.setsockopt(fd.get(), Rtnl.SOL_NETLINK, Rtnl.NETLINK_EXT_ACK, one, 4);
        Libc.setsockopt(fd.get(), Rtnl.SOL_NETLINK, Rtnl.NETLINK_CAP_ACK, one, 4);
        MemorySegment tv = arena.allocate(16, 8);
        tv.set(JAVA_LONG, 0, TIMEOUT_SECONDS);
        tv.set(JAVA_LONG, 8, 0);
        if (Libc.setsockopt(fd.get(), Rtnl.SOL_SOCKET, Rtnl.SO_RCVTIMEO, tv, 16) < 0) {
            throw SysErrors.of("setting a receive timeout on a netlink socket", CallScratch.get().errno());
        }
        MemorySegment local = arena.allocate(SOCKADDR_NL_LEN, 4);
        local.set(JAVA_SHORT, 0, (short) Rtnl.AF_NETLINK);
        if (Libc.bind(fd.get(), local, SOCKADDR_NL_LEN) < 0) {
            throw SysErrors.of("binding a netlink socket", CallScratch.get().errno(), Capabilities.CAP_NET_ADMIN);
        }
    }

    /**
     * Sends a request and returns the kernel's answer without throwing for a kernel error (the errno is in the
     * answer). Throws only when the exchange itself fails (socket error, timeout, malformed reply).
     */
    public Answer exchange(NetlinkMessage message, String operation) {
        int mySeq = ++seq;
        send(message.encode(mySeq, 0), operation);
        List<NetlinkReply> out = new ArrayList<>();
        boolean interrupted = false;
        while (true) {
            byte[] datagram = receiveDatagram(operation);
            if (datagram == null) continue;
            for (NetlinkReply r : NetlinkReply.parseAll(datagram, datagram.length)) {
                if (r.seq() != mySeq) continue;
                if ((r.flags() & Rtnl.NLM_F_DUMP_INTR) != 0) interrupted = true;
                switch (r.type()) {
                    case Rtnl.NLMSG_NOOP -> { }
                    case Rtnl.NLMSG_ERROR -> {
                        int code = r.errorCode();
                        return new Answer(-code, r.extendedAckMessage(), out, interrupted);
                    }
                    case Rtnl.NLMSG_DONE -> {
                        int code = r.payload().limit() >= 4 ? r.errorCode() : 0;
                        return new Answer(code < 0 ? -code : 0, r.extendedAckMessage(), out, interrupted);
                    }
                    case Rtnl.NLMSG_OVERRUN -> throw new BpfException(operation + ": the netlink reply overran the "
                            + "socket buffer", Errno.ENOBUFS.number());
                    default -> out.add(r);
                }
            }
        }
    }

    /** Sends a request and returns the messages it produced (echoes, a GET's reply); throws on a kernel error. */
    public List<NetlinkReply> request(NetlinkMessage message, String operation) {
        Answer a = exchange(message, operation);
        if (!a.ok()) throw NetlinkErrors.of(operation, a.errno(), a.kernelMessage());
        return a.messages();
    }

    /** Runs a dump to its end, retrying when the kernel reports it was interrupted by a concurrent change. */
    public List<NetlinkReply> dump(NetlinkMessage message, String operation) {
        if (!message.isDump()) throw new IllegalArgumentException("not a dump request");
        Answer a = null;
        for (int attempt = 0; attempt < DUMP_ATTEMPTS; attempt++) {
            a = exchange(message, operation);
            if (!a.ok()) throw NetlinkErrors.of(operation, a.errno(), a.kernelMessage());
            if (!a.interrupted()) return a.messages();
        }
        throw new BpfException(operation + ": the kernel's answer kept changing while it was being read ("
                + DUMP_ATTEMPTS + " attempts); try again", Errno.EAGAIN.number());
    }

    private void send(byte[] bytes, String operation) {
        MemorySegment buf = bufferFor(bytes.length);
        MemorySegment.copy(bytes, 0, buf, JAVA_BYTE, 0, bytes.length);
        while (true) {
            long n = Libc.sendto(fd.get(), buf, bytes.length, 0, kernel, SOCKADDR_NL_LEN);
            if (n == bytes.length) return;
            int errno = CallScratch.get().errno();
            if (n < 0 && errno == Errno.EINTR.number()) continue;
            if (n >= 0) {
                throw new BpfException(operation + ": netlink send wrote " + n + " of " + bytes.length + " bytes");
            }
            throw SysErrors.of(operation + ": sending the netlink request", errno, Capabilities.CAP_NET_ADMIN);
        }
    }

    /** Receives one datagram from the kernel; null for datagrams from other senders. */
    private byte[] receiveDatagram(String operation) {
        long size;
        while (true) {
            size = Libc.recvfrom(fd.get(), receive, receive.byteSize(), Rtnl.MSG_PEEK | Rtnl.MSG_TRUNC,
                    MemorySegment.NULL, MemorySegment.NULL);
            if (size >= 0) break;
            checkReceiveError(operation);
        }
        if (size > receive.byteSize()) receive = arena.allocate(Math.max(size, receive.byteSize() * 2), 8);
        long n;
        while (true) {
            sourceLen.set(JAVA_INT, 0, SOCKADDR_NL_LEN);
            n = Libc.recvfrom(fd.get(), receive, receive.byteSize(), 0, source, sourceLen);
            if (n >= 0) break;
            checkReceiveError(operation);
        }
        if (source.get(JAVA_INT, 4) != 0) return null; // nl_pid 0 is the kernel
        return receive.asSlice(0, n).toArray(JAVA_BYTE);
    }

    private void checkReceiveError(String operation) {
        int errno = CallScratch.get().errno();
        if (errno == Errno.EINTR.number()) return;
        if (errno == Errno.EAGAIN.number()) {
            throw new BpfException(operation + ": the kernel did not answer the netlink request within "
                    + TIMEOUT_SECONDS + " s", errno);
        }
        throw SysErrors.of(operation + ": receiving the netlink reply", errno, Capabilities.CAP_NET_ADMIN);
    }

    private MemorySegment bufferFor(int size) {
        if (receive.byteSize() < size) receive = arena.allocate(size, 8);
        return receive;
    }

    @Override
    public void close() {
        fd.close();
        if (arena.scope().isAlive()) arena.close();
    }
}
