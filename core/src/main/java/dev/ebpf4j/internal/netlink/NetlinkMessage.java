package dev.ebpf4j.internal.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;

/**
 * Builds one netlink request: the {@code nlmsghdr}, a family header ({@code tcmsg} or {@code ifinfomsg}) and
 * attributes ({@code rtattr}, 4-byte aligned), nested ones included. The length and sequence number are filled in
 * by {@link NetlinkSocket} when the message is sent.
 *
 * <pre>{@code
 * NetlinkMessage m = NetlinkMessage.request(Rtnl.RTM_NEWTFILTER, Rtnl.NLM_F_CREATE | Rtnl.NLM_F_EXCL)
 *         .tcmsg(ifindex, 0, parent, info)
 *         .string(Rtnl.TCA_KIND, "bpf")
 *         .beginNested(Rtnl.TCA_OPTIONS).u32(Rtnl.TCA_BPF_FD, progFd).endNested();
 * }</pre>
 */
public final class NetlinkMessage {
    private final int type;
    private final int flags;
    private byte[] bytes = new byte[256];
    private int length = Rtnl.NLMSG_HDRLEN;
    private boolean familyHeader;
    private final Deque<Integer> openNests = new ArrayDeque<>();

    private NetlinkMessage(int type, int flags) {
        this.type = type;
        this.flags = flags;
    }

    /**
     * A request of {@code type} ({@code RTM_*}) with extra {@code flags}; NLM_F_REQUEST and NLM_F_ACK are added, so
     * the kernel always answers with an acknowledgement or an error.
     */
    public static NetlinkMessage request(int type, int flags) {
        return new NetlinkMessage(type, flags | Rtnl.NLM_F_REQUEST | Rtnl.NLM_F_ACK);
    }

    /** A dump request of {@code type} ({@code RTM_GET*}); the kernel answers with messages ending in NLMSG_DONE. */
    public static NetlinkMessage dump(int type) {
        return new NetlinkMessage(type, Rtnl.NLM_F_REQUEST | Rtnl.NLM_F_DUMP);
    }

    /** True for dump requests. */
    public boolean isDump() {
        return (flags & Rtnl.NLM_F_DUMP) == Rtnl.NLM_F_DUMP;
    }

    public int type() {
        return type;
    }

    public int flags() {
        return flags;
    }

    /** Appends a {@code struct tcmsg} (family AF_UNSPEC). Must come first after the header. */
    public NetlinkMessage tcmsg(int ifindex, int handle, int parent, int info) {
        beginFamilyHeader(Rtnl.TCMSG_LEN);
        ByteBuffer b = at(Rtnl.NLMSG_HDRLEN);
        b.put((byte) Rtnl.AF_UNSPEC).put((byte) 0).putShort((short) 0).putInt(ifindex).putInt(handle).putInt(parent)
                .putInt(info);
        return this;
    }

    /** Appends a {@code struct ifinfomsg} (family AF_UNSPEC). Must come first after the header. */
    public NetlinkMessage ifinfomsg(int ifindex, int ifFlags, int change) {
        beginFamilyHeader(Rtnl.IFINFOMSG_LEN);
        ByteBuffer b = at(Rtnl.NLMSG_HDRLEN);
        b.put((byte) Rtnl.AF_UNSPEC).put((byte) 0).putShort((short) 0).putInt(ifindex).putInt(ifFlags).putInt(change);
        return this;
    }

    /** A 32-bit attribute. */
    public NetlinkMessage u32(int attrType, int value) {
        int off = attribute(attrType, 4);
        at(off).putInt(value);
        return this;
    }

    /** A NUL-terminated string attribute. */
    public NetlinkMessage string(int attrType, String value) {
        byte[] s = value.getBytes(StandardCharsets.UTF_8);
        int off = attribute(attrType, s.length + 1);
        System.arraycopy(s, 0, bytes, off, s.length);
        return this;
    }

    /** Opens a nested attribute (NLA_F_NESTED set); close it with {@link #endNested()}. */
    public NetlinkMessage beginNested(int attrType) {
        requireFamilyHeader();
        int off = length;
        ensure(Rtnl.RTA_HDRLEN);
        at(off).putShort((short) 0).putShort((short) (attrType | Rtnl.NLA_F_NESTED));
        length += Rtnl.RTA_HDRLEN;
        openNests.push(off);
        return this;
    }

    /** Closes the innermost nested attribute, fixing its length. */
    public NetlinkMessage endNested() {
        if (openNests.isEmpty()) throw new IllegalStateException("endNested() without beginNested()");
        int off = openNests.pop();
        at(off).putShort((short) (length - off));
        return this;
    }

    /** The finished message bytes with length, sequence number and port id filled in. */
    byte[] encode(int seq, int portId) {
        if (!openNests.isEmpty()) throw new IllegalStateException("a nested attribute was not closed");
        requireFamilyHeader();
        at(0).putInt(length).putShort((short) type).putShort((short) flags).putInt(seq).putInt(portId);
        return Arrays.copyOf(bytes, length);
    }

    private void beginFamilyHeader(int size) {
        if (familyHeader || length != Rtnl.NLMSG_HDRLEN) {
            throw new IllegalStateException("the family header must come once, right after the netlink header");
        }
        ensure(size);
        length += size;
        familyHeader = true;
    }

    private void requireFamilyHeader() {
        if (!familyHeader) throw new IllegalStateException("add the family header (tcmsg/ifinfomsg) first");
    }

    /** Writes an attribute header and reserves {@code payload} zeroed, aligned bytes; returns the payload offset. */
    private int attribute(int attrType, int payload) {
        requireFamilyHeader();
        int total = Rtnl.RTA_HDRLEN + payload;
        if (total > 0xFFFF) throw new IllegalArgumentException("netlink attribute too long: " + payload + " bytes");
        int aligned = align(total);
        ensure(aligned);
        int off = length;
        at(off).putShort((short) total).putShort((short) attrType);
        length += aligned;
        return off + Rtnl.RTA_HDRLEN;
    }

    private void ensure(int more) {
        int need = length + more;
        if (need > bytes.length) bytes = Arrays.copyOf(bytes, Math.max(need, bytes.length * 2));
    }

    private ByteBuffer at(int offset) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder()).position(offset);
    }

    /** Rounds up to the 4-byte netlink alignment. */
    static int align(int n) {
        return (n + 3) & ~3;
    }
}
