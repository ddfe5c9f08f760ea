package dev.ebpf4j.link;

import dev.ebpf4j.BpfException;
import dev.ebpf4j.BpfMap;
import dev.ebpf4j.Errno;
import dev.ebpf4j.Program;
import dev.ebpf4j.testkit.KernelTest;
import dev.ebpf4j.testkit.NetworkNamespace;
import dev.ebpf4j.testkit.Shell;
import org.junit.jupiter.api.Test;

import static dev.ebpf4j.link.PacketPrograms.*;
import static org.junit.jupiter.api.Assertions.*;

/** The clsact fallback, forced; {@code tc} (iproute2) is the oracle for what is left on the interface. */
@KernelTest
class TcNetlinkLinkKernelTest {
    /** A classic-BPF filter made with tc, standing for someone else's filter. */
    private static void addForeignFilter(String dev, String direction, int prio, int handle) {
        Shell.run("tc", "filter", "add", "dev", dev, direction, "prio", Integer.toString(prio), "handle",
                Integer.toString(handle), "bpf", "bytecode", "1,6 0 0 0,");
    }

    private static String filters(String dev, String direction) {
        return Shell.run("tc", "filter", "show", "dev", dev, direction);
    }

    private static String qdiscs(String dev) {
        return Shell.run("tc", "qdisc", "show", "dev", dev);
    }

    @Test
    void createsClsactCountsAndRemovesEverythingItMade() {
        try (NetworkNamespace ns = NetworkNamespace.create();
             BpfMap in = counters("nl_in");
             Program p = tcIcmpCounter(in, ICMP_ECHO_REQUEST, "nl_req")) {
            String dev = ns.hostInterface();
            assertFalse(qdiscs(dev).contains("clsact"));
            try (TcNetlinkLink link = TcNetlinkLink.attach(p, dev, TcDirection.INGRESS)) {
                assertTrue(link.createdQdisc());
                assertTrue(link.priority() > 0 && link.handle() != 0);
                assertTrue(link.info().isEmpty());
                assertTrue(link.describe().startsWith("tc clsact ingress filter on " + dev + " (ifindex "
                        + ns.hostIfindex() + ", netlink, priority " + link.priority() + ", handle 0x"
                        + Integer.toHexString(link.handle()) + ", qdisc created by ebpf4j) → program 'nl_req'"),
                        link.describe());
                assertTrue(qdiscs(dev).contains("qdisc clsact ffff: parent ffff:fff1"), qdiscs(dev));
                String f = filters(dev, "ingress");
                assertTrue(f.contains("pref " + link.priority() + " bpf") && f.contains("handle 0x"
                        + Integer.toHexString(link.handle()) + " nl_req[ebpf4j]") && f.contains("direct-action"), f);
                BpfException pin = assertThrows(BpfException.class, () -> link.pin(uniquePin("tcnl")));
                assertTrue(pin.getMessage().contains("netlink tc filter"), pin.getMessage());

                ns.pingFromPeer(3);
                assertEquals(3, read(in, 0));
            }
            assertEquals("", filters(dev, "ingress").trim());
            assertFalse(qdiscs(dev).contains("clsact"), "the clsact qdisc ebpf4j created is removed");
            ns.pingFromPeer(1);
            assertEquals(3, read(in, 0));
        }
    }

    @Test
    void leavesAPreexistingQdiscAndForeignFilterUntouched() {
        try (NetworkNamespace ns = NetworkNamespace.create();
             BpfMap out = counters("nl_out");
             Program p = tcIcmpCounter(out, ICMP_ECHO_REPLY, "nl_rep")) {
            String dev = ns.hostInterface();
            Shell.run("tc", "qdisc", "add", "dev", dev, "clsact");
            addForeignFilter(dev, "egress", 10, 7);
            try (TcNetlinkLink link = TcNetlinkLink.attach(p, ns.hostIfindex(), TcDirection.EGRESS)) {
                assertFalse(link.createdQdisc());
                assertFalse(link.describe().contains("qdisc created"), link.describe());
                ns.pingFromPeer(2);
                assertEquals(2, read(out, 0), "echo replies at egress");
                String f = filters(dev, "egress");
                assertTrue(f.contains("handle 0x7") && f.contains("nl_rep[ebpf4j]"), f);
            }
            String f = filters(dev, "egress");
            assertTrue(f.contains("pref 10 bpf") && f.contains("handle 0x7 not_in_hw bytecode '1,6 0 0 0'"), f);
            assertFalse(f.contains("ebpf4j"), f);
            assertTrue(qdiscs(dev).contains("clsact"), "a qdisc ebpf4j did not create stays");
        }
    }

