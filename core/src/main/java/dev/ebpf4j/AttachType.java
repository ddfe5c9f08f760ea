package dev.ebpf4j;

import java.util.Locale;
import java.util.Optional;

/**
 * BPF attach types ({@code enum bpf_attach_type}): where a program is attached, used as a program's expected attach
 * type at load and as the attach type of links. Each row names the program type that attaches there.
 *
 * <pre>{@code
 * ProgramSpec.builder(ProgramType.CGROUP_SKB).expectedAttachType(AttachType.CGROUP_INET_EGRESS)...
 * }</pre>
 */
public enum AttachType {
    CGROUP_INET_INGRESS(0, ProgramType.CGROUP_SKB),
    CGROUP_INET_EGRESS(1, ProgramType.CGROUP_SKB),
    CGROUP_INET_SOCK_CREATE(2, ProgramType.CGROUP_SOCK),
    CGROUP_SOCK_OPS(3, ProgramType.SOCK_OPS),
    SK_SKB_STREAM_PARSER(4, ProgramType.SK_SKB),
    SK_SKB_STREAM_VERDICT(5, ProgramType.SK_SKB),
    CGROUP_DEVICE(6, ProgramType.CGROUP_DEVICE),
    SK_MSG_VERDICT(7, ProgramType.SK_MSG),
    CGROUP_INET4_BIND(8, ProgramType.CGROUP_SOCK_ADDR),
    CGROUP_INET6_BIND(9, ProgramType.CGROUP_SOCK_ADDR),
    CGROUP_INET4_CONNECT(10, ProgramType.CGROUP_SOCK_ADDR),
    CGROUP_INET6_CONNECT(11, ProgramType.CGROUP_SOCK_ADDR),
    CGROUP_INET4_POST_BIND(12, ProgramType.CGROUP_SOCK),
    CGROUP_INET6_POST_BIND(13, ProgramType.CGROUP_SOCK),
    CGROUP_UDP4_SENDMSG(14, ProgramType.CGROUP_SOCK_ADDR),
    CGROUP_UDP6_SENDMSG(15, ProgramType.CGROUP_SOCK_ADDR),
    LIRC_MODE2(16, ProgramType.LIRC_MODE2),
    FLOW_DISSECTOR(17, ProgramType.FLOW_DISSECTOR),
    CGROUP_SYSCTL(18, ProgramType.CGROUP_SYSCTL),
    CGROUP_UDP4_RECVMSG(19, ProgramType.CGROUP_SOCK_ADDR),
    CGROUP_UDP6_RECVMSG(20, ProgramType.CGROUP_SOCK_ADDR),
    CGROUP_GETSOCKOPT(21, ProgramType.CGROUP_SOCKOPT),
    CGROUP_SETSOCKOPT(22, ProgramType.CGROUP_SOCKOPT),
    TRACE_RAW_TP(23, ProgramType.TRACING),
    TRACE_FENTRY(24, ProgramType.TRACING),
    TRACE_FEXIT(25, ProgramType.TRACING),
    MODIFY_RETURN(26, ProgramType.TRACING),
    LSM_MAC(27, ProgramType.LSM),
    TRACE_ITER(28, ProgramType.TRACING),
    CGROUP_INET4_GETPEERNAME(29, ProgramType.CGROUP_SOCK_ADDR),
    CGROUP_INET6_GETPEERNAME(30, ProgramType.CGROUP_SOCK_ADDR),
    CGROUP_INET4_GETSOCKNAME(31, ProgramType.CGROUP_SOCK_ADDR),
    CGROUP_INET6_GETSOCKNAME(32, ProgramType.CGROUP_SOCK_ADDR),
    XDP_DEVMAP(33, ProgramType.XDP),
    CGROUP_INET_SOCK_RELEASE(34, ProgramType.CGROUP_SOCK),
    XDP_CPUMAP(35, ProgramType.XDP),
    SK_LOOKUP(36, ProgramType.SK_LOOKUP),
    XDP(37, ProgramType.XDP),
    SK_SKB_VERDICT(38, ProgramType.SK_SKB),
    SK_REUSEPORT_SELECT(39, ProgramType.SK_REUSEPORT),
    SK_REUSEPORT_SELECT_OR_MIGRATE(40, ProgramType.SK_REUSEPORT),
    PERF_EVENT(41, ProgramType.PERF_EVENT),
    TRACE_KPROBE_MULTI(42, ProgramType.KPROBE),
    LSM_CGROUP(43, ProgramType.LSM),
    STRUCT_OPS(44, ProgramType.STRUCT_OPS),
    NETFILTER(45, ProgramType.NETFILTER),
    TCX_INGRESS(46, ProgramType.SCHED_CLS),
    TCX_EGRESS(47, ProgramType.SCHED_CLS),
    TRACE_UPROBE_MULTI(48, ProgramType.KPROBE),
    CGROUP_UNIX_CONNECT(49, ProgramType.CGROUP_SOCK_ADDR),
    CGROUP_UNIX_SENDMSG(50, ProgramType.CGROUP_SOCK_ADDR),
    CGROUP_UNIX_RECVMSG(51, ProgramType.CGROUP_SOCK_ADDR),
    CGROUP_UNIX_GETPEERNAME(52, ProgramType.CGROUP_SOCK_ADDR),
    CGROUP_UNIX_GETSOCKNAME(53, ProgramType.CGROUP_SOCK_ADDR),
    NETKIT_PRIMARY(54, ProgramType.SCHED_CLS),
    NETKIT_PEER(55, ProgramType.SCHED_CLS),
    TRACE_KPROBE_SESSION(56, ProgramType.KPROBE),
    TRACE_UPROBE_SESSION(57, ProgramType.KPROBE);

    private static final AttachType[] BY_NUMBER = new AttachType[128];

    static {
        for (AttachType t : values()) BY_NUMBER[t.number] = t;
    }

    private final int number;
    private final ProgramType programType;

    AttachType(int number, ProgramType programType) {
        this.number = number;
        this.programType = programType;
    }

    /** The kernel's number for this attach type. */
    public int number() {
        return number;
    }

    /** The program type that attaches here. */
    public ProgramType programType() {
        return programType;
    }

    /** The name bpftool uses, e.g. "cgroup_inet_ingress". */
    public String bpftoolName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** True for the cgroup attach types (attached to a cgroup directory fd). */
    public boolean isCgroup() {
        return name().startsWith("CGROUP_") || this == LSM_CGROUP;
    }

    /** The constant for a kernel number; empty when unknown. */
    public static Optional<AttachType> fromNumber(int number) {
        return number >= 0 && number < BY_NUMBER.length ? Optional.ofNullable(BY_NUMBER[number]) : Optional.empty();
    }

    /** The constant for a bpftool-style or enum-style name, case-insensitive. */
    public static Optional<AttachType> fromName(String name) {
        String n = name.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        if (n.startsWith("BPF_")) n = n.substring(4);
        try {
            return Optional.of(valueOf(n));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** "xdp" for a known number, "type 77" for an unknown one. */
    public static String describe(int number) {
        return fromNumber(number).map(AttachType::bpftoolName).orElse("type " + number);
    }
}
