package dev.ebpf4j.link;

import dev.ebpf4j.BpfArgumentException;
import dev.ebpf4j.BpfException;
import dev.ebpf4j.BpfMap;
import dev.ebpf4j.Errno;
import dev.ebpf4j.Program;
import dev.ebpf4j.ProgramSpec;
import dev.ebpf4j.ProgramType;
import dev.ebpf4j.asm.Asm;
import dev.ebpf4j.testkit.KernelTest;
import org.junit.jupiter.api.Test;

import static dev.ebpf4j.asm.Register.*;
import static dev.ebpf4j.link.PacketPrograms.*;
import static org.junit.jupiter.api.Assertions.*;

@KernelTest
class SocketFilterLinkKernelTest {
    private static final int UDP_HEADER = 8;

    /** Drops datagrams whose first payload byte is 'D'; keeps the others whole. */
    private static Program dropD() {
        return Program.load(ProgramSpec.builder(ProgramType.SOCKET_FILTER).name("drop_d")
                .instructions(new Asm()
                        .mov64(R6, R1)
                        .ldAbs(1, UDP_HEADER)          // skb->data is the UDP header for UDP sockets
                        .jeq(R0, 'D', "drop")
                        .ldxw(R0, R6, 0)               // keep skb->len bytes
                        .exit()
                        .label("drop")
                        .mov64(R0, 0)
                        .exit().build()).build());
    }

    /** Keeps the UDP header and three payload bytes. */
    private static Program truncate3() {
        return Program.load(ProgramSpec.builder(ProgramType.SOCKET_FILTER).name("trunc3")
                .instructions(new Asm().mov64(R0, UDP_HEADER + 3).exit().build()).build());
    }

    @Test
    void dropFilterDropsUntilDetached() {
        try (LoopbackUdpSocket rx = new LoopbackUdpSocket();
             LoopbackUdpSocket tx = new LoopbackUdpSocket();
             Program drop = dropD()) {
            tx.send("D0", rx.port());
            assertEquals("D0", rx.receive(), "no filter yet");
            try (SocketFilterLink link = SocketFilterLink.attach(drop, rx.fd())) {
                assertEquals("socket filter on fd " + rx.fd() + " → program 'drop_d' (socket_filter)", link.describe());
                assertTrue(link.info().isEmpty());
                assertNotEquals(rx.fd(), link.socketFd(), "the link works on its own duplicate");
                tx.send("D1", rx.port());
                tx.send("K1", rx.port());
                assertEquals("K1", rx.receive(), "the D datagram was dropped by the filter");
                BpfException pin = assertThrows(BpfException.class, () -> link.pin(uniquePin("sf")));
                assertTrue(pin.getMessage().contains("SO_ATTACH_BPF"), pin.getMessage());
            }
            tx.send("D2", rx.port());
            assertEquals("D2", rx.receive(), "closing the link detached the filter");
        }
    }

    @Test
    void truncatingFilterShortensDatagrams() {
        try (LoopbackUdpSocket rx = new LoopbackUdpSocket();
             LoopbackUdpSocket tx = new LoopbackUdpSocket();
             Program trunc = truncate3()) {
            SocketFilterLink link = SocketFilterLink.attach(trunc, rx.fd());
            tx.send("hello world", rx.port());
            assertEquals("hel", rx.receive());
            link.detach();
            link.close(); // idempotent
            tx.send("hello again", rx.port());
            assertEquals("hello again", rx.receive());
        }
    }

    @Test
    void errorsNameTheDescriptorAndTheProgramType() {
        try (LoopbackUdpSocket rx = new LoopbackUdpSocket();
             Program drop = dropD();
             BpfMap notASocket = counters("sf_notsock");
             Program xdp = Program.load(ProgramSpec.builder(ProgramType.XDP).name("x")
                     .instructions(new Asm().mov64(R0, 2).exit().build()).build())) {
            BpfException e = assertThrows(BpfException.class, () -> SocketFilterLink.attach(drop, notASocket.fd()));
            assertEquals(Errno.ENOTSOCK, e.errno());
            assertTrue(e.getMessage().contains("fd " + notASocket.fd() + " is not a socket"), e.getMessage());
            e = assertThrows(BpfException.class, () -> SocketFilterLink.attach(drop, 999_999));
            assertEquals(Errno.EBADF, e.errno());
            assertTrue(e.getMessage().contains("fd 999999 is not an open descriptor"), e.getMessage());
            BpfArgumentException a = assertThrows(BpfArgumentException.class,
                    () -> SocketFilterLink.attach(xdp, rx.fd()));
            assertTrue(a.getMessage().contains("runs socket_filter programs, this one is xdp"), a.getMessage());

            for (int i = 0; i < 3; i++) failAll(drop, xdp, notASocket, rx);
            dev.ebpf4j.testkit.OpenFiles.Snapshot before = dev.ebpf4j.testkit.OpenFiles.snapshot();
            for (int i = 0; i < 20; i++) failAll(drop, xdp, notASocket, rx);
            assertEquals(java.util.Map.of(), before.openedSince(), "failing attaches must not leak descriptors");
        }
    }

    private static void failAll(Program drop, Program xdp, BpfMap notASocket, LoopbackUdpSocket rx) {
        assertThrows(BpfException.class, () -> SocketFilterLink.attach(drop, notASocket.fd()));
        assertThrows(BpfException.class, () -> SocketFilterLink.attach(drop, 999_999));
        assertThrows(BpfException.class, () -> SocketFilterLink.attach(xdp, rx.fd()));
    }
}
