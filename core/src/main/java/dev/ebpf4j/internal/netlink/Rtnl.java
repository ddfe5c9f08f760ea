package dev.ebpf4j.internal.netlink;

/**
 * The rtnetlink constants ebpf4j uses (Linux UAPI {@code linux/netlink.h}, {@code linux/rtnetlink.h},
 * {@code linux/pkt_sched.h}, {@code linux/pkt_cls.h}, {@code linux/if_link.h}). One place, named as the headers name
 * them.
 *
 * <pre>{@code
 * NetlinkMessage m = NetlinkMessage.request(Rtnl.RTM_GETQDISC, Rtnl.NLM_F_DUMP).tcmsg(0, 0, 0, 0);
 * }</pre>
 */
public final class Rtnl {
    private Rtnl() {
    }

    // sockets
    public static final int AF_UNSPEC = 0;
    public static final int AF_NETLINK = 16;
    public static final int SOCK_RAW = 3;
    public static final int SOCK_CLOEXEC = 0x80000;
    public static final int NETLINK_ROUTE = 0;
    public static final int SOL_SOCKET = 1;
    public static final int SO_RCVTIMEO = 20;
    public static final int SOL_NETLINK = 270;
    public static final int NETLINK_CAP_ACK = 10;
    public static final int NETLINK_EXT_ACK = 11;
    public static final int MSG_PEEK = 0x2;
    public static final int MSG_TRUNC = 0x20;

    // struct nlmsghdr
    public static final int NLMSG_HDRLEN = 16;
    public static final int NLMSG_NOOP = 1;
    public static final int NLMSG_ERROR = 2;
    public static final int NLMSG_DONE = 3;
    public static final int NLMSG_OVERRUN = 4;

    public static final int NLM_F_REQUEST = 0x1;
    public static final int NLM_F_MULTI = 0x2;
    public static final int NLM_F_ACK = 0x4;
    public static final int NLM_F_ECHO = 0x8;
    public static final int NLM_F_DUMP_INTR = 0x10;
    public static final int NLM_F_DUMP = 0x300;
    public static final int NLM_F_REPLACE = 0x100;
    public static final int NLM_F_EXCL = 0x200;
    public static final int NLM_F_CREATE = 0x400;
    /** In an NLMSG_ERROR: the original request's payload was left out (NETLINK_CAP_ACK). */
    public static final int NLM_F_CAPPED = 0x100;
    /** In an NLMSG_ERROR: extended-ack attributes follow. */
    public static final int NLM_F_ACK_TLVS = 0x200;
    public static final int NLMSGERR_ATTR_MSG = 1;

    // struct rtattr
    public static final int RTA_HDRLEN = 4;
    public static final int NLA_F_NESTED = 0x8000;
    public static final int NLA_TYPE_MASK = 0x3fff;

    // message types
    public static final int RTM_NEWLINK = 16;
    public static final int RTM_GETLINK = 18;
    public static final int RTM_SETLINK = 19;
    public static final int RTM_NEWQDISC = 36;
    public static final int RTM_DELQDISC = 37;
    public static final int RTM_GETQDISC = 38;
    public static final int RTM_NEWTFILTER = 44;
    public static final int RTM_DELTFILTER = 45;
    public static final int RTM_GETTFILTER = 46;

    // struct ifinfomsg (16 bytes) and link attributes
    public static final int IFINFOMSG_LEN = 16;
    public static final int IFLA_IFNAME = 3;
    public static final int IFLA_XDP = 43;
    public static final int IFLA_EXT_MASK = 29;
    public static final int RTEXT_FILTER_SKIP_STATS = 1 << 3;
    public static final int IFLA_XDP_FD = 1;
    public static final int IFLA_XDP_ATTACHED = 2;
    public static final int IFLA_XDP_FLAGS = 3;
    public static final int IFLA_XDP_PROG_ID = 4;
    public static final int IFLA_XDP_DRV_PROG_ID = 5;
    public static final int IFLA_XDP_SKB_PROG_ID = 6;
    public static final int IFLA_XDP_HW_PROG_ID = 7;
    public static final int IFLA_XDP_EXPECTED_FD = 8;
    public static final int XDP_ATTACHED_NONE = 0;
    public static final int XDP_ATTACHED_DRV = 1;
    public static final int XDP_ATTACHED_SKB = 2;
    public static final int XDP_ATTACHED_HW = 3;
    public static final int XDP_ATTACHED_MULTI = 4;
    public static final int XDP_FLAGS_UPDATE_IF_NOEXIST = 1;
    public static final int XDP_FLAGS_SKB_MODE = 2;
    public static final int XDP_FLAGS_DRV_MODE = 4;
    public static final int XDP_FLAGS_HW_MODE = 8;
    public static final int XDP_FLAGS_REPLACE = 16;

    // struct tcmsg (20 bytes) and traffic-control attributes
    public static final int TCMSG_LEN = 20;
    public static final int TCA_KIND = 1;
    public static final int TCA_OPTIONS = 2;
    public static final int TCA_BPF_FD = 6;
    public static final int TCA_BPF_NAME = 7;
    public static final int TCA_BPF_FLAGS = 8;
    public static final int TCA_BPF_ID = 11;
    public static final int TCA_BPF_FLAG_ACT_DIRECT = 1;
    public static final int TC_H_CLSACT = 0xFFFFFFF1;
    public static final int TC_H_MIN_INGRESS = 0xFFF2;
    public static final int TC_H_MIN_EGRESS = 0xFFF3;
    /** {@code ETH_P_ALL} in network byte order, as tcm_info's protocol half carries it. */
    public static final int ETH_P_ALL_BE = 0x0300;

    /** {@code TC_H_MAKE(major, minor)}: the major half of {@code major} with the minor half of {@code minor}. */
    public static int tcHandle(int major, int minor) {
        return (major & 0xFFFF0000) | (minor & 0x0000FFFF);
    }

    /** "ffff:fff2" as tc prints handles. */
    public static String formatHandle(int handle) {
        return Integer.toHexString(handle >>> 16) + ":" + Integer.toHexString(handle & 0xFFFF);
    }
}
