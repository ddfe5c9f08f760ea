package dev.ebpf4j.objects;

import dev.ebpf4j.AttachOptions;
import dev.ebpf4j.BpfArgumentException;
import dev.ebpf4j.BpfObject;
import dev.ebpf4j.link.CgroupLink;
import dev.ebpf4j.link.Link;
import dev.ebpf4j.link.TcxLink;
import dev.ebpf4j.link.XdpLink;
import dev.ebpf4j.testkit.KernelTest;
import dev.ebpf4j.testkit.NetworkNamespace;
import dev.ebpf4j.testkit.TestCgroup;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** XDP, tcx and cgroup programs attached from their sections (loader_net.bpf.c, loader_tcx.bpf.c). */
@KernelTest
class ObjectNetKernelTest {

    @Test
    void xdpAndCgroupProgramsAttachWithAnInterfaceAndACgroup() {
        try (NetworkNamespace ns = NetworkNamespace.create(); TestCgroup cg = TestCgroup.create();
             BpfObject obj = BpfObject.load(Corpus.spec("loader_net"))) {
            BpfArgumentException e = assertThrows(BpfArgumentException.class, () -> obj.attachAll());
            assertTrue(e.getMessage().contains("needs a network interface"), e.getMessage());
            assertTrue(obj.links().isEmpty());

            List<Link> links = obj.attachAll(AttachOptions.NONE.interfaceName(ns.hostInterface()).cgroup(cg.path()));
            assertInstanceOf(XdpLink.class, links.get(0));
            assertInstanceOf(CgroupLink.class, links.get(1));
            String out = ns.pingFromPeer(3);
            assertTrue(out.contains("3 received"), out);
            assertTrue(obj.variable("xdp_packets").getLong() >= 3, "XDP saw the pings");
            assertEquals(0, cg.runInside("ping -c 2 -i 0.2 -W 1 127.0.0.1 >/dev/null 2>&1").exitCode());
            assertTrue(obj.variable("egress_packets").getLong() >= 2, "cgroup egress saw the pings");
        }
    }

    @Test
    void tcxProgramAttachesToTheInterfaceByIndex() {
        try (NetworkNamespace ns = NetworkNamespace.create();
             BpfObject obj = BpfObject.load(Corpus.spec("loader_tcx"))) {
            Link l = obj.attach("count_tcx", AttachOptions.NONE.ifindex(ns.hostIfindex()));
            assertInstanceOf(TcxLink.class, l);
            String out = ns.pingFromPeer(3);
            assertTrue(out.contains("3 received"), out);
            assertTrue(obj.variable("tcx_packets").getLong() >= 3, "tcx ingress saw the pings");
            obj.close();
            assertThrows(dev.ebpf4j.ClosedException.class, () -> obj.attach("count_tcx"));
        }
    }
}
