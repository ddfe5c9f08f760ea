package dev.ebpf4j.link;

import dev.ebpf4j.AttachType;
import dev.ebpf4j.BpfArgumentException;
import dev.ebpf4j.BpfException;
import dev.ebpf4j.BpfMap;
import dev.ebpf4j.Errno;
import dev.ebpf4j.LinkType;
import dev.ebpf4j.Program;
import dev.ebpf4j.ProgramSpec;
import dev.ebpf4j.ProgramType;
import dev.ebpf4j.asm.Asm;
import dev.ebpf4j.internal.sys.ObjectPins;
import dev.ebpf4j.testkit.KernelTest;
import dev.ebpf4j.testkit.NetworkNamespace;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.ebpf4j.asm.Register.R0;
import static dev.ebpf4j.link.PacketPrograms.*;
import static org.junit.jupiter.api.Assertions.*;

@KernelTest
class TcxLinkKernelTest {

    private static Program tcNext(String name) {
        // TCX_NEXT (-1): let the next program in the chain decide
        return Program.load(ProgramSpec.builder(ProgramType.SCHED_CLS).name(name)
                .instructions(new Asm().mov64(R0, -1).exit().build()).build());
    }

    @Test
    void ingressAndEgressCountPingsAndStopOnClose() {
        try (NetworkNamespace ns = NetworkNamespace.create();
             BpfMap in = counters("tcx_in");
             BpfMap out = counters("tcx_out");
             Program requests = tcIcmpCounter(in, ICMP_ECHO_REQUEST, "tcx_req");
             Program replies = tcIcmpCounter(out, ICMP_ECHO_REPLY, "tcx_rep")) {
            int ifindex = ns.hostIfindex();
            try (TcxLink ingress = TcxLink.attach(requests, ns.hostInterface(), TcDirection.INGRESS);
                 TcxLink egress = TcxLink.attach(replies, ifindex, TcDirection.EGRESS)) {
                assertEquals("tcx ingress on " + ns.hostInterface() + " (ifindex " + ifindex + ") → "
                        + requests.describe(), ingress.describe());
                LinkInfo info = ingress.info().orElseThrow();
                assertEquals(LinkType.TCX, info.type());
                assertEquals(requests.id(), info.programId());
                assertEquals(ifindex, info.details().get("ifindex"));
                assertEquals(AttachType.TCX_INGRESS, info.attachType().orElseThrow());
                assertEquals(AttachType.TCX_EGRESS, egress.info().orElseThrow().attachType().orElseThrow());

                String pings = ns.pingFromPeer(3);
                assertTrue(pings.contains("3 received"), pings);
                assertEquals(3, read(in, 0), "echo requests at ingress");
                assertEquals(3, read(out, 0), "echo replies at egress");

                AttachedPrograms q = TcxLink.query(ifindex, TcDirection.INGRESS);
                assertEquals(List.of(requests.id()), q.programIds());
                assertEquals(List.of(info.id()), q.linkIds());
                assertTrue(q.revision() > 0);
            }
            assertTrue(TcxLink.query(ifindex, TcDirection.INGRESS).programIds().isEmpty());
            ns.pingFromPeer(1);
            assertEquals(3, read(in, 0), "no counting after close");
        }
    }

    @Test
    void orderingOptionsPlaceProgramsInTheChain() {
        try (NetworkNamespace ns = NetworkNamespace.create();
             Program a = tcNext("a"); Program b = tcNext("b"); Program c = tcNext("c"); Program d = tcNext("d");
             Program e = tcNext("e")) {
            int ifindex = ns.hostIfindex();
            TcDirection in = TcDirection.INGRESS;
            try (TcxLink la = TcxLink.attach(a, ifindex, in);
                 TcxLink lb = TcxLink.attach(b, ifindex, in, AttachOrder.before(la));
                 TcxLink lc = TcxLink.attach(c, ifindex, in, AttachOrder.first());
                 TcxLink ld = TcxLink.attach(d, ifindex, in, AttachOrder.afterProgramId(b.id()));
                 TcxLink le = TcxLink.attach(e, ifindex, in, AttachOrder.beforeLinkId(la.id()))) {
                AttachedPrograms q = TcxLink.query(ifindex, in);
                assertEquals(List.of(c.id(), b.id(), d.id(), e.id(), a.id()), q.programIds());
                assertEquals(List.of(lc.id(), lb.id(), ld.id(), le.id(), la.id()), q.linkIds());
                assertTrue(lb.describe().endsWith(", before " + la.describe()), lb.describe());

                // a stale revision is refused with both revisions named
                long stale = q.revision() - 1;
                try (Program f = tcNext("f")) {
                    BpfException ex = assertThrows(BpfException.class,
                            () -> TcxLink.attach(f, ifindex, in, AttachOrder.last().expectRevision(stale)));
                    assertTrue(ex.getMessage().contains("expected revision " + stale + ", it is now at "
                            + q.revision()), ex.getMessage());
                    try (TcxLink lf = TcxLink.attach(f, ifindex, in, AttachOrder.after(a).expectRevision(q.revision()))) {
                        assertEquals(f.id(), TcxLink.query(ifindex, in).programIds().get(5));
                    }
                    // relative to a program that is not attached here
                    try (Program g = tcNext("g")) {
                        ex = assertThrows(BpfException.class, () -> TcxLink.attach(g, ifindex, in, AttachOrder.before(f)));
                        assertEquals(Errno.ENOENT, ex.errno());
                        assertTrue(ex.getMessage().contains("is not attached at this hook"), ex.getMessage());
                    }
                }
                BpfException dup = assertThrows(BpfException.class, () -> TcxLink.attach(a, ifindex, in));
                assertTrue(dup.getMessage().contains("already attached at this hook"), dup.getMessage());
            }
        }
    }

