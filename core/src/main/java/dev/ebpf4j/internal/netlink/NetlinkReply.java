package dev.ebpf4j.internal.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * One message the kernel sent back: header fields and the payload, with bounds-checked accessors for the family
 * headers ({@code tcmsg}, {@code ifinfomsg}) and the attributes that follow them. {@link #parseAll} splits a
 * received datagram into messages and rejects lengths that run past it.
 *
 * <pre>{@code
 * for (NetlinkReply r : NetlinkReply.parseAll(datagram, n)) {
 *     NetlinkReply.TcMsg tc = r.tcmsg();
 *     String kind = r.attributes(Rtnl.TCMSG_LEN).string(Rtnl.TCA_KIND).orElse("?");
 * }
 * }</pre>
 */
public final class NetlinkReply {
    private final int type;
    private final int flags;
    private final int seq;
    private final int portId;
    private final ByteBuffer payload;

    private NetlinkReply(int type, int flags, int seq, int portId, ByteBuffer payload) {
        this.type = type;
        this.flags = flags;
        this.seq = seq;
        this.portId = portId;
        this.payload = payload;
    }

    /** {@code struct tcmsg}: interface, handle, parent and info (priority and protocol for filters). */
    public record TcMsg(int ifindex, int handle, int parent, int info) {
        /** A filter's priority (upper half of info). */
        public int priority() {
            return info >>> 16;
        }

        /** A filter's protocol in network byte order (lower half of info). */
        public int protocol() {
            return info & 0xFFFF;
        }
    }

    /** {@code struct ifinfomsg}: interface index, type and flags. */
    public record IfInfoMsg(int ifindex, int deviceType, int flags) {
    }

    /** Splits {@code data[0..length)} into messages; throws {@link MalformedNetlinkException} on bad lengths. */
    public static List<NetlinkReply> parseAll(byte[] data, int length) {
        List<NetlinkReply> out = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(data, 0, length).order(ByteOrder.nativeOrder());
        int pos = 0;
        while (length - pos >= Rtnl.NLMSG_HDRLEN) {
            int len = b.getInt(pos);
            if (len < Rtnl.NLMSG_HDRLEN || len > length - pos) {
                throw new MalformedNetlinkException("message at offset " + pos + " claims " + len
                        + " bytes but " + (length - pos) + " remain");
            }
            int type = Short.toUnsignedInt(b.getShort(pos + 4));
            int flags = Short.toUnsignedInt(b.getShort(pos + 6));
            int seq = b.getInt(pos + 8);
            int port = b.getInt(pos + 12);
            ByteBuffer body = b.slice(pos + Rtnl.NLMSG_HDRLEN, len - Rtnl.NLMSG_HDRLEN).order(ByteOrder.nativeOrder());
            out.add(new NetlinkReply(type, flags, seq, port, body));
            pos += Math.min(NetlinkMessage.align(len), length - pos);
        }
        return out;
    }

    public int type() {
        return type;
    }

    public int flags() {
        return flags;
    }

    public int seq() {
        return seq;
    }

    public int portId() {
        return portId;
    }

    /** The payload after the netlink header (a read-only view). */
    public ByteBuffer payload() {
        return payload.asReadOnlyBuffer().order(ByteOrder.nativeOrder());
    }

    /** The payload's {@code struct tcmsg}. */
    public TcMsg tcmsg() {
        need(Rtnl.TCMSG_LEN, "tcmsg");
        return new TcMsg(payload.getInt(4), payload.getInt(8), payload.getInt(12), payload.getInt(16));
    }

    /** The payload's {@code struct ifinfomsg}. */
    public IfInfoMsg ifinfomsg() {
        need(Rtnl.IFINFOMSG_LEN, "ifinfomsg");
        return new IfInfoMsg(payload.getInt(4), Short.toUnsignedInt(payload.getShort(2)), payload.getInt(8));
    }

    /** The attributes following a family header of {@code headerLength} bytes. */
    public Attributes attributes(int headerLength) {
        need(headerLength, "family header");
        int start = NetlinkMessage.align(headerLength);
        if (start > payload.limit()) start = payload.limit();
        return Attributes.parse(payload.slice(start, payload.limit() - start).order(ByteOrder.nativeOrder()));
    }

    /** For NLMSG_ERROR and NLMSG_DONE: the signed error code (0 = success, else -errno). */
    public int errorCode() {
        need(4, "error code");
        return payload.getInt(0);
    }

    /**
     * For NLMSG_ERROR / NLMSG_DONE carrying extended-ack attributes: the kernel's error text
     * ({@code NLMSGERR_ATTR_MSG}), or null.
     */
    public String extendedAckMessage() {
        if ((flags & Rtnl.NLM_F_ACK_TLVS) == 0) return null;
        int start;
        if (type == Rtnl.NLMSG_DONE) {
            start = 4;
        } else {
            // int error; struct nlmsghdr msg (+ the request's payload unless capped); then the TLVs
            if (payload.limit() < 4 + Rtnl.NLMSG_HDRLEN) return null;
            int origLen = payload.getInt(4);
            start = (flags & Rtnl.NLM_F_CAPPED) != 0 ? 4 + Rtnl.NLMSG_HDRLEN : 4 + NetlinkMessage.align(origLen);
        }
        if (start < 0 || start > payload.limit()) return null;
        Attributes a = Attributes.parse(payload.slice(start, payload.limit() - start).order(ByteOrder.nativeOrder()));
        return a.string(Rtnl.NLMSGERR_ATTR_MSG).orElse(null);
    }

    private void need(int n, String what) {
        if (payload.limit() < n) {
            throw new MalformedNetlinkException("message type " + type + " is too short for its " + what + " ("
                    + payload.limit() + " < " + n + " bytes)");
        }
    }
}