    @Test
    void keepsItsOwnQdiscWhileSomeoneElsesFilterUsesIt() {
        try (NetworkNamespace ns = NetworkNamespace.create();
             BpfMap in = counters("nl_keep");
             Program p = tcIcmpCounter(in, ICMP_ECHO_REQUEST, "nl_keep")) {
            String dev = ns.hostInterface();
            try (TcNetlinkLink link = TcNetlinkLink.attach(p, dev, TcDirection.INGRESS)) {
                assertTrue(link.createdQdisc());
                addForeignFilter(dev, "egress", 20, 9);
            }
            assertEquals("", filters(dev, "ingress").trim());
            assertTrue(filters(dev, "egress").contains("handle 0x9"));
            assertTrue(qdiscs(dev).contains("clsact"), "the qdisc still carries someone else's filter");
        }
    }

    @Test
    void explicitPriorityAndHandleAndNoReplacing() {
        try (NetworkNamespace ns = NetworkNamespace.create();
             BpfMap in = counters("nl_prio");
             Program p = tcIcmpCounter(in, ICMP_ECHO_REQUEST, "nl_prio");
             Program q = tcIcmpCounter(in, ICMP_ECHO_REQUEST, "nl_other")) {
            String dev = ns.hostInterface();
            int ifindex = ns.hostIfindex();
            try (TcNetlinkLink link = TcNetlinkLink.attach(p, ifindex, TcDirection.INGRESS, 5, 3)) {
                assertEquals(5, link.priority());
                assertEquals(3, link.handle());
                assertTrue(filters(dev, "ingress").contains("pref 5 bpf chain 0 handle 0x3 nl_prio[ebpf4j]"),
                        filters(dev, "ingress"));
                BpfException e = assertThrows(BpfException.class,
                        () -> TcNetlinkLink.attach(q, ifindex, TcDirection.INGRESS, 5, 3));
                assertEquals(Errno.EEXIST, e.errno());
                assertTrue(e.getMessage().contains("a filter with priority 5 and handle 0x3 already exists"),
                        e.getMessage());
                try (TcNetlinkLink second = TcNetlinkLink.attach(q, ifindex, TcDirection.INGRESS)) {
                    assertFalse(second.createdQdisc());
                    assertNotEquals(5, second.priority());
                }
                assertTrue(filters(dev, "ingress").contains("nl_prio[ebpf4j]"), "closing the second keeps the first");
                assertFalse(filters(dev, "ingress").contains("nl_other"));
            }
            assertFalse(qdiscs(dev).contains("clsact"));
        }
    }

    @Test
    void refusesToReplaceAnIngressQdisc() {
        try (NetworkNamespace ns = NetworkNamespace.create();
             BpfMap in = counters("nl_ingq");
             Program p = tcIcmpCounter(in, ICMP_ECHO_REQUEST, "nl_ingq")) {
            String dev = ns.hostInterface();
            Shell.run("tc", "qdisc", "add", "dev", dev, "ingress");
            BpfException e = assertThrows(BpfException.class, () -> TcNetlinkLink.attach(p, dev, TcDirection.INGRESS));
            assertTrue(e.getMessage().contains("has an 'ingress' qdisc where clsact would go"), e.getMessage());
            assertTrue(qdiscs(dev).contains("qdisc ingress ffff:"), qdiscs(dev));
        }
    }
}
