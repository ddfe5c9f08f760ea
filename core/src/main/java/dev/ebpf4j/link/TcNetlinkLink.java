package dev.ebpf4j.link;

import dev.ebpf4j.BpfArgumentException;
import dev.ebpf4j.BpfException;
import dev.ebpf4j.Errno;
import dev.ebpf4j.Program;
import dev.ebpf4j.ProgramType;
import dev.ebpf4j.internal.netlink.NetlinkErrors;
import dev.ebpf4j.internal.netlink.NetlinkSocket;
import dev.ebpf4j.internal.netlink.NetworkInterfaces;
import dev.ebpf4j.internal.netlink.Rtnl;
import dev.ebpf4j.internal.netlink.TrafficControl;

import java.util.List;

/**
 * A {@code sched_cls} program attached the classic way, as a direct-action {@code bpf} filter on an interface's
 * {@code clsact} qdisc, made over rtnetlink: what tc-based tools did before tcx (Linux 6.6), and what
 * {@link TcAttach} falls back to. It touches only what it made: the qdisc is created only when the interface has
 * none, and on close only this filter is deleted, then the qdisc too if this link created it and no filter is left.
 * Filters and qdiscs others made are never deleted. The program returns {@code TC_ACT_OK} (0) to accept,
 * {@code TC_ACT_SHOT} (2) to drop. A filter is not tied to a descriptor: if the process ends without closing this
 * object, the filter stays until removed ({@code tc filter del dev IF ingress pref P handle H bpf}).
 *
 * <pre>{@code
 * try (TcNetlinkLink l = TcNetlinkLink.attach(prog, "eth0", TcDirection.EGRESS)) {
 *     System.out.println(l.describe());   // tc clsact egress filter on eth0 (..., priority 49152, handle 0x1) → ...
 * }
 * }</pre>
 */
public final class TcNetlinkLink extends SelfDetachingLink {
    private final int ifindex;
    private final String ifname;
    private final TcDirection direction;
    private final int priority;
    private final int handle;
    private final int programId;
    private final boolean createdQdisc;

    private TcNetlinkLink(int ifindex, String ifname, TcDirection direction, int priority, int handle, int programId,
                          boolean createdQdisc, String what) {
        super(null, what, "a netlink tc filter");
        this.ifindex = ifindex;
        this.ifname = ifname;
        this.direction = direction;
        this.priority = priority;
        this.handle = handle;
        this.programId = programId;
        this.createdQdisc = createdQdisc;
    }

    /** Attaches {@code prog} on {@code ifname}, letting the kernel choose priority and handle. */
    public static TcNetlinkLink attach(Program prog, String ifname, TcDirection direction) {
        return attach(prog, NetworkInterfaces.indexOf(ifname), direction, 0, 0);
    }

    /** Attaches {@code prog} on {@code ifindex}, letting the kernel choose priority and handle. */
    public static TcNetlinkLink attach(Program prog, int ifindex, TcDirection direction) {
        return attach(prog, ifindex, direction, 0, 0);
    }

    /**
     * Attaches {@code prog} on {@code ifindex} at filter {@code priority} (1..65535, lower runs first) and
     * {@code handle}; 0 for either lets the kernel choose. Fails rather than replace a filter at the same place.
     */
    public static TcNetlinkLink attach(Program prog, int ifindex, TcDirection direction, int priority, int handle) {
        if (priority < 0 || priority > 0xFFFF) {
            throw new BpfArgumentException("tc filter priority " + priority + " is out of range (1..65535, or 0 to "
                    + "let the kernel choose)");
        }
        String ifname = NetworkInterfaces.nameOf(ifindex);
        String where = "tc clsact " + direction.label() + " filter on " + ifname + " (ifindex " + ifindex + ")";
        LinkSupport.requireType(prog, ProgramType.SCHED_CLS, where);
        String attaching = "attaching " + prog.describe() + " as " + where;
        int programId = prog.id();
        try (NetlinkSocket nl = NetlinkSocket.openRoute()) {
            boolean created = ensureClsact(nl, ifindex, ifname, attaching);
            TrafficControl.AddedFilter added;
            try {
                added = TrafficControl.addBpfFilter(nl, ifindex, direction.clsactParent(), priority, handle,
                        prog.fd(), filterName(prog), true, ifname);
                if (!added.answer().ok()) throw filterError(added.answer(), attaching, priority, handle);
            } catch (RuntimeException e) {
                if (created) removeQdiscIfUnused(nl, ifindex, ifname);
                throw e;
            }
            TrafficControl.Filter f = added.filter();
            if (f == null || f.priority() == 0 || f.handle() == 0) f = find(nl, ifindex, direction, programId, ifname);
            if (f == null) {
                if (created) removeQdiscIfUnused(nl, ifindex, ifname);
                throw new BpfException(attaching + ": the kernel accepted the filter but it cannot be found again; "
                        + "check `tc filter show dev " + ifname + " " + direction.label() + "`");
            }
            String what = "tc clsact " + direction.label() + " filter on " + ifname + " (ifindex " + ifindex
                    + ", netlink, priority " + f.priority() + ", handle 0x" + Integer.toHexString(f.handle())
                    + (created ? ", qdisc created by ebpf4j" : "") + ") → " + prog.describe();
            return new TcNetlinkLink(ifindex, ifname, direction, f.priority(), f.handle(), programId, created, what);
        }
    }

