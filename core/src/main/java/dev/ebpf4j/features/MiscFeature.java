package dev.ebpf4j.features;

/**
 * Kernel features that are neither a program, map nor helper: verifier limits, ISA extensions, hook facilities and
 * link kinds. Each row carries the name bpftool's JSON uses (or ebpf4j's own for what bpftool does not probe) and the
 * first Linux version that has it; {@link Features#misc(MiscFeature)} probes it.
 *
 * <pre>{@code
 * if (Features.misc(MiscFeature.TCX).available()) { ... attach with tcx ... }
 * }</pre>
 */
public enum MiscFeature {
    LARGE_INSN_LIMIT("have_large_insn_limit", "Large program size limit", "5.2"),
    BOUNDED_LOOPS("have_bounded_loops", "Bounded loop support", "5.3"),
    ISA_V2("have_v2_isa_extension", "ISA extension v2", "4.14"),
    ISA_V3("have_v3_isa_extension", "ISA extension v3", "5.1"),
    ISA_V4("have_v4_isa_extension", "ISA extension v4", "6.6"),
    KPROBES("have_kprobes", "kprobes (kprobe PMU or tracefs kprobe_events)", "4.1"),
    UPROBES("have_uprobes", "uprobes (uprobe PMU or tracefs uprobe_events)", "4.3"),
    TRAMPOLINES("have_trampolines", "BPF trampolines (fentry/fexit/fmod_ret, LSM, freplace)", "5.5"),
    PERF_LINK("have_perf_link", "bpf_link for perf events (tracepoint, kprobe, uprobe, perf_event)", "5.15"),
    BPF_COOKIE("have_bpf_cookie", "BPF cookie on perf event links", "5.15"),
    XDP_LINK("have_xdp_link", "bpf_link for XDP", "5.9"),
    TCX("have_tcx", "tcx (bpf_link for tc ingress/egress)", "6.6"),
    KPROBE_MULTI("have_kprobe_multi", "kprobe.multi links", "5.18"),
    UPROBE_MULTI("have_uprobe_multi", "uprobe.multi links", "6.6");

    private final String jsonKey;
    private final String description;
    private final String minimumKernel;

    MiscFeature(String jsonKey, String description, String minimumKernel) {
        this.jsonKey = jsonKey;
        this.description = description;
        this.minimumKernel = minimumKernel;
    }

    /** Key in {@code feature probe --json} output ("have_bounded_loops"). */
    public String jsonKey() {
        return jsonKey;
    }

    /** Human-readable name, as bpftool prints it where bpftool has it. */
    public String description() {
        return description;
    }

    public String minimumKernel() {
        return minimumKernel;
    }
}
