package dev.ebpf4j.link;

import dev.ebpf4j.BpfArgumentException;
import dev.ebpf4j.BpfException;
import dev.ebpf4j.BpfMap;
import dev.ebpf4j.Errno;
import dev.ebpf4j.LinkType;
import dev.ebpf4j.Program;
import dev.ebpf4j.ProgramSpec;
import dev.ebpf4j.ProgramType;
import dev.ebpf4j.asm.Asm;
import dev.ebpf4j.internal.netlink.NetlinkSocket;
import dev.ebpf4j.internal.netlink.XdpNetlink;
import dev.ebpf4j.testkit.KernelTest;
import dev.ebpf4j.testkit.NetworkNamespace;
import dev.ebpf4j.testkit.Shell;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static dev.ebpf4j.asm.Register.R0;
import static dev.ebpf4j.link.PacketPrograms.*;
import static org.junit.jupiter.api.Assertions.*;

@KernelTest
class XdpLinkKernelTest {

    private static XdpNetlink.State xdpState(int ifindex, String ifname) {
        try (NetlinkSocket nl = NetlinkSocket.openRoute()) {
            return XdpNetlink.query(nl, ifindex, ifname);
        }
    }

    @Test
    void genericModeLinkCountsPingsAndDetachesOnClose() {
        try (NetworkNamespace ns = NetworkNamespace.create();
             BpfMap counts = counters("xdp_generic");
             Program prog = xdpIcmpCounter(counts, ICMP_ECHO_REQUEST)) {
            int ifindex = ns.hostIfindex();
            try (XdpLink link = XdpLink.attach(prog, ns.hostInterface(), XdpLink.Mode.GENERIC)) {
                assertEquals(XdpLink.Mechanism.BPF_LINK, link.mechanism());
                assertEquals(XdpLink.Mode.GENERIC, link.mode());
                assertEquals(ifindex, link.ifindex());
                assertTrue(link.describe().startsWith("xdp on " + ns.hostInterface() + " (ifindex " + ifindex
                        + ", generic mode, bpf_link) → program 'xdp_icmp'"), link.describe());
                LinkInfo info = link.info().orElseThrow();
                assertEquals(LinkType.XDP, info.type());
                assertEquals(prog.id(), info.programId());
                assertEquals(ifindex, info.details().get("ifindex"));
                assertEquals(prog.id(), xdpState(ifindex, ns.hostInterface()).genericProgramId());

                String out = ns.pingFromPeer(3);
                assertTrue(out.contains("3 received"), out);
                assertEquals(3, read(counts, 0), "ICMP echo requests seen by XDP");
            }
            assertFalse(xdpState(ifindex, ns.hostInterface()).any(), "closing the link detaches the program");
            ns.pingFromPeer(2);
            assertEquals(3, read(counts, 0), "no counting after close");
        }
    }

    @Test
    void driverModeOnVethCountsPings() {
        try (NetworkNamespace ns = NetworkNamespace.create();
             BpfMap counts = counters("xdp_drv");
             Program prog = xdpIcmpCounter(counts, ICMP_ECHO_REQUEST);
             XdpLink link = XdpLink.attach(prog, ns.hostIfindex(), XdpLink.Mode.DRIVER)) {
            assertEquals(XdpLink.Mode.DRIVER, link.mode());
            assertEquals(prog.id(), xdpState(ns.hostIfindex(), ns.hostInterface()).driverProgramId());
            String out = ns.pingFromPeer(4);
            assertTrue(out.contains("4 received"), out);
            assertEquals(4, read(counts, 0));
        }
    }

    @Test
    void defaultModeLetsTheKernelChooseDriverModeOnVeth() {
        try (NetworkNamespace ns = NetworkNamespace.create();
             BpfMap counts = counters("xdp_auto");
             Program prog = xdpIcmpCounter(counts, ICMP_ECHO_REQUEST);
             XdpLink link = XdpLink.attach(prog, ns.hostInterface())) {
            assertEquals(XdpLink.Mode.DRIVER, link.mode(), "veth has native XDP, which the kernel prefers");
            assertTrue(link.describe().contains("driver mode, bpf_link"), link.describe());
        }
    }

