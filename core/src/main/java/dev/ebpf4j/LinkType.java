package dev.ebpf4j;

import java.util.Locale;
import java.util.Optional;

/**
 * BPF link types ({@code enum bpf_link_type}) as reported by link info; bpftool prints {@link #bpftoolName()}.
 *
 * <pre>{@code
 * LinkInfo info = link.info();  // info.type() == LinkType.TCX
 * }</pre>
 */
public enum LinkType {
    UNSPEC(0), RAW_TRACEPOINT(1), TRACING(2), CGROUP(3), ITER(4), NETNS(5), XDP(6), PERF_EVENT(7), KPROBE_MULTI(8),
    STRUCT_OPS(9), NETFILTER(10), TCX(11), UPROBE_MULTI(12), NETKIT(13), SOCKMAP(14);

    private final int number;

    LinkType(int number) {
        this.number = number;
    }

    /** The kernel's number for this link type. */
    public int number() {
        return number;
    }

    /** The name bpftool uses, e.g. "raw_tracepoint". */
    public String bpftoolName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The constant for a kernel number; empty when unknown. */
    public static Optional<LinkType> fromNumber(int number) {
        for (LinkType t : values()) if (t.number == number) return Optional.of(t);
        return Optional.empty();
    }

    /** "tcx" for a known number, "type 77" for an unknown one. */
    public static String describe(int number) {
        return fromNumber(number).map(LinkType::bpftoolName).orElse("type " + number);
    }
}
