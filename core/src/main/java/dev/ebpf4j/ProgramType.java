package dev.ebpf4j;

import java.util.Locale;
import java.util.Optional;

/**
 * BPF program types ({@code enum bpf_prog_type}), one row each: kernel number and the first Linux version that has
 * it. {@link #bpftoolName()} is the name bpftool prints ({@code "sched_cls"}).
 *
 * <pre>{@code
 * ProgramSpec spec = ProgramSpec.builder(ProgramType.XDP).name("pass").instructions(insns).build();
 * }</pre>
 */
public enum ProgramType {
    UNSPEC(0, ""),
    SOCKET_FILTER(1, "3.19"),
    KPROBE(2, "4.1"),
    SCHED_CLS(3, "4.1"),
    SCHED_ACT(4, "4.1"),
    TRACEPOINT(5, "4.7"),
    XDP(6, "4.8"),
    PERF_EVENT(7, "4.9"),
    CGROUP_SKB(8, "4.10"),
    CGROUP_SOCK(9, "4.10"),
    LWT_IN(10, "4.10"),
    LWT_OUT(11, "4.10"),
    LWT_XMIT(12, "4.10"),
    SOCK_OPS(13, "4.13"),
    SK_SKB(14, "4.14"),
    CGROUP_DEVICE(15, "4.15"),
    SK_MSG(16, "4.17"),
    RAW_TRACEPOINT(17, "4.17"),
    CGROUP_SOCK_ADDR(18, "4.17"),
    LWT_SEG6LOCAL(19, "4.18"),
    LIRC_MODE2(20, "4.18"),
    SK_REUSEPORT(21, "4.19"),
    FLOW_DISSECTOR(22, "4.20"),
    CGROUP_SYSCTL(23, "5.2"),
    RAW_TRACEPOINT_WRITABLE(24, "5.2"),
    CGROUP_SOCKOPT(25, "5.3"),
    TRACING(26, "5.5"),
    STRUCT_OPS(27, "5.6"),
    EXT(28, "5.6"),
    LSM(29, "5.7"),
    SK_LOOKUP(30, "5.9"),
    SYSCALL(31, "5.14"),
    NETFILTER(32, "6.4");

    private static final ProgramType[] BY_NUMBER = new ProgramType[64];

    static {
        for (ProgramType t : values()) BY_NUMBER[t.number] = t;
    }

    private final int number;
    private final String minimumKernel;

    ProgramType(int number, String minimumKernel) {
        this.number = number;
        this.minimumKernel = minimumKernel;
    }

    /** The kernel's number for this type. */
    public int number() {
        return number;
    }

    /** The first Linux version with this program type. */
    public String minimumKernel() {
        return minimumKernel;
    }

    /** The name bpftool uses, e.g. "sched_cls". */
    public String bpftoolName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Programs of this type can be run with {@code BPF_PROG_TEST_RUN} on packet data. */
    public boolean takesPacketData() {
        return switch (this) {
            case SOCKET_FILTER, SCHED_CLS, SCHED_ACT, XDP, CGROUP_SKB, LWT_IN, LWT_OUT, LWT_XMIT, LWT_SEG6LOCAL,
                 SK_SKB, FLOW_DISSECTOR -> true;
            default -> false;
        };
    }

    /** The constant for a kernel number; empty when unknown. */
    public static Optional<ProgramType> fromNumber(int number) {
        return number >= 0 && number < BY_NUMBER.length ? Optional.ofNullable(BY_NUMBER[number]) : Optional.empty();
    }

    /** The constant for a bpftool-style or enum-style name, case-insensitive. */
    public static Optional<ProgramType> fromName(String name) {
        String n = name.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        if (n.startsWith("BPF_PROG_TYPE_")) n = n.substring("BPF_PROG_TYPE_".length());
        try {
            ProgramType t = valueOf(n);
            return t == UNSPEC ? Optional.empty() : Optional.of(t);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** "xdp" for a known number, "type 77" for an unknown one. */
    public static String describe(int number) {
        return fromNumber(number).map(ProgramType::bpftoolName).orElse("type " + number);
    }
}
