package dev.ebpf4j;

import dev.ebpf4j.link.BpfLink;
import dev.ebpf4j.link.CgroupLink;
import dev.ebpf4j.link.IterLink;
import dev.ebpf4j.link.KprobeLink;
import dev.ebpf4j.link.Link;
import dev.ebpf4j.link.PerfEventLink;
import dev.ebpf4j.link.RawTracepointLink;
import dev.ebpf4j.link.SocketFilterLink;
import dev.ebpf4j.link.StructOpsLink;
import dev.ebpf4j.link.TcNetlinkLink;
import dev.ebpf4j.link.TcxLink;
import dev.ebpf4j.link.TracepointLink;
import dev.ebpf4j.link.TracingLink;
import dev.ebpf4j.link.UprobeLink;
import dev.ebpf4j.link.UprobeMultiLink;
import dev.ebpf4j.link.UsdtLink;
import dev.ebpf4j.link.XdpLink;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sealed {@link Link} hierarchy seen from outside its package: a switch naming every kind compiles without a
 * default (so adding a kind breaks such switches loudly), and the kinds it names are exactly the final classes the
 * hierarchy permits.
 */
class LinkKindsSwitchTest {
    /** Exhaustive without a default: this only compiles while the named kinds cover {@link Link}. */
    static String kindOf(Link link) {
        return switch (link) {
            case TracepointLink l -> "tracepoint";
            case RawTracepointLink l -> "raw_tracepoint";
            case KprobeLink l -> "kprobe";
            case UprobeLink l -> "uprobe";
            case TracingLink l -> "tracing";
            case PerfEventLink l -> "perf_event";
            case IterLink l -> "iter";
            case XdpLink l -> "xdp";
            case TcxLink l -> "tcx";
            case TcNetlinkLink l -> "tc";
            case CgroupLink l -> "cgroup";
            case SocketFilterLink l -> "socket_filter";
            case UsdtLink l -> "usdt";
            case UprobeMultiLink l -> "uprobe_multi";
            case StructOpsLink l -> "struct_ops";
        };
    }

    /** The bpf_link-only kinds, switched over their own base. */
    static String bpfLinkKindOf(BpfLink link) {
        return switch (link) {
            case RawTracepointLink l -> "raw_tracepoint";
            case TracingLink l -> "tracing";
            case IterLink l -> "iter";
            case TcxLink l -> "tcx";
            case UprobeMultiLink l -> "uprobe_multi";
        };
    }

    @Test
    void theSwitchNamesExactlyThePermittedFinalKinds() {
        Set<String> leaves = new TreeSet<>();
        Deque<Class<?>> todo = new ArrayDeque<>();
        todo.add(Link.class);
        while (!todo.isEmpty()) {
            Class<?> c = todo.pop();
            if (c.isSealed()) {
                for (Class<?> sub : c.getPermittedSubclasses()) todo.add(sub);
            } else {
                assertTrue(Modifier.isFinal(c.getModifiers()), c + " should be final");
                assertTrue(Modifier.isPublic(c.getModifiers()), c + " should be public");
                leaves.add(c.getSimpleName());
            }
        }
        assertEquals(new TreeSet<>(Set.of("TracepointLink", "RawTracepointLink", "KprobeLink", "UprobeLink",
                "TracingLink", "PerfEventLink", "IterLink", "XdpLink", "TcxLink", "TcNetlinkLink", "CgroupLink",
                "SocketFilterLink", "UsdtLink", "UprobeMultiLink", "StructOpsLink")), leaves);
    }

    @Test
    void theBpfLinkKindsAreTheOnesAlwaysBackedByAKernelLink() {
        Set<String> kinds = new TreeSet<>();
        for (Class<?> c : BpfLink.class.getPermittedSubclasses()) kinds.add(c.getSimpleName());
        assertEquals(new TreeSet<>(Set.of("RawTracepointLink", "TracingLink", "IterLink", "TcxLink", "UprobeMultiLink")),
                kinds);
        assertTrue(Link.class.isAssignableFrom(BpfLink.class));
        assertTrue(BpfLink.class.isSealed());
        assertTrue(Modifier.isPublic(BpfLink.class.getModifiers()) && Modifier.isAbstract(BpfLink.class.getModifiers()));
    }
}
