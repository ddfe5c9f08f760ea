package dev.ebpf4j.link;

import dev.ebpf4j.AttachType;
import dev.ebpf4j.internal.netlink.Rtnl;

/**
 * Which way the traffic a tc program sees flows: packets an interface receives ({@link #INGRESS}) or sends
 * ({@link #EGRESS}).
 *
 * <pre>{@code
 * Link l = TcAttach.attach(prog, "eth0", TcDirection.INGRESS);
 * }</pre>
 */
public enum TcDirection {
    INGRESS(AttachType.TCX_INGRESS, Rtnl.TC_H_MIN_INGRESS),
    EGRESS(AttachType.TCX_EGRESS, Rtnl.TC_H_MIN_EGRESS);

    private final AttachType tcxAttachType;
    private final int clsactMinor;

    TcDirection(AttachType tcxAttachType, int clsactMinor) {
        this.tcxAttachType = tcxAttachType;
        this.clsactMinor = clsactMinor;
    }

    /** The tcx attach type for this direction. */
    public AttachType tcxAttachType() {
        return tcxAttachType;
    }

    /** The clsact filter parent for this direction ({@code ffff:fff2} or {@code ffff:fff3}). */
    int clsactParent() {
        return Rtnl.tcHandle(Rtnl.TC_H_CLSACT, clsactMinor);
    }

    /** "ingress" or "egress". */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