    @Test
    void netlinkPathCountsPingsAndDetachesOnlyItsOwnProgram() {
        try (NetworkNamespace ns = NetworkNamespace.create();
             BpfMap counts = counters("xdp_nl");
             Program prog = xdpIcmpCounter(counts, ICMP_ECHO_REQUEST)) {
            int ifindex = ns.hostIfindex();
            XdpLink link = XdpLink.attachWithNetlink(prog, ifindex, XdpLink.Mode.GENERIC);
            try {
                assertEquals(XdpLink.Mechanism.NETLINK, link.mechanism());
                assertEquals(XdpLink.Mode.GENERIC, link.mode());
                assertTrue(link.info().isEmpty());
                assertTrue(link.describe().contains("generic mode, netlink"), link.describe());
                BpfException pin = assertThrows(BpfException.class, () -> link.pin(uniquePin("xdpnl")));
                assertTrue(pin.getMessage().contains("creates no kernel link object"), pin.getMessage());
                ns.pingFromPeer(3);
                assertEquals(3, read(counts, 0));
            } finally {
                link.close();
            }
            assertFalse(xdpState(ifindex, ns.hostInterface()).any());
            link.close(); // idempotent
        }
    }

    @Test
    void netlinkCloseLeavesAProgramSomeoneElseAttachedInItsPlace() throws Exception {
        try (NetworkNamespace ns = NetworkNamespace.create();
             BpfMap counts = counters("xdp_repl");
             Program ours = xdpIcmpCounter(counts, ICMP_ECHO_REQUEST);
             Program theirs = Program.load(ProgramSpec.builder(ProgramType.XDP).name("theirs")
                     .instructions(new Asm().mov64(R0, XDP_PASS).exit().build()).build())) {
            int ifindex = ns.hostIfindex();
            Path pin = uniquePin("theirs");
            try (XdpLink link = XdpLink.attachWithNetlink(ours, ifindex, XdpLink.Mode.GENERIC)) {
                theirs.pin(pin);
                // another tool replaces our program (ip -force replaces whatever is attached)
                Shell.run("ip", "-force", "link", "set", "dev", ns.hostInterface(), "xdpgeneric", "pinned",
                        pin.toString());
                assertEquals(theirs.id(), xdpState(ifindex, ns.hostInterface()).genericProgramId());
            } finally {
                Files.deleteIfExists(pin);
            }
            assertEquals(theirs.id(), xdpState(ifindex, ns.hostInterface()).genericProgramId(),
                    "closing our attachment must not detach the program that replaced it");
            Shell.run("ip", "link", "set", "dev", ns.hostInterface(), "xdpgeneric", "off");
        }
    }

    @Test
    void attachingWhereAProgramIsAttachedNamesIt() {
        try (NetworkNamespace ns = NetworkNamespace.create();
             BpfMap counts = counters("xdp_busy");
             Program first = xdpIcmpCounter(counts, ICMP_ECHO_REQUEST);
             Program second = Program.load(ProgramSpec.builder(ProgramType.XDP).name("second")
                     .instructions(new Asm().mov64(R0, XDP_PASS).exit().build()).build())) {
            int ifindex = ns.hostIfindex();
            try (XdpLink link = XdpLink.attach(first, ifindex, XdpLink.Mode.GENERIC)) {
                int linkId = link.info().orElseThrow().id();
                BpfException e = assertThrows(BpfException.class,
                        () -> XdpLink.attach(second, ifindex, XdpLink.Mode.GENERIC));
                assertEquals(Errno.EBUSY, e.errno());
                assertTrue(e.getMessage().contains("XDP program 'xdp_icmp' (id " + first.id() + ") in generic mode "
                        + "through bpf_link id " + linkId + " is already attached there"), e.getMessage());
                assertTrue(e.getMessage().contains("never replaces"), e.getMessage());

                e = assertThrows(BpfException.class, () -> XdpLink.attachWithNetlink(second, ifindex,
                        XdpLink.Mode.GENERIC));
                assertTrue(e.getMessage().contains("'xdp_icmp' (id " + first.id() + ")"), e.getMessage());
                assertEquals(first.id(), xdpState(ifindex, ns.hostInterface()).genericProgramId());
            }
            try (XdpLink legacy = XdpLink.attachWithNetlink(first, ifindex, XdpLink.Mode.GENERIC)) {
                BpfException e = assertThrows(BpfException.class, () -> XdpLink.attach(second, ifindex));
                assertTrue(e.getMessage().contains("'xdp_icmp' (id " + first.id() + ") in generic mode through "
                        + "netlink (no bpf_link)"), e.getMessage());
                assertEquals(legacy.mode(), XdpLink.Mode.GENERIC);
            }
        }
    }

