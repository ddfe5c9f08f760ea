package dev.ebpf4j;

import dev.ebpf4j.SectionDef.AttachKind;
import dev.ebpf4j.SectionDef.Flag;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static dev.ebpf4j.AttachType.*;
import static dev.ebpf4j.ProgramType.*;

/**
 * The {@code SEC()} naming convention of BPF C programs (libbpf's, which clang-built objects follow): one
 * {@link SectionDef} row per pattern, in matching order (more specific first). A leading {@code ?} marks a program
 * that is not loaded by default. Unknown names get the closest known ones as suggestions.
 *
 * <pre>{@code
 * ProgramSections.Match m = ProgramSections.match("?uprobe.s//usr/lib/libc.so.6:malloc").orElseThrow();
 * m.definition().programType();   // KPROBE
 * m.target();                     // "/usr/lib/libc.so.6:malloc"
 * m.autoload();                   // false
 * m.sleepable();                  // true
 * ProgramSections.suggestions("tracepont/sched/sched_switch");   // ["tracepoint+", "tp+", ...]
 * }</pre>
 */
public final class ProgramSections {
    private static final List<SectionDef> TABLE = List.of(
            row("socket", SOCKET_FILTER, null, AttachKind.SOCKET_FILTER),
            row("sk_reuseport/migrate", SK_REUSEPORT, SK_REUSEPORT_SELECT_OR_MIGRATE, AttachKind.NONE, Flag.EXPECTED_ATTACH),
            row("sk_reuseport", SK_REUSEPORT, SK_REUSEPORT_SELECT, AttachKind.NONE, Flag.EXPECTED_ATTACH),
            row("kprobe+", KPROBE, null, AttachKind.KPROBE),
            row("uprobe+", KPROBE, null, AttachKind.UPROBE),
            row("uprobe.s+", KPROBE, null, AttachKind.UPROBE, Flag.SLEEPABLE),
            row("kretprobe+", KPROBE, null, AttachKind.KRETPROBE),
            row("uretprobe+", KPROBE, null, AttachKind.URETPROBE),
            row("uretprobe.s+", KPROBE, null, AttachKind.URETPROBE, Flag.SLEEPABLE),
            row("kprobe.multi+", KPROBE, TRACE_KPROBE_MULTI, AttachKind.KPROBE_MULTI),
            row("kretprobe.multi+", KPROBE, TRACE_KPROBE_MULTI, AttachKind.KRETPROBE_MULTI),
            row("kprobe.session+", KPROBE, TRACE_KPROBE_SESSION, AttachKind.KPROBE_SESSION),
            row("uprobe.multi+", KPROBE, TRACE_UPROBE_MULTI, AttachKind.UPROBE_MULTI),
            row("uretprobe.multi+", KPROBE, TRACE_UPROBE_MULTI, AttachKind.URETPROBE_MULTI),
            row("uprobe.multi.s+", KPROBE, TRACE_UPROBE_MULTI, AttachKind.UPROBE_MULTI, Flag.SLEEPABLE),
            row("uretprobe.multi.s+", KPROBE, TRACE_UPROBE_MULTI, AttachKind.URETPROBE_MULTI, Flag.SLEEPABLE),
            row("uprobe.session+", KPROBE, TRACE_UPROBE_SESSION, AttachKind.UPROBE_SESSION),
            row("uprobe.session.s+", KPROBE, TRACE_UPROBE_SESSION, AttachKind.UPROBE_SESSION, Flag.SLEEPABLE),
            row("ksyscall+", KPROBE, null, AttachKind.KSYSCALL),
            row("kretsyscall+", KPROBE, null, AttachKind.KRETSYSCALL),
            row("usdt+", KPROBE, null, AttachKind.USDT, Flag.USDT),
            row("usdt.s+", KPROBE, null, AttachKind.USDT, Flag.USDT, Flag.SLEEPABLE),
            row("tc/ingress", SCHED_CLS, TCX_INGRESS, AttachKind.TCX),
            row("tc/egress", SCHED_CLS, TCX_EGRESS, AttachKind.TCX),
            row("tcx/ingress", SCHED_CLS, TCX_INGRESS, AttachKind.TCX),
            row("tcx/egress", SCHED_CLS, TCX_EGRESS, AttachKind.TCX),
            row("tc", SCHED_CLS, null, AttachKind.TC_LEGACY),
            row("classifier", SCHED_CLS, null, AttachKind.TC_LEGACY),
            row("action", SCHED_ACT, null, AttachKind.NONE),
            row("netkit/primary", SCHED_CLS, NETKIT_PRIMARY, AttachKind.NETKIT),
            row("netkit/peer", SCHED_CLS, NETKIT_PEER, AttachKind.NETKIT),
            row("tracepoint+", TRACEPOINT, null, AttachKind.TRACEPOINT),
            row("tp+", TRACEPOINT, null, AttachKind.TRACEPOINT),
            row("raw_tracepoint+", RAW_TRACEPOINT, null, AttachKind.RAW_TRACEPOINT),
            row("raw_tp+", RAW_TRACEPOINT, null, AttachKind.RAW_TRACEPOINT),
            row("raw_tracepoint.w+", RAW_TRACEPOINT_WRITABLE, null, AttachKind.RAW_TRACEPOINT),
            row("raw_tp.w+", RAW_TRACEPOINT_WRITABLE, null, AttachKind.RAW_TRACEPOINT),
            row("tp_btf+", TRACING, TRACE_RAW_TP, AttachKind.TRACING, Flag.ATTACH_BTF),
            row("fentry+", TRACING, TRACE_FENTRY, AttachKind.TRACING, Flag.ATTACH_BTF),
            row("fmod_ret+", TRACING, MODIFY_RETURN, AttachKind.TRACING, Flag.ATTACH_BTF),
            row("fexit+", TRACING, TRACE_FEXIT, AttachKind.TRACING, Flag.ATTACH_BTF),
            row("fentry.s+", TRACING, TRACE_FENTRY, AttachKind.TRACING, Flag.ATTACH_BTF, Flag.SLEEPABLE),
            row("fmod_ret.s+", TRACING, MODIFY_RETURN, AttachKind.TRACING, Flag.ATTACH_BTF, Flag.SLEEPABLE),
            row("fexit.s+", TRACING, TRACE_FEXIT, AttachKind.TRACING, Flag.ATTACH_BTF, Flag.SLEEPABLE),
            row("freplace+", EXT, null, AttachKind.FREPLACE, Flag.ATTACH_BTF),
            row("lsm+", LSM, LSM_MAC, AttachKind.LSM, Flag.ATTACH_BTF),
            row("lsm.s+", LSM, LSM_MAC, AttachKind.LSM, Flag.ATTACH_BTF, Flag.SLEEPABLE),
            row("lsm_cgroup+", LSM, LSM_CGROUP, AttachKind.NONE, Flag.ATTACH_BTF),
            row("iter+", TRACING, TRACE_ITER, AttachKind.ITER, Flag.ATTACH_BTF),
            row("iter.s+", TRACING, TRACE_ITER, AttachKind.ITER, Flag.ATTACH_BTF, Flag.SLEEPABLE),
            row("syscall", SYSCALL, null, AttachKind.NONE, Flag.SLEEPABLE),
            row("xdp.frags/devmap", ProgramType.XDP, XDP_DEVMAP, AttachKind.NONE, Flag.XDP_FRAGS),
            row("xdp/devmap", ProgramType.XDP, XDP_DEVMAP, AttachKind.NONE, Flag.EXPECTED_ATTACH),
            row("xdp.frags/cpumap", ProgramType.XDP, XDP_CPUMAP, AttachKind.NONE, Flag.XDP_FRAGS),
            row("xdp/cpumap", ProgramType.XDP, XDP_CPUMAP, AttachKind.NONE, Flag.EXPECTED_ATTACH),
            row("xdp.frags", ProgramType.XDP, AttachType.XDP, AttachKind.XDP, Flag.XDP_FRAGS),
            row("xdp", ProgramType.XDP, AttachType.XDP, AttachKind.XDP, Flag.EXPECTED_ATTACH_OPTIONAL),
            row("perf_event", ProgramType.PERF_EVENT, null, AttachKind.PERF_EVENT),
            row("lwt_in", LWT_IN, null, AttachKind.NONE),
            row("lwt_out", LWT_OUT, null, AttachKind.NONE),
            row("lwt_xmit", LWT_XMIT, null, AttachKind.NONE),
            row("lwt_seg6local", LWT_SEG6LOCAL, null, AttachKind.NONE),
            row("sockops", SOCK_OPS, CGROUP_SOCK_OPS, AttachKind.CGROUP, Flag.EXPECTED_ATTACH_OPTIONAL),
            row("sk_skb/stream_parser", SK_SKB, SK_SKB_STREAM_PARSER, AttachKind.SOCKMAP, Flag.EXPECTED_ATTACH_OPTIONAL),
            row("sk_skb/stream_verdict", SK_SKB, SK_SKB_STREAM_VERDICT, AttachKind.SOCKMAP, Flag.EXPECTED_ATTACH_OPTIONAL),
            row("sk_skb/verdict", SK_SKB, SK_SKB_VERDICT, AttachKind.SOCKMAP, Flag.EXPECTED_ATTACH_OPTIONAL),
            row("sk_skb", SK_SKB, null, AttachKind.NONE),
            row("sk_msg", SK_MSG, SK_MSG_VERDICT, AttachKind.SOCKMAP, Flag.EXPECTED_ATTACH_OPTIONAL),
            row("lirc_mode2", ProgramType.LIRC_MODE2, AttachType.LIRC_MODE2, AttachKind.NONE, Flag.EXPECTED_ATTACH_OPTIONAL),
            row("flow_dissector", ProgramType.FLOW_DISSECTOR, AttachType.FLOW_DISSECTOR, AttachKind.FLOW_DISSECTOR,
                    Flag.EXPECTED_ATTACH_OPTIONAL),
            row("cgroup_skb/ingress", CGROUP_SKB, CGROUP_INET_INGRESS, AttachKind.CGROUP, Flag.EXPECTED_ATTACH_OPTIONAL),
            row("cgroup_skb/egress", CGROUP_SKB, CGROUP_INET_EGRESS, AttachKind.CGROUP, Flag.EXPECTED_ATTACH_OPTIONAL),
            row("cgroup/skb", CGROUP_SKB, null, AttachKind.NONE),
            row("cgroup/sock_create", CGROUP_SOCK, CGROUP_INET_SOCK_CREATE, AttachKind.CGROUP, Flag.EXPECTED_ATTACH),
            row("cgroup/sock_release", CGROUP_SOCK, CGROUP_INET_SOCK_RELEASE, AttachKind.CGROUP, Flag.EXPECTED_ATTACH),
            row("cgroup/sock", CGROUP_SOCK, CGROUP_INET_SOCK_CREATE, AttachKind.CGROUP, Flag.EXPECTED_ATTACH_OPTIONAL),
            row("cgroup/post_bind4", CGROUP_SOCK, CGROUP_INET4_POST_BIND, AttachKind.CGROUP, Flag.EXPECTED_ATTACH),
            row("cgroup/post_bind6", CGROUP_SOCK, CGROUP_INET6_POST_BIND, AttachKind.CGROUP, Flag.EXPECTED_ATTACH),
            row("cgroup/bind4", CGROUP_SOCK_ADDR, CGROUP_INET4_BIND, AttachKind.CGROUP, Flag.EXPECTED_ATTACH),
            row("cgroup/bind6", CGROUP_SOCK_ADDR, CGROUP_INET6_BIND, AttachKind.CGROUP, Flag.EXPECTED_ATTACH),
            row("cgroup/connect4", CGROUP_SOCK_ADDR, CGROUP_INET4_CONNECT, AttachKind.CGROUP, Flag.EXPECTED_ATTACH),
            row("cgroup/connect6", CGROUP_SOCK_ADDR, CGROUP_INET6_CONNECT, AttachKind.CGROUP, Flag.EXPECTED_ATTACH),
            row("cgroup/connect_unix", CGROUP_SOCK_ADDR, CGROUP_UNIX_CONNECT, AttachKind.CGROUP, Flag.EXPECTED_ATTACH),
            row("cgroup/sendmsg4", CGROUP_SOCK_ADDR, CGROUP_UDP4_SENDMSG, AttachKind.CGROUP, Flag.EXPECTED_ATTACH),
            row("cgroup/sendmsg6", CGROUP_SOCK_ADDR, CGROUP_UDP6_SENDMSG, AttachKind.CGROUP, Flag.EXPECTED_ATTACH),
            row("cgroup/sendmsg_unix", CGROUP_SOCK_ADDR, CGROUP_UNIX_SENDMSG, AttachKind.CGROUP, Flag.EXPECTED_ATTACH),
            row("cgroup/recvmsg4", CGROUP_SOCK_ADDR, CGROUP_UDP4_RECVMSG, AttachKind.CGROUP, Flag.EXPECTED_ATTACH),
            row("cgroup/recvmsg6", CGROUP_SOCK_ADDR, CGROUP_UDP6_RECVMSG, AttachKind.CGROUP, Flag.EXPECTED_ATTACH),
            row("cgroup/recvmsg_unix", CGROUP_SOCK_ADDR, CGROUP_UNIX_RECVMSG, AttachKind.CGROUP, Flag.EXPECTED_ATTACH),
            row("cgroup/getpeername4", CGROUP_SOCK_ADDR, CGROUP_INET4_GETPEERNAME, AttachKind.CGROUP, Flag.EXPECTED_ATTACH),
            row("cgroup/getpeername6", CGROUP_SOCK_ADDR, CGROUP_INET6_GETPEERNAME, AttachKind.CGROUP, Flag.EXPECTED_ATTACH),
            row("cgroup/getpeername_unix", CGROUP_SOCK_ADDR, CGROUP_UNIX_GETPEERNAME, AttachKind.CGROUP,
                    Flag.EXPECTED_ATTACH),
            row("cgroup/getsockname4", CGROUP_SOCK_ADDR, CGROUP_INET4_GETSOCKNAME, AttachKind.CGROUP, Flag.EXPECTED_ATTACH),
            row("cgroup/getsockname6", CGROUP_SOCK_ADDR, CGROUP_INET6_GETSOCKNAME, AttachKind.CGROUP, Flag.EXPECTED_ATTACH),
            row("cgroup/getsockname_unix", CGROUP_SOCK_ADDR, CGROUP_UNIX_GETSOCKNAME, AttachKind.CGROUP,
                    Flag.EXPECTED_ATTACH),
            row("cgroup/sysctl", ProgramType.CGROUP_SYSCTL, AttachType.CGROUP_SYSCTL, AttachKind.CGROUP,
                    Flag.EXPECTED_ATTACH),
            row("cgroup/getsockopt", CGROUP_SOCKOPT, CGROUP_GETSOCKOPT, AttachKind.CGROUP, Flag.EXPECTED_ATTACH),
            row("cgroup/setsockopt", CGROUP_SOCKOPT, CGROUP_SETSOCKOPT, AttachKind.CGROUP, Flag.EXPECTED_ATTACH),
            row("cgroup/dev", ProgramType.CGROUP_DEVICE, AttachType.CGROUP_DEVICE, AttachKind.CGROUP,
                    Flag.EXPECTED_ATTACH_OPTIONAL),
            row("struct_ops+", ProgramType.STRUCT_OPS, null, AttachKind.STRUCT_OPS),
            row("struct_ops.s+", ProgramType.STRUCT_OPS, null, AttachKind.STRUCT_OPS, Flag.SLEEPABLE),
            row("sk_lookup", ProgramType.SK_LOOKUP, AttachType.SK_LOOKUP, AttachKind.SK_LOOKUP, Flag.EXPECTED_ATTACH),
            row("netfilter", ProgramType.NETFILTER, AttachType.NETFILTER, AttachKind.NETFILTER));

