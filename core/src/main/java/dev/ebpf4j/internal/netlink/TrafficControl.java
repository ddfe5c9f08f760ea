package dev.ebpf4j.internal.netlink;

import java.util.ArrayList;
import java.util.List;

/**
 * The traffic-control requests ebpf4j's tc fallback needs: list, add and delete qdiscs, and list, add and delete
 * filters, over a {@link NetlinkSocket}. Every method names the interface and what it did in its errors.
 *
 * <pre>{@code
 * try (NetlinkSocket nl = NetlinkSocket.openRoute()) {
 *     boolean hasClsact = TrafficControl.qdiscs(nl, ifindex).stream().anyMatch(TrafficControl.Qdisc::isClsact);
 *     TrafficControl.AddedFilter added = TrafficControl.addBpfFilter(nl, ifindex, parent, 0, 0, progFd, "count",
 *             true, "eth0");
 *     if (added.answer().ok()) System.out.println("priority " + added.filter().priority());
 * }
 * }</pre>
 */
public final class TrafficControl {
    /** The handle of a clsact qdisc ({@code ffff:0}). */
    public static final int CLSACT_HANDLE = Rtnl.tcHandle(Rtnl.TC_H_CLSACT, 0);

    private TrafficControl() {
    }

    /** A queueing discipline on an interface. */
    public record Qdisc(int ifindex, int handle, int parent, String kind) {
        public boolean isClsact() {
            return "clsact".equals(kind) && parent == Rtnl.TC_H_CLSACT;
        }
    }

    /**
     * A filter on an interface; for {@code bpf} filters also the program id, name and whether it runs in
     * direct-action mode (0 / "" / false for other kinds).
     */
    public record Filter(int ifindex, int parent, int priority, int protocol, int handle, String kind,
                         int bpfProgramId, String bpfName, boolean directAction) {
    }

    /** The qdiscs of {@code ifindex}. */
    public static List<Qdisc> qdiscs(NetlinkSocket nl, int ifindex) {
        NetlinkMessage m = NetlinkMessage.dump(Rtnl.RTM_GETQDISC).tcmsg(ifindex, 0, 0, 0);
        List<Qdisc> out = new ArrayList<>();
        for (NetlinkReply r : nl.dump(m, "listing the qdiscs of ifindex " + ifindex)) {
            if (r.type() != Rtnl.RTM_NEWQDISC) continue;
            NetlinkReply.TcMsg tc = r.tcmsg();
            if (tc.ifindex() != ifindex) continue;
            String kind = r.attributes(Rtnl.TCMSG_LEN).string(Rtnl.TCA_KIND).orElse("");
            out.add(new Qdisc(tc.ifindex(), tc.handle(), tc.parent(), kind));
        }
        return out;
    }

    /** Adds a clsact qdisc; fails with EEXIST when the interface already has one. */
    public static NetlinkSocket.Answer addClsact(NetlinkSocket nl, int ifindex, String ifname) {
        NetlinkMessage m = NetlinkMessage.request(Rtnl.RTM_NEWQDISC, Rtnl.NLM_F_CREATE | Rtnl.NLM_F_EXCL)
                .tcmsg(ifindex, CLSACT_HANDLE, Rtnl.TC_H_CLSACT, 0)
                .string(Rtnl.TCA_KIND, "clsact");
        return nl.exchange(m, "adding a clsact qdisc to " + ifname);
    }

    /** Deletes the clsact qdisc (and with it every filter still attached to it). */
    public static NetlinkSocket.Answer deleteClsact(NetlinkSocket nl, int ifindex, String ifname) {
        NetlinkMessage m = NetlinkMessage.request(Rtnl.RTM_DELQDISC, 0)
                .tcmsg(ifindex, CLSACT_HANDLE, Rtnl.TC_H_CLSACT, 0)
                .string(Rtnl.TCA_KIND, "clsact");
        return nl.exchange(m, "deleting the clsact qdisc of " + ifname);
    }