    private static String filterName(Program prog) {
        String n = prog.name();
        return (n == null || n.isEmpty() ? "ebpf4j" : n) + "[ebpf4j]";
    }

    /** Makes sure a clsact qdisc exists; true when this call created it. */
    private static boolean ensureClsact(NetlinkSocket nl, int ifindex, String ifname, String attaching) {
        for (TrafficControl.Qdisc q : TrafficControl.qdiscs(nl, ifindex)) {
            if (q.isClsact()) return false;
            if (q.parent() == Rtnl.TC_H_CLSACT) {
                throw new BpfException(attaching + " failed: " + ifname + " has an '" + q.kind() + "' qdisc where "
                        + "clsact would go; ebpf4j does not replace qdiscs it did not create. Use tcx (Linux 6.6+), "
                        + "or remove it with `tc qdisc del dev " + ifname + " " + q.kind() + "`", Errno.EEXIST.number());
            }
        }
        NetlinkSocket.Answer a = TrafficControl.addClsact(nl, ifindex, ifname);
        if (a.ok()) return true;
        if (a.errno() == Errno.EEXIST.number()) return false; // someone added it meanwhile: it is theirs
        throw NetlinkErrors.of(attaching + ": adding a clsact qdisc", a.errno(), a.kernelMessage());
    }

    private static BpfException filterError(NetlinkSocket.Answer a, String attaching, int priority, int handle) {
        if (a.errno() == Errno.EEXIST.number()) {
            return new BpfException(attaching + " failed: a filter with priority " + priority + " and handle 0x"
                    + Integer.toHexString(handle) + " already exists there; choose another priority or handle, or "
                    + "pass 0 to let the kernel choose", a.errno());
        }
        if (a.errno() == Errno.ENOENT.number() || a.errno() == Errno.EOPNOTSUPP.number()) {
            return NetlinkErrors.of(attaching + " (is the kernel built with cls_bpf, CONFIG_NET_CLS_BPF?)",
                    a.errno(), a.kernelMessage());
        }
        return NetlinkErrors.of(attaching, a.errno(), a.kernelMessage());
    }

    private static TrafficControl.Filter find(NetlinkSocket nl, int ifindex, TcDirection direction, int programId,
                                              String ifname) {
        List<TrafficControl.Filter> fs = TrafficControl.filters(nl, ifindex, direction.clsactParent(), ifname);
        for (TrafficControl.Filter f : fs) {
            if ("bpf".equals(f.kind()) && f.bpfProgramId() == programId) return f;
        }
        return null;
    }

    /** Deletes the clsact qdisc when neither direction has a filter left. */
    private static void removeQdiscIfUnused(NetlinkSocket nl, int ifindex, String ifname) {
        int in = Rtnl.tcHandle(Rtnl.TC_H_CLSACT, Rtnl.TC_H_MIN_INGRESS);
        int out = Rtnl.tcHandle(Rtnl.TC_H_CLSACT, Rtnl.TC_H_MIN_EGRESS);
        if (!TrafficControl.filters(nl, ifindex, in, ifname).isEmpty()) return;
        if (!TrafficControl.filters(nl, ifindex, out, ifname).isEmpty()) return;
        NetlinkSocket.Answer a = TrafficControl.deleteClsact(nl, ifindex, ifname);
        if (!a.ok() && a.errno() != Errno.ENOENT.number() && a.errno() != Errno.EINVAL.number()
                && a.errno() != Errno.ENODEV.number()) {
            throw NetlinkErrors.of("deleting the clsact qdisc ebpf4j created on " + ifname, a.errno(),
                    a.kernelMessage());
        }
    }

    public int ifindex() {
        return ifindex;
    }

    public String interfaceName() {
        return ifname;
    }

    public TcDirection direction() {
        return direction;
    }

    /** The filter's priority (chosen by the kernel when 0 was asked for). */
    public int priority() {
        return priority;
    }

    /** The filter's handle (chosen by the kernel when 0 was asked for). */
    public int handle() {
        return handle;
    }

    /** True when this link created the clsact qdisc (and so removes it on close when no filter is left). */
    public boolean createdQdisc() {
        return createdQdisc;
    }

    /**
     * Deletes this filter (only if it still runs this link's program) and then the clsact qdisc if this link created
     * it and no filter is left on it. An interface that is gone is fine.
     */
    @Override
    void detachWithoutLink() {
        try (NetlinkSocket nl = NetlinkSocket.openRoute()) {
            List<TrafficControl.Filter> fs;
            try {
                fs = TrafficControl.filters(nl, ifindex, direction.clsactParent(), ifname);
            } catch (BpfException e) {
                if (gone(e.errnoValue())) return;
                throw e.withContext("detaching " + what);
            }
            for (TrafficControl.Filter f : fs) {
                if (f.priority() == priority && f.handle() == handle && "bpf".equals(f.kind())
                        && f.bpfProgramId() == programId) {
                    NetlinkSocket.Answer a = TrafficControl.deleteFilter(nl, ifindex, direction.clsactParent(),
                            priority, f.protocol(), handle, "bpf", ifname);
                    if (!a.ok() && !gone(a.errno())) {
                        throw NetlinkErrors.of("detaching " + what, a.errno(), a.kernelMessage());
                    }
                }
            }
            if (createdQdisc) removeQdiscIfUnused(nl, ifindex, ifname);
        }
    }

    private static boolean gone(int errno) {
        return errno == Errno.ENODEV.number() || errno == Errno.ENOENT.number() || errno == Errno.EINVAL.number();
    }
}