    private ProgramSections() {
    }

    private static SectionDef row(String pattern, ProgramType type, AttachType attach, AttachKind kind, Flag... flags) {
        Set<Flag> f = flags.length == 0 ? EnumSet.noneOf(Flag.class) : EnumSet.of(flags[0], flags);
        return new SectionDef(pattern, type, attach, Set.copyOf(f), kind);
    }

    /** Every row, in matching order. */
    public static List<SectionDef> all() {
        return TABLE;
    }

    /**
     * A section name matched against the table.
     *
     * @param section    the section name as written (maybe with "?")
     * @param definition the matching row
     * @param target     what follows "pattern/" ("" when nothing)
     * @param autoload   false when the name started with "?"
     */
    public record Match(String section, SectionDef definition, String target, boolean autoload) {
        public boolean sleepable() {
            return definition.flags().contains(Flag.SLEEPABLE);
        }

        /** The program flags the section implies ({@link ProgramFlags#SLEEPABLE}, {@link ProgramFlags#XDP_HAS_FRAGS}). */
        public int programFlags() {
            int f = 0;
            if (definition.flags().contains(Flag.SLEEPABLE)) f |= ProgramFlags.SLEEPABLE;
            if (definition.flags().contains(Flag.XDP_FRAGS)) f |= ProgramFlags.XDP_HAS_FRAGS;
            return f;
        }
    }

