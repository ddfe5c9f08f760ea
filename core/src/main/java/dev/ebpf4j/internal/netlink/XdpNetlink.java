package dev.ebpf4j.internal.netlink;

/**
 * XDP through rtnetlink ({@code IFLA_XDP}): what is attached to an interface in which mode, and attaching or
 * detaching a program the pre-{@code bpf_link} way ({@code RTM_SETLINK}).
 *
 * <pre>{@code
 * try (NetlinkSocket nl = NetlinkSocket.openRoute()) {
 *     XdpNetlink.State s = XdpNetlink.query(nl, ifindex, "eth0");
 *     if (s.genericProgramId() != 0) System.out.println("generic XDP program " + s.genericProgramId());
 * }
 * }</pre>
 */
public final class XdpNetlink {
    private XdpNetlink() {
    }

    /**
     * The XDP state of an interface: {@code attached} is the IFLA_XDP_ATTACHED mode (0 none, 1 driver, 2 generic,
     * 3 offload, 4 several), followed by the program id in each mode (0 = none).
     */
    public record State(int attached, int driverProgramId, int genericProgramId, int offloadProgramId) {
        /** True when any program is attached. */
        public boolean any() {
            return driverProgramId != 0 || genericProgramId != 0 || offloadProgramId != 0;
        }
    }

    /** Reads IFLA_XDP of {@code ifindex}. */
    public static State query(NetlinkSocket nl, int ifindex, String ifname) {
        NetlinkMessage m = NetlinkMessage.request(Rtnl.RTM_GETLINK, 0)
                .ifinfomsg(ifindex, 0, 0)
                .u32(Rtnl.IFLA_EXT_MASK, Rtnl.RTEXT_FILTER_SKIP_STATS);
        for (NetlinkReply r : nl.request(m, "reading the XDP state of " + ifname)) {
            if (r.type() != Rtnl.RTM_NEWLINK || r.ifinfomsg().ifindex() != ifindex) continue;
            Attributes xdp = r.attributes(Rtnl.IFINFOMSG_LEN).nested(Rtnl.IFLA_XDP).orElse(Attributes.EMPTY);
            int attached = xdp.u8(Rtnl.IFLA_XDP_ATTACHED).orElse(0);
            int single = xdp.u32(Rtnl.IFLA_XDP_PROG_ID).orElse(0);
            int drv = xdp.u32(Rtnl.IFLA_XDP_DRV_PROG_ID).orElse(0);
            int skb = xdp.u32(Rtnl.IFLA_XDP_SKB_PROG_ID).orElse(0);
            int hw = xdp.u32(Rtnl.IFLA_XDP_HW_PROG_ID).orElse(0);
            // With one mode in use the kernel reports only IFLA_XDP_PROG_ID; place it by the attached mode.
            switch (attached) {
                case Rtnl.XDP_ATTACHED_DRV -> drv = drv != 0 ? drv : single;
                case Rtnl.XDP_ATTACHED_SKB -> skb = skb != 0 ? skb : single;
                case Rtnl.XDP_ATTACHED_HW -> hw = hw != 0 ? hw : single;
                default -> { }
            }
            return new State(attached, drv, skb, hw);
        }
        return new State(0, 0, 0, 0);
    }

    /**
     * Sets the XDP program of {@code ifindex}: {@code progFd} -1 detaches; {@code expectedFd} -1 means no
     * expectation (otherwise XDP_FLAGS_REPLACE must be in {@code flags}). Returns the kernel's answer.
     */
    public static NetlinkSocket.Answer set(NetlinkSocket nl, int ifindex, int progFd, int flags, int expectedFd,
                                           String operation) {
        NetlinkMessage m = NetlinkMessage.request(Rtnl.RTM_SETLINK, 0)
                .ifinfomsg(ifindex, 0, 0)
                .beginNested(Rtnl.IFLA_XDP)
                .u32(Rtnl.IFLA_XDP_FD, progFd);
        if (flags != 0) m.u32(Rtnl.IFLA_XDP_FLAGS, flags);
        if (expectedFd >= 0) m.u32(Rtnl.IFLA_XDP_EXPECTED_FD, expectedFd);
        m.endNested();
        return nl.exchange(m, operation);
    }
}
