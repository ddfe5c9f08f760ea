package dev.ebpf4j.vm.context;

import dev.ebpf4j.ProgramType;
import dev.ebpf4j.vm.context.ContextLayout.Field;
import dev.ebpf4j.vm.context.ContextLayout.Kind;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The context layouts the VM emulates: {@code struct xdp_md} for XDP, {@code struct __sk_buff} for socket filters
 * (no direct packet access, as in the kernel) and for tc classifiers/actions (with {@code data}/{@code data_end}).
 *
 * <pre>{@code
 * ContextLayout l = ContextLayouts.forType(ProgramType.XDP).orElseThrow();
 * }</pre>
 */
public final class ContextLayouts {
    private ContextLayouts() {
    }

    /** {@code struct xdp_md}: 24 bytes of 4-byte read-only fields; pointers kept at 24, 32, 40. */
    public static final ContextLayout XDP = new ContextLayout("xdp_md", 24, 48, List.of(
            new Field("data", 0, 4, true, false, false, Kind.PACKET, 24),
            new Field("data_end", 4, 4, true, false, false, Kind.PACKET_END, 32),
            new Field("data_meta", 8, 4, true, false, false, Kind.PACKET_META, 40),
            new Field("ingress_ifindex", 12, 4, true, false, false, Kind.SCALAR, 12),
            new Field("rx_queue_index", 16, 4, true, false, false, Kind.SCALAR, 16),
            new Field("egress_ifindex", 20, 4, true, false, false, Kind.SCALAR, 20)), true);

    /** Offsets of {@code struct __sk_buff} fields the VM fills. */
    public static final int SKB_LEN = 0;
    public static final int SKB_PKT_TYPE = 4;
    public static final int SKB_MARK = 8;
    public static final int SKB_QUEUE_MAPPING = 12;
    public static final int SKB_PROTOCOL = 16;
    public static final int SKB_PRIORITY = 32;
    public static final int SKB_INGRESS_IFINDEX = 36;
    public static final int SKB_IFINDEX = 40;
    public static final int SKB_CB = 48;
    public static final int SKB_HASH = 68;
    public static final int SKB_TC_CLASSID = 72;
    public static final int SKB_DATA = 76;
    public static final int SKB_DATA_END = 80;
    public static final int SKB_DATA_META = 140;
    /** Size of {@code struct __sk_buff}. */
    public static final int SKB_SIZE = 192;

    /** {@code __sk_buff} as a socket filter sees it. */
    public static final ContextLayout SOCKET_FILTER = skb("__sk_buff", false);
    /** {@code __sk_buff} as a tc classifier/action sees it. */
    public static final ContextLayout SCHED_CLS = skb("__sk_buff", true);

    private static ContextLayout skb(String name, boolean direct) {
        List<Field> f = new ArrayList<>();
        String[] scalars = {"len", "pkt_type", "mark", "queue_mapping", "protocol", "vlan_present", "vlan_tci",
                "vlan_proto", "priority", "ingress_ifindex", "ifindex", "tc_index"};
        for (int i = 0; i < scalars.length; i++) {
            boolean writable = direct && (i == 2 || i == 3 || i == 8 || i == 11);   // mark, queue_mapping, priority, tc_index
            f.add(new Field(scalars[i], i * 4, 4, true, writable, false, Kind.SCALAR, i * 4));
        }
        f.add(new Field("cb", SKB_CB, 20, true, true, true, Kind.SCALAR, SKB_CB));
        f.add(new Field("hash", SKB_HASH, 4, true, false, false, Kind.SCALAR, SKB_HASH));
        if (direct) {
            f.add(new Field("tc_classid", SKB_TC_CLASSID, 4, true, true, false, Kind.SCALAR, SKB_TC_CLASSID));
            f.add(new Field("data", SKB_DATA, 4, true, false, false, Kind.PACKET, SKB_SIZE));
            f.add(new Field("data_end", SKB_DATA_END, 4, true, false, false, Kind.PACKET_END, SKB_SIZE + 8));
            f.add(new Field("data_meta", SKB_DATA_META, 4, true, false, false, Kind.PACKET_META, SKB_SIZE + 16));
        }
        f.add(new Field("napi_id", 84, 4, true, false, false, Kind.SCALAR, 84));
        return new ContextLayout(name, SKB_SIZE, SKB_SIZE + 24, List.copyOf(f), direct);
    }

    /** The layout for {@code type}, when the VM emulates it. */
    public static Optional<ContextLayout> forType(ProgramType type) {
        return switch (type) {
            case XDP -> Optional.of(XDP);
            case SOCKET_FILTER -> Optional.of(SOCKET_FILTER);
            case SCHED_CLS, SCHED_ACT -> Optional.of(SCHED_CLS);
            default -> Optional.empty();
        };
    }
}