    /** The row matching {@code section}, with its target and autoload flag; empty for unknown names. */
    public static Optional<Match> match(String section) {
        boolean autoload = true;
        String name = section;
        if (name.startsWith("?")) {
            autoload = false;
            name = name.substring(1);
        }
        for (SectionDef d : TABLE) {
            if (d.matches(name)) {
                String prefix = d.pattern().endsWith("/") ? d.pattern() : d.prefix();
                String target = name.length() > prefix.length()
                        ? name.substring(prefix.length() + (d.pattern().endsWith("/") ? 0 : 1)) : "";
                return Optional.of(new Match(section, d, target, autoload));
            }
        }
        return Optional.empty();
    }

    /** Like {@link #match} but throws naming the section and the closest known names. */
    public static Match require(String section) {
        return match(section).orElseThrow(() -> new ObjectFormatException(section, -1,
                "unknown program section name '" + section + "'; closest known: "
                        + String.join(", ", suggestions(section)) + " (see ProgramSections.all())"));
    }

    /** Up to three known patterns closest to {@code section} (edit distance on the leading part). */
    public static List<String> suggestions(String section) {
        String name = section.startsWith("?") ? section.substring(1) : section;
        record Scored(String pattern, int distance) {
        }
        List<Scored> scored = new ArrayList<>();
        for (SectionDef d : TABLE) {
            String p = d.prefix();
            int slash = name.indexOf('/', Math.min(name.length(), Math.max(0, p.indexOf('/') + 1)));
            String head = d.takesTarget() && slash > 0 ? name.substring(0, slash) : name;
            scored.add(new Scored(d.pattern(), editDistance(head, p)));
        }
        scored.sort(Comparator.comparingInt(Scored::distance).thenComparing(Scored::pattern));
        return scored.stream().limit(3).map(Scored::pattern).toList();
    }

    /** Edit distance counting insertions, deletions, substitutions and adjacent transpositions as one each. */
    static int editDistance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) d[i][0] = i;
        for (int j = 0; j <= b.length(); j++) d[0][j] = j;
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
