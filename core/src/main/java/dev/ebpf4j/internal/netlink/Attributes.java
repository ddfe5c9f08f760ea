package dev.ebpf4j.internal.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The attributes ({@code rtattr}) of one netlink message or nested attribute, parsed with every length checked
 * against the enclosing buffer. A repeated type keeps its last occurrence, as the kernel's parsers do.
 *
 * <pre>{@code
 * Attributes a = reply.attributes(Rtnl.IFINFOMSG_LEN);
 * Attributes xdp = a.nested(Rtnl.IFLA_XDP).orElse(Attributes.EMPTY);
 * int progId = xdp.u32(Rtnl.IFLA_XDP_PROG_ID).orElse(0);
 * }</pre>
 */
public final class Attributes {
    public static final Attributes EMPTY = new Attributes(Map.of());

    private final Map<Integer, ByteBuffer> byType;

    private Attributes(Map<Integer, ByteBuffer> byType) {
        this.byType = byType;
    }

    /** Parses the attributes filling {@code buf} (position 0 to limit). */
    public static Attributes parse(ByteBuffer buf) {
        Map<Integer, ByteBuffer> map = new HashMap<>();
        int pos = 0;
        int end = buf.limit();
        while (end - pos >= Rtnl.RTA_HDRLEN) {
            int len = Short.toUnsignedInt(buf.getShort(pos));
            int type = Short.toUnsignedInt(buf.getShort(pos + 2)) & Rtnl.NLA_TYPE_MASK;
            if (len < Rtnl.RTA_HDRLEN || len > end - pos) {
                throw new MalformedNetlinkException("attribute type " + type + " at offset " + pos + " claims "
                        + len + " bytes but " + (end - pos) + " remain");
            }
            map.put(type, buf.slice(pos + Rtnl.RTA_HDRLEN, len - Rtnl.RTA_HDRLEN).order(ByteOrder.nativeOrder()));
            pos += Math.min(NetlinkMessage.align(len), end - pos);
        }
        return new Attributes(map);
    }

    public boolean has(int type) {
        return byType.containsKey(type);
    }

    /** A 32-bit attribute; empty when absent or shorter than 4 bytes. */
    public OptionalInt u32(int type) {
        ByteBuffer b = byType.get(type);
        return b == null || b.limit() < 4 ? OptionalInt.empty() : OptionalInt.of(b.getInt(0));
    }

    /** An 8-bit attribute; empty when absent or empty. */
    public OptionalInt u8(int type) {
        ByteBuffer b = byType.get(type);
        return b == null || b.limit() < 1 ? OptionalInt.empty() : OptionalInt.of(Byte.toUnsignedInt(b.get(0)));
    }

    /** A string attribute up to its first NUL (or its end). */
    public Optional<String> string(int type) {
        ByteBuffer b = byType.get(type);
        if (b == null) return Optional.empty();
        int n = 0;
        while (n < b.limit() && b.get(n) != 0) n++;
        byte[] s = new byte[n];
        b.get(0, s);
        return Optional.of(new String(s, StandardCharsets.UTF_8));
    }

    /** A nested attribute's own attributes. */
    public Optional<Attributes> nested(int type) {
        ByteBuffer b = byType.get(type);
        return b == null ? Optional.empty() : Optional.of(parse(b.duplicate().order(ByteOrder.nativeOrder())));
    }
}
