package dev.ebpf4j.link;

import dev.ebpf4j.BpfException;
import dev.ebpf4j.Errno;
import dev.ebpf4j.NotSupportedException;
import dev.ebpf4j.Program;
import dev.ebpf4j.ProgramType;
import dev.ebpf4j.internal.netlink.NetworkInterfaces;
import dev.ebpf4j.internal.sys.Bpf;
import dev.ebpf4j.internal.sys.BpfCommand;
import dev.ebpf4j.internal.sys.Capabilities;
import dev.ebpf4j.internal.sys.Fd;

/**
 * A {@code sched_cls} program attached to an interface's tcx hook (Linux 6.6+): the bpf_link way to run tc
 * programs, without qdiscs or filters. Several programs can share a hook; {@link AttachOrder} places this one
 * relative to the others. The program's return value decides: {@code TCX_NEXT} (-1) runs the next program,
 * {@code TCX_PASS} (0) accepts, {@code TCX_DROP} (2) drops, {@code TCX_REDIRECT} (7) redirects.
 * On kernels without tcx use {@link TcAttach}, which falls back to a clsact filter.
 *
 * <pre>{@code
 * try (Program p = Program.load(spec);                                // ProgramType.SCHED_CLS
 *      TcxLink link = TcxLink.attach(p, "eth0", TcDirection.INGRESS)) {
 *     System.out.println(link.describe());   // tcx ingress on eth0 (ifindex 2) → program 'count' (sched_cls)
 * }
 * }</pre>
 */
public final class TcxLink extends BpfLink {
    private final int ifindex;
    private final String ifname;
    private final TcDirection direction;

    private TcxLink(LinkFd link, int ifindex, String ifname, TcDirection direction) {
        super(link);
        this.ifindex = ifindex;
        this.ifname = ifname;
        this.direction = direction;
    }

    /** Attaches {@code prog} at the end of the tcx {@code direction} hook of interface {@code ifname}. */
    public static TcxLink attach(Program prog, String ifname, TcDirection direction) {
        return attach(prog, NetworkInterfaces.indexOf(ifname), direction, AttachOrder.append());
    }

    /** Attaches {@code prog} at the end of the tcx {@code direction} hook of interface {@code ifindex}. */
    public static TcxLink attach(Program prog, int ifindex, TcDirection direction) {
        return attach(prog, ifindex, direction, AttachOrder.append());
    }

    /** Attaches {@code prog} to interface {@code ifname}, placed by {@code order}. */
    public static TcxLink attach(Program prog, String ifname, TcDirection direction, AttachOrder order) {
        return attach(prog, NetworkInterfaces.indexOf(ifname), direction, order);
    }

    /** Attaches {@code prog} to interface {@code ifindex}, placed by {@code order}. */
    public static TcxLink attach(Program prog, int ifindex, TcDirection direction, AttachOrder order) {
        String ifname = NetworkInterfaces.nameOf(ifindex);
        String where = "tcx " + direction.label() + " on " + ifname + " (ifindex " + ifindex + ")";
        LinkSupport.requireType(prog, ProgramType.SCHED_CLS, where);
        long r = LinkFd.create(prog.fd(), ifindex, direction.tcxAttachType(), order.flags(), order::fill);
        if (r < 0) throw attachError(prog, ifindex, direction, order, (int) -r, where);
        String what = where + " → " + prog.describe()
                + (order == AttachOrder.append() ? "" : ", " + order.describe());
        return new TcxLink(new LinkFd(Fd.adopt((int) r, what), what), ifindex, ifname, direction);
    }

    /** The programs attached to the tcx {@code direction} hook of {@code ifindex}, in run order, with their links. */
    public static AttachedPrograms query(int ifindex, TcDirection direction) {
        String ifname = NetworkInterfaces.nameOf(ifindex);
        return ProgramQuery.run(ifindex, direction.tcxAttachType(), 0, ifname);
    }

    private static BpfException attachError(Program prog, int ifindex, TcDirection direction, AttachOrder order,
                                            int errno, String where) {
        String attaching = "attaching " + prog.describe() + " as " + where;
        if (errno == Errno.ENOTSUPP.number() || errno == Errno.EOPNOTSUPP.number()
                || (errno == Errno.EINVAL.number() && !LinkSupport.tcxSupported())) {
            return new NotSupportedException("tcx", "6.6", "the kernel rejected the tcx attach type ("
                    + Errno.describe(errno) + "); TcAttach.attach falls back to a clsact filter through netlink",
                    errno).withContext(attaching);
        }
        if (errno == Errno.EEXIST.number()) {
            return new BpfException(attaching + " failed: the program is already attached at this hook (a program "
                    + "can be attached once per tcx hook)", errno);
        }
        if (errno == Errno.ENOENT.number() && order.flags() != 0) {
            return new BpfException(attaching + " failed: the program or link to place it " + order.describe()
                    + " is not attached at this hook", errno);
        }
        if (errno == 116 /* ESTALE */) {
            long now = 0;
            try {
                now = ProgramQuery.run(ifindex, direction.tcxAttachType(), 0, where).revision();
            } catch (BpfException ignored) {
                // report without the current revision
            }
            return new BpfException(attaching + " failed: the hook changed meanwhile (expected revision "
                    + order.expectedRevision() + (now > 0 ? ", it is now at " + now : "") + "); query it again", errno);
        }
        if (errno == Errno.ERANGE.number() || errno == Errno.E2BIG.number()) {
            return new BpfException(attaching + " failed: the hook holds the most programs it can (64)", errno);
        }
        return Bpf.error(BpfCommand.LINK_CREATE, errno, attaching, Capabilities.CAP_NET_ADMIN);
    }

    /** The interface index. */
    public int ifindex() {
        return ifindex;
    }

    /** The interface name at attach time. */
    public String interfaceName() {
        return ifname;
    }

    public TcDirection direction() {
        return direction;
    }

    /** Replaces the program atomically, keeping its place in the chain. */
    public void update(Program newProgram) {
        LinkSupport.requireType(newProgram, ProgramType.SCHED_CLS, link.describe());
        link.update(newProgram.fd());
    }

    /** The kernel's id of this link. */
    public int id() {
        return link.info().orElseThrow().id();
    }

    int linkFd() {
        return link.get();
    }
}
