package dev.ebpf4j.link;

import dev.ebpf4j.AttachType;
import dev.ebpf4j.BpfException;
import dev.ebpf4j.Errno;
import dev.ebpf4j.NotSupportedException;
import dev.ebpf4j.Program;
import dev.ebpf4j.ProgramType;
import dev.ebpf4j.internal.netlink.NetlinkErrors;
import dev.ebpf4j.internal.netlink.NetlinkSocket;
import dev.ebpf4j.internal.netlink.NetworkInterfaces;
import dev.ebpf4j.internal.netlink.Rtnl;
import dev.ebpf4j.internal.netlink.XdpNetlink;
import dev.ebpf4j.internal.sys.Bpf;
import dev.ebpf4j.internal.sys.BpfCommand;
import dev.ebpf4j.internal.sys.Capabilities;
import dev.ebpf4j.internal.sys.Fd;
import dev.ebpf4j.internal.sys.ObjectIds;

import java.util.ArrayList;
import java.util.List;

/**
 * An XDP program attached to a network interface. Made as a {@code bpf_link} (Linux 5.9+), or on older kernels
 * through rtnetlink ({@code IFLA_XDP}) — {@link #mechanism()} says which. By default the kernel picks the mode
 * (driver when the driver supports XDP, else generic); {@link Mode} asks for one. An interface runs one XDP program
 * per mode: when one is already attached, attaching fails with an error naming it; ebpf4j never replaces a program
 * someone else attached.
 *
 * <pre>{@code
 * try (Program p = Program.load(spec);                        // ProgramType.XDP
 *      XdpLink link = XdpLink.attach(p, "eth0", XdpLink.Mode.GENERIC)) {
 *     System.out.println(link.describe());   // xdp on eth0 (ifindex 2, generic mode, bpf_link) → program 'count' (xdp)
 * }
 * }</pre>
 */
public final class XdpLink extends SelfDetachingLink {
    /** The XDP attach mode. */
    public enum Mode {
        /** Let the kernel choose: driver mode when the driver supports XDP, generic otherwise. */
        AUTO(0, "kernel-chosen"),
        /** Generic XDP ({@code XDP_FLAGS_SKB_MODE}): works on every interface, after the socket buffer is built. */
        GENERIC(Rtnl.XDP_FLAGS_SKB_MODE, "generic"),
        /** Native XDP in the driver ({@code XDP_FLAGS_DRV_MODE}); needs driver support. */
        DRIVER(Rtnl.XDP_FLAGS_DRV_MODE, "driver"),
        /** Offloaded to the NIC ({@code XDP_FLAGS_HW_MODE}); needs hardware support. */
        OFFLOAD(Rtnl.XDP_FLAGS_HW_MODE, "offload");

        private final int flag;
        private final String label;

        Mode(int flag, String label) {
            this.flag = flag;
            this.label = label;
        }

        /** The XDP_FLAGS_*_MODE bit (0 for AUTO). */
        public int flag() {
            return flag;
        }

        /** "generic", "driver", ... */
        public String label() {
            return label;
        }
    }

    /** How the attachment was made. */
    public enum Mechanism {
        /** A kernel {@code bpf_link}: pinnable, detached when its last reference goes. */
        BPF_LINK,
        /**
         * rtnetlink {@code IFLA_XDP}: stays until detached; this object detaches it on close (if the process ends
         * first, it stays: remove it with {@code ip link set dev IF xdp off}).
         */
        NETLINK
    }

    private final Fd programRef;     // NETLINK only: keeps the program fd for the "only if still ours" detach
    private final int programId;
    private final int ifindex;
    private final String ifname;
    private final Mode mode;

    private XdpLink(LinkFd link, Fd programRef, int programId, int ifindex, String ifname, Mode mode, String what) {
        super(link, what, "rtnetlink (IFLA_XDP)");
        this.programRef = programRef;
        this.programId = programId;
        this.ifindex = ifindex;
        this.ifname = ifname;
        this.mode = mode;
    }

    /** Attaches {@code prog} to interface {@code ifname} in the mode the kernel chooses. */
    public static XdpLink attach(Program prog, String ifname) {
        return attach(prog, NetworkInterfaces.indexOf(ifname), Mode.AUTO);
    }

    /** Attaches {@code prog} to interface {@code ifindex} in the mode the kernel chooses. */
    public static XdpLink attach(Program prog, int ifindex) {
        return attach(prog, ifindex, Mode.AUTO);
    }

    /** Attaches {@code prog} to interface {@code ifname} in {@code mode}. */
    public static XdpLink attach(Program prog, String ifname, Mode mode) {
        return attach(prog, NetworkInterfaces.indexOf(ifname), mode);
    }

