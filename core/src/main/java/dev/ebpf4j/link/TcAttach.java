package dev.ebpf4j.link;

import dev.ebpf4j.NotSupportedException;
import dev.ebpf4j.Program;
import dev.ebpf4j.internal.netlink.NetworkInterfaces;

/**
 * Attaches a tc ({@code sched_cls}) program the best way the kernel offers: a {@link TcxLink} where tcx exists
 * (Linux 6.6+), otherwise a {@link TcNetlinkLink} (a direct-action filter on a clsact qdisc, which never disturbs
 * qdiscs or filters others created). The returned link's {@link Link#describe()} says which was used; so does its
 * class.
 *
 * <pre>{@code
 * try (Link l = TcAttach.attach(prog, "eth0", TcDirection.INGRESS)) {
 *     System.out.println(l.describe());   // "tcx ingress on eth0 ..." or "tc clsact ingress filter on eth0 (..., netlink, ...)"
 *     if (l instanceof TcNetlinkLink f) System.out.println("fell back to a filter at priority " + f.priority());
 * }
 * }</pre>
 */
public final class TcAttach {
    private TcAttach() {
    }

    /** Attaches {@code prog} to interface {@code ifname} in {@code direction}. */
    public static Link attach(Program prog, String ifname, TcDirection direction) {
        return attach(prog, NetworkInterfaces.indexOf(ifname), direction);
    }

    /** Attaches {@code prog} to interface {@code ifindex} in {@code direction}. */
    public static Link attach(Program prog, int ifindex, TcDirection direction) {
        if (LinkSupport.tcxSupported()) {
            try {
                return TcxLink.attach(prog, ifindex, direction);
            } catch (NotSupportedException e) {
                // tcx turned out to be missing after all: fall through to netlink
            }
        }
        return TcNetlinkLink.attach(prog, ifindex, direction);
    }

    /** True when the running kernel has tcx, i.e. {@link #attach} will return a {@link TcxLink}. */
    public static boolean tcxAvailable() {
        return LinkSupport.tcxSupported();
    }
}