    @Test
    void updateSwapsTheProgramAndPinKeepsTheLink() throws Exception {
        Path pin = uniquePin("tcx");
        try (NetworkNamespace ns = NetworkNamespace.create();
             BpfMap in = counters("tcx_upd");
             Program counting = tcIcmpCounter(in, ICMP_ECHO_REQUEST, "tcx_cnt");
             Program idle = tcNext("idle");
             Program xdp = xdpPass()) {
            int ifindex = ns.hostIfindex();
            TcxLink link = TcxLink.attach(idle, ifindex, TcDirection.INGRESS);
            try {
                link.update(counting);
                assertEquals(counting.id(), link.info().orElseThrow().programId());
                assertThrows(BpfArgumentException.class, () -> link.update(xdp));
                link.pin(pin);
            } finally {
                link.close();
            }
            ns.pingFromPeer(2);
            assertEquals(2, read(in, 0), "the pinned link still runs after close");
            new LinkFd(ObjectPins.open(pin, 0, "link"), "pinned tcx link").detach();
            assertTrue(TcxLink.query(ifindex, TcDirection.INGRESS).programIds().isEmpty());
        } finally {
            Files.deleteIfExists(pin);
        }
    }

    private static Program xdpPass() {
        return Program.load(ProgramSpec.builder(ProgramType.XDP).name("xp")
                .instructions(new Asm().mov64(R0, XDP_PASS).exit().build()).build());
    }

    @Test
    void facadeUsesTcxOnThisKernel() {
        try (NetworkNamespace ns = NetworkNamespace.create();
             BpfMap in = counters("tcx_facade");
             Program p = tcIcmpCounter(in, ICMP_ECHO_REQUEST, "facade");
             Link l = TcAttach.attach(p, ns.hostInterface(), TcDirection.INGRESS)) {
            assertTrue(TcAttach.tcxAvailable());
            assertInstanceOf(TcxLink.class, l);
            assertTrue(l.describe().startsWith("tcx ingress on " + ns.hostInterface()), l.describe());
            ns.pingFromPeer(2);
            assertEquals(2, read(in, 0));
        }
    }

    @Test
    void facadeFallsBackToAClsactFilterWithoutTcx() {
        try (NetworkNamespace ns = NetworkNamespace.create();
             BpfMap in = counters("tcx_fallback");
             Program p = tcIcmpCounter(in, ICMP_ECHO_REQUEST, "fallback")) {
            LinkSupport.overrideTcxProbe(false);
            try (Link l = TcAttach.attach(p, ns.hostIfindex(), TcDirection.INGRESS)) {
                assertInstanceOf(TcNetlinkLink.class, l);
                assertTrue(l.describe().startsWith("tc clsact ingress filter on " + ns.hostInterface())
                        && l.describe().contains("netlink"), l.describe());
                ns.pingFromPeer(2);
                assertEquals(2, read(in, 0));
            } finally {
                LinkSupport.overrideTcxProbe(null);
            }
            assertTrue(TcAttach.tcxAvailable(), "the real probe answers again");
        }
    }

    @Test
    void errorsNameTheProblem() {
        try (Program xdp = xdpPass(); Program tc = tcNext("t")) {
            BpfArgumentException a = assertThrows(BpfArgumentException.class,
                    () -> TcxLink.attach(xdp, "lo", TcDirection.EGRESS));
            assertTrue(a.getMessage().contains("as tcx egress on lo (ifindex 1)")
                    && a.getMessage().contains("runs sched_cls programs, this one is xdp"), a.getMessage());
            BpfException e = assertThrows(BpfException.class, () -> TcAttach.attach(tc, "nosuchif0", TcDirection.INGRESS));
            assertTrue(e.getMessage().contains("no network interface named 'nosuchif0'"), e.getMessage());
            e = assertThrows(BpfException.class, () -> TcNetlinkLink.attach(tc, 999_999, TcDirection.INGRESS));
            assertTrue(e.getMessage().contains("no network interface with index 999999"), e.getMessage());

            for (int i = 0; i < 3; i++) failAll(xdp, tc);
            dev.ebpf4j.testkit.OpenFiles.Snapshot before = dev.ebpf4j.testkit.OpenFiles.snapshot();
            for (int i = 0; i < 20; i++) failAll(xdp, tc);
            assertEquals(java.util.Map.of(), before.openedSince(), "failing attaches must not leak descriptors");
        }
    }

    private static void failAll(Program xdp, Program tc) {
        assertThrows(BpfException.class, () -> TcxLink.attach(xdp, 1, TcDirection.INGRESS));
        assertThrows(BpfException.class, () -> TcxLink.attach(tc, 999_999, TcDirection.INGRESS));
        assertThrows(BpfException.class, () -> TcNetlinkLink.attach(xdp, 1, TcDirection.INGRESS));
        assertThrows(BpfException.class, () -> TcAttach.attach(tc, "nosuchif0", TcDirection.INGRESS));
    }
}