    @Test
    void pinnedLinkOutlivesCloseUntilDetached() throws Exception {
        Path pin = uniquePin("xdplink");
        try (NetworkNamespace ns = NetworkNamespace.create();
             BpfMap counts = counters("xdp_pin");
             Program prog = xdpIcmpCounter(counts, ICMP_ECHO_REQUEST)) {
            int ifindex = ns.hostIfindex();
            XdpLink link = XdpLink.attach(prog, ifindex, XdpLink.Mode.GENERIC);
            link.pin(pin);
            link.close();
            assertEquals(prog.id(), xdpState(ifindex, ns.hostInterface()).genericProgramId(), "the pin holds it");
            ns.pingFromPeer(2);
            assertEquals(2, read(counts, 0));
            new LinkFd(dev.ebpf4j.internal.sys.ObjectPins.open(pin, 0, "link"), "pinned xdp link").detach();
            assertFalse(xdpState(ifindex, ns.hostInterface()).any());
        } finally {
            Files.deleteIfExists(pin);
        }
    }

    @Test
    void updateReplacesTheProgramInPlace() {
        try (NetworkNamespace ns = NetworkNamespace.create();
             BpfMap counts = counters("xdp_upd");
             Program counting = xdpIcmpCounter(counts, ICMP_ECHO_REQUEST);
             Program pass = Program.load(ProgramSpec.builder(ProgramType.XDP).name("pass")
                     .instructions(new Asm().mov64(R0, XDP_PASS).exit().build()).build());
             XdpLink link = XdpLink.attach(pass, ns.hostIfindex(), XdpLink.Mode.GENERIC)) {
            ns.pingFromPeer(1);
            assertEquals(0, read(counts, 0));
            link.update(counting);
            assertEquals(counting.id(), link.info().orElseThrow().programId());
            ns.pingFromPeer(2);
            assertEquals(2, read(counts, 0));
        }
    }

    @Test
    void errorsNameTheInterfaceAndTheProgramType() {
        try (Program sock = Program.load(ProgramSpec.builder(ProgramType.SOCKET_FILTER).name("sf")
                .instructions(new Asm().mov64(R0, 0).exit().build()).build());
             Program xdp = Program.load(ProgramSpec.builder(ProgramType.XDP).name("x")
                     .instructions(new Asm().mov64(R0, XDP_PASS).exit().build()).build())) {
            String missing = "nosuch" + ProcessHandle.current().pid() % 10000;
            BpfException e = assertThrows(BpfException.class, () -> XdpLink.attach(xdp, missing));
            assertEquals(Errno.ENODEV, e.errno());
            assertTrue(e.getMessage().contains("no network interface named '" + missing + "'"), e.getMessage());
            e = assertThrows(BpfException.class, () -> XdpLink.attach(xdp, 999_999));
            assertTrue(e.getMessage().contains("no network interface with index 999999"), e.getMessage());
            BpfArgumentException a = assertThrows(BpfArgumentException.class, () -> XdpLink.attach(sock, "lo"));
            assertTrue(a.getMessage().contains("program 'sf' (socket_filter)")
                    && a.getMessage().contains("runs xdp programs"), a.getMessage());
            assertThrows(BpfArgumentException.class, () -> XdpLink.attach(xdp, "this-name-is-too-long-for-linux"));

            // no descriptor leaks on any failing path
            for (int i = 0; i < 3; i++) failAll(xdp, sock, missing);
            dev.ebpf4j.testkit.OpenFiles.Snapshot before = dev.ebpf4j.testkit.OpenFiles.snapshot();
            for (int i = 0; i < 20; i++) failAll(xdp, sock, missing);
            assertEquals(java.util.Map.of(), before.openedSince(), "failing attaches must not leak descriptors");
        }
    }

    private static void failAll(Program xdp, Program sock, String missing) {
        assertThrows(BpfException.class, () -> XdpLink.attach(xdp, missing));
        assertThrows(BpfException.class, () -> XdpLink.attach(sock, 1));
        assertThrows(BpfException.class, () -> XdpLink.attach(xdp, 999_999));
        assertThrows(BpfException.class, () -> XdpLink.attachWithNetlink(sock, 1, XdpLink.Mode.GENERIC));
    }
}
