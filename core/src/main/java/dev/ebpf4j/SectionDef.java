package dev.ebpf4j;

import java.util.Set;

/**
 * One row of the {@code SEC()} naming convention: a section name pattern, the program type and expected attach type
 * it implies, and how a program from such a section is attached. Patterns ending in {@code +} match the bare name or
 * the name followed by {@code /target}; patterns ending in {@code /} need a target; others match exactly.
 *
 * <pre>{@code
 * SectionDef d = ProgramSections.match("tracepoint/syscalls/sys_enter_openat").orElseThrow().definition();
 * d.programType();   // TRACEPOINT
 * d.attachKind();    // TRACEPOINT
 * }</pre>
 *
 * @param pattern     "tracepoint+", "xdp", "cgroup/connect4", ...
 * @param programType the program type
 * @param attachType  the expected attach type, or null
 * @param flags       properties of programs from such sections
 * @param attachKind  how {@code attach()} attaches them ({@link AttachKind#NONE} when only manually)
 */
public record SectionDef(String pattern, ProgramType programType, AttachType attachType, Set<Flag> flags,
                         AttachKind attachKind) {

    /** Properties a section implies. */
    public enum Flag {
        /** The program may sleep (BPF_F_SLEEPABLE). */
        SLEEPABLE,
        /** The target names a kernel BTF entity resolved at load (attach_btf_id). */
        ATTACH_BTF,
        /** XDP program that handles fragmented packets (BPF_F_XDP_HAS_FRAGS). */
        XDP_FRAGS,
        /** USDT probe: one uprobe per probe site, specs in usdt.bpf.h's maps ({@link dev.ebpf4j.link.UsdtLink}). */
        USDT,
        /** The attach type is passed as expected_attach_type at load. */
        EXPECTED_ATTACH,
        /** Like EXPECTED_ATTACH, but older kernels that reject it are retried without. */
        EXPECTED_ATTACH_OPTIONAL
    }

    /** The attach mechanisms a section can name. */
    public enum AttachKind {
        NONE, KPROBE, KRETPROBE, KPROBE_MULTI, KRETPROBE_MULTI, KPROBE_SESSION, UPROBE, URETPROBE, UPROBE_MULTI,
        URETPROBE_MULTI, UPROBE_SESSION, KSYSCALL, KRETSYSCALL, USDT, TRACEPOINT, RAW_TRACEPOINT, TRACING, LSM,
        ITER, XDP, TCX, TC_LEGACY, NETKIT, CGROUP, SOCKMAP, SK_LOOKUP, NETFILTER, PERF_EVENT, FLOW_DISSECTOR,
        STRUCT_OPS, FREPLACE, SOCKET_FILTER
    }

    /** True when names must be exactly the pattern or the pattern plus "/target". */
    public boolean takesTarget() {
        return pattern.endsWith("+") || pattern.endsWith("/");
    }

    /** The fixed part of the pattern, without "+". */
    public String prefix() {
        return pattern.endsWith("+") ? pattern.substring(0, pattern.length() - 1) : pattern;
    }

    /** True when {@code section} (without any "?" prefix) matches this row. */
    public boolean matches(String section) {
        if (pattern.endsWith("/")) return section.startsWith(pattern);
        if (pattern.endsWith("+")) {
            String p = prefix();
            return section.startsWith(p) && (section.length() == p.length() || section.charAt(p.length()) == '/');
        }
        return section.equals(pattern);
    }
}