    /**
     * Attaches {@code prog} to interface {@code ifindex} in {@code mode} as a bpf_link, falling back to rtnetlink
     * on kernels without XDP links.
     */
    public static XdpLink attach(Program prog, int ifindex, Mode mode) {
        String ifname = NetworkInterfaces.nameOf(ifindex);
        String where = where(ifname, ifindex, mode);
        LinkSupport.requireType(prog, ProgramType.XDP, where);
        long r = LinkFd.create(prog.fd(), ifindex, AttachType.XDP, mode.flag(), null);
        if (r >= 0) {
            Fd fd = Fd.adopt((int) r, where);
            try {
                int progId = prog.id();
                Mode actual = actualMode(ifindex, ifname, progId, mode);
                String what = "xdp on " + ifname + " (ifindex " + ifindex + ", " + actual.label() + " mode, bpf_link) → "
                        + prog.describe();
                return new XdpLink(new LinkFd(fd, what), null, progId, ifindex, ifname, actual, what);
            } catch (RuntimeException e) {
                fd.close();
                throw e;
            }
        }
        int errno = (int) -r;
        String attaching = "attaching " + prog.describe() + " as " + where;
        if (errno == Errno.EBUSY.number() || errno == Errno.EEXIST.number()) {
            throw occupied(attaching, ifindex, ifname, errno);
        }
        if (errno == Errno.EINVAL.number()) {
            // Kernels before 5.9 have no XDP links: the same attach over netlink works there. On newer kernels an
            // EINVAL has a cause netlink reports too, with the kernel's own explanation.
            return attachWithNetlink(prog, ifindex, mode);
        }
        throw modeOrGenericError(attaching, errno, mode, ifname, BpfCommand.LINK_CREATE);
    }

    /**
     * Attaches {@code prog} through rtnetlink ({@code IFLA_XDP}), the pre-5.9 way, only if no XDP program is
     * attached ({@code XDP_FLAGS_UPDATE_IF_NOEXIST}). {@link #attach} uses this by itself when the kernel has no XDP
     * links; call it directly only to force that path.
     */
    public static XdpLink attachWithNetlink(Program prog, int ifindex, Mode mode) {
        String ifname = NetworkInterfaces.nameOf(ifindex);
        String where = where(ifname, ifindex, mode);
        LinkSupport.requireType(prog, ProgramType.XDP, where);
        String attaching = "attaching " + prog.describe() + " as " + where + " through netlink";
        int progId = prog.id();
        Fd ref = LinkSupport.duplicateProgramFd(prog);
        try (NetlinkSocket nl = NetlinkSocket.openRoute()) {
            NetlinkSocket.Answer a = XdpNetlink.set(nl, ifindex, ref.get(),
                    Rtnl.XDP_FLAGS_UPDATE_IF_NOEXIST | mode.flag(), -1, attaching);
            if (!a.ok()) {
                int errno = a.errno();
                if (errno == Errno.EBUSY.number() || errno == Errno.EEXIST.number()) {
                    throw occupied(attaching, ifindex, ifname, errno);
                }
                if (errno == Errno.EOPNOTSUPP.number() || errno == Errno.ENOTSUPP.number()) {
                    throw modeOrGenericError(attaching, errno, mode, ifname, null);
                }
                throw NetlinkErrors.of(attaching, errno, a.kernelMessage());
            }
            Mode actual = mode;
            try {
                actual = modeOf(XdpNetlink.query(nl, ifindex, ifname), progId, mode);
            } catch (BpfException e) {
                // keep the asked mode: detaching with it reaches the same program
            }
            String what = "xdp on " + ifname + " (ifindex " + ifindex + ", " + actual.label() + " mode, netlink) → "
                    + prog.describe();
            ref.describeAs(what);
            return new XdpLink(null, ref, progId, ifindex, ifname, actual, what);
        } catch (RuntimeException e) {
            ref.close();
            throw e;
        }
    }

    private static String where(String ifname, int ifindex, Mode mode) {
        return "xdp on " + ifname + " (ifindex " + ifindex + (mode == Mode.AUTO ? "" : ", " + mode.label() + " mode")
                + ")";
    }

    /** The mode the kernel attached program {@code progId} in, read back over netlink; {@code asked} if unknown. */
    private static Mode actualMode(int ifindex, String ifname, int progId, Mode asked) {
        try (NetlinkSocket nl = NetlinkSocket.openRoute()) {
            return modeOf(XdpNetlink.query(nl, ifindex, ifname), progId, asked);
        } catch (BpfException e) {
            return asked;
        }
    }

    private static Mode modeOf(XdpNetlink.State s, int progId, Mode asked) {
        if (s.driverProgramId() == progId) return Mode.DRIVER;
        if (s.genericProgramId() == progId) return Mode.GENERIC;
        if (s.offloadProgramId() == progId) return Mode.OFFLOAD;
        return asked;
    }