    /** The filters of {@code ifindex} under {@code parent} (e.g. clsact ingress {@code ffff:fff2}). */
    public static List<Filter> filters(NetlinkSocket nl, int ifindex, int parent, String ifname) {
        NetlinkMessage m = NetlinkMessage.dump(Rtnl.RTM_GETTFILTER).tcmsg(ifindex, 0, parent, 0);
        List<Filter> out = new ArrayList<>();
        for (NetlinkReply r : nl.dump(m, "listing the tc filters of " + ifname + " parent "
                + Rtnl.formatHandle(parent))) {
            if (r.type() != Rtnl.RTM_NEWTFILTER) continue;
            Filter f = filter(r);
            // A dump lists one entry per filter chain head (handle 0) besides the filters themselves.
            if (f.ifindex() == ifindex && f.handle() != 0) out.add(f);
        }
        return out;
    }

    /**
     * Adds a {@code bpf} filter running {@code progFd} at {@code parent}, priority {@code priority} and handle
     * {@code handle} (0 lets the kernel choose either), failing with EEXIST rather than replacing an existing
     * filter. Returns the filter as the kernel created it (with the priority and handle it chose), or the error.
     */
    public static AddedFilter addBpfFilter(NetlinkSocket nl, int ifindex, int parent, int priority, int handle,
                                           int progFd, String name, boolean directAction, String ifname) {
        NetlinkMessage m = NetlinkMessage.request(Rtnl.RTM_NEWTFILTER,
                        Rtnl.NLM_F_CREATE | Rtnl.NLM_F_EXCL | Rtnl.NLM_F_ECHO)
                .tcmsg(ifindex, handle, parent, (priority << 16) | Rtnl.ETH_P_ALL_BE)
                .string(Rtnl.TCA_KIND, "bpf")
                .beginNested(Rtnl.TCA_OPTIONS)
                .u32(Rtnl.TCA_BPF_FD, progFd)
                .string(Rtnl.TCA_BPF_NAME, name)
                .u32(Rtnl.TCA_BPF_FLAGS, directAction ? Rtnl.TCA_BPF_FLAG_ACT_DIRECT : 0)
                .endNested();
        NetlinkSocket.Answer a = nl.exchange(m, "adding a bpf filter to " + ifname);
        Filter echoed = null;
        for (NetlinkReply r : a.messages()) {
            if (r.type() == Rtnl.RTM_NEWTFILTER) echoed = filter(r);
        }
        return new AddedFilter(a, echoed);
    }

    /** The answer to {@link #addBpfFilter}; {@code filter} is the kernel's echo of the new filter, when it sent one. */
    public record AddedFilter(NetlinkSocket.Answer answer, Filter filter) {
    }

    /** Deletes exactly one filter, identified by parent, priority, protocol, handle and kind. */
    public static NetlinkSocket.Answer deleteFilter(NetlinkSocket nl, int ifindex, int parent, int priority,
                                                    int protocol, int handle, String kind, String ifname) {
        NetlinkMessage m = NetlinkMessage.request(Rtnl.RTM_DELTFILTER, 0)
                .tcmsg(ifindex, handle, parent, (priority << 16) | (protocol & 0xFFFF))
                .string(Rtnl.TCA_KIND, kind);
        return nl.exchange(m, "deleting the " + kind + " filter (priority " + priority + ", handle 0x"
                + Integer.toHexString(handle) + ") of " + ifname);
    }

    private static Filter filter(NetlinkReply r) {
        NetlinkReply.TcMsg tc = r.tcmsg();
        Attributes a = r.attributes(Rtnl.TCMSG_LEN);
        String kind = a.string(Rtnl.TCA_KIND).orElse("");
        int progId = 0;
        String name = "";
        boolean direct = false;
        if (kind.equals("bpf")) {
            Attributes o = a.nested(Rtnl.TCA_OPTIONS).orElse(Attributes.EMPTY);
            progId = o.u32(Rtnl.TCA_BPF_ID).orElse(0);
            name = o.string(Rtnl.TCA_BPF_NAME).orElse("");
            direct = (o.u32(Rtnl.TCA_BPF_FLAGS).orElse(0) & Rtnl.TCA_BPF_FLAG_ACT_DIRECT) != 0;
        }
        return new Filter(tc.ifindex(), tc.parent(), tc.priority(), tc.protocol(), tc.handle(), kind, progId, name,
                direct);
    }
}