    /** The error for an interface that already runs an XDP program, naming it and how it is attached. */
    private static BpfException occupied(String attaching, int ifindex, String ifname, int errno) {
        List<String> found = new ArrayList<>();
        try (NetlinkSocket nl = NetlinkSocket.openRoute()) {
            XdpNetlink.State s = XdpNetlink.query(nl, ifindex, ifname);
            describeAttached(found, s.driverProgramId(), "driver", ifindex);
            describeAttached(found, s.genericProgramId(), "generic", ifindex);
            describeAttached(found, s.offloadProgramId(), "offload", ifindex);
        } catch (BpfException e) {
            // describe without the details
        }
        String which = found.isEmpty() ? "another XDP program is already attached there"
                : "XDP program " + String.join(" and ", found) + " is already attached there";
        return new BpfException(attaching + " failed: " + which + ". ebpf4j never replaces a program someone else "
                + "attached; detach it first (close or unpin its link, or `ip link set dev " + ifname + " xdp off`)",
                errno);
    }

    private static void describeAttached(List<String> out, int progId, String mode, int ifindex) {
        if (progId == 0) return;
        int linkId = xdpLinkId(ifindex, progId);
        out.add(LinkSupport.programLabel(progId) + " in " + mode + " mode "
                + (linkId != 0 ? "through bpf_link id " + linkId : "through netlink (no bpf_link)"));
    }

    /** The id of the XDP link on {@code ifindex} running {@code progId}, or 0. */
    private static int xdpLinkId(int ifindex, int progId) {
        try {
            for (int id : ObjectIds.all(ObjectIds.Kind.LINK)) {
                try (Fd fd = ObjectIds.open(ObjectIds.Kind.LINK, id)) {
                    LinkInfo info = LinkInfoReader.read(fd.get(), "link id " + id);
                    if (info.type() == dev.ebpf4j.LinkType.XDP && info.programId() == progId
                            && Integer.valueOf(ifindex).equals(info.details().get("ifindex"))) {
                        return id;
                    }
                } catch (BpfException e) {
                    // the link went away meanwhile
                }
            }
        } catch (BpfException e) {
            // cannot list links: report without the link
        }
        return 0;
    }

    private static BpfException modeOrGenericError(String attaching, int errno, Mode mode, String ifname,
                                                   BpfCommand cmd) {
        if (errno == Errno.EOPNOTSUPP.number() || errno == Errno.ENOTSUPP.number()) {
            String feature = "XDP " + mode.label() + " mode on " + ifname;
            String why = mode == Mode.OFFLOAD ? "the network device cannot run XDP programs in hardware"
                    : "the driver of " + ifname + " has no native XDP support; use Mode.GENERIC";
            return new NotSupportedException(feature, "", why, errno).withContext(attaching);
        }
        if (cmd == null) return NetlinkErrors.of(attaching, errno, null);
        return Bpf.error(cmd, errno, attaching, Capabilities.CAP_NET_ADMIN);
    }

    /**
     * Replaces the program atomically (BPF_LINK_UPDATE). Only for {@link Mechanism#BPF_LINK} attachments; a netlink
     * attachment is replaced by closing it and attaching again.
     */
    public void update(Program newProgram) {
        LinkSupport.requireType(newProgram, ProgramType.XDP, what);
        updateLink(newProgram.fd(), "attached through netlink");
    }

    /** The mode the program runs in. */
    public Mode mode() {
        return mode;
    }

    /** How the attachment was made. */
    public Mechanism mechanism() {
        return link != null ? Mechanism.BPF_LINK : Mechanism.NETLINK;
    }

    public int ifindex() {
        return ifindex;
    }

    /** The interface name at attach time. */
    public String interfaceName() {
        return ifname;
    }

    /** Detaches over netlink, but only while the program in our mode is still ours; then drops the program fd. */
    @Override
    void detachWithoutLink() {
        try {
            detachNetlink();
        } finally {
            programRef.close();
        }
    }

    /** Detaches over netlink, but only while the program in our mode is still ours. */
    private void detachNetlink() {
        try (NetlinkSocket nl = NetlinkSocket.openRoute()) {
            String detaching = "detaching " + what;
            NetlinkSocket.Answer a = XdpNetlink.set(nl, ifindex, -1, Rtnl.XDP_FLAGS_REPLACE | mode.flag(),
                    programRef.get(), detaching);
            if (a.ok() || a.errno() == Errno.EEXIST.number() || a.errno() == Errno.ENODEV.number()) {
                return; // detached, or replaced by someone else (theirs now), or the interface is gone
            }
            if (a.errno() == Errno.EINVAL.number()) {
                // Kernels before 5.7 lack XDP_FLAGS_REPLACE: check first, then detach.
                XdpNetlink.State s = XdpNetlink.query(nl, ifindex, ifname);
                if (modeOf(s, programId, null) == null) return;
                NetlinkSocket.Answer b = XdpNetlink.set(nl, ifindex, -1, mode.flag(), -1, detaching);
                if (b.ok() || b.errno() == Errno.ENODEV.number()) return;
                throw NetlinkErrors.of(detaching, b.errno(), b.kernelMessage());
            }
            throw NetlinkErrors.of(detaching, a.errno(), a.kernelMessage());
        }
    }
}
