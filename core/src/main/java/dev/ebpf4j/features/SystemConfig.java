package dev.ebpf4j.features;

import dev.ebpf4j.internal.KernelConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The BPF-relevant system configuration: sysctls (unprivileged BPF, JIT settings) and kernel build options, as
 * bpftool's "Scanning system configuration" section reports them.
 *
 * <pre>{@code
 * SystemConfig c = SystemConfig.read();
 * c.sysctls().get("bpf_jit_enable");           // 1
 * c.kernelOptions().get("CONFIG_DEBUG_INFO_BTF");  // "y"
 * }</pre>
 *
 * @param sysctls       name → value (null when unreadable)
 * @param kernelOptions CONFIG_* name → "y", "m", "n" or value, null when the option is absent from the config
 * @param configSource  where the kernel options came from
 */
public record SystemConfig(Map<String, Long> sysctls, Map<String, String> kernelOptions, String configSource) {

    /** The kernel options bpftool reports, in its order. */
    public static final List<String> OPTIONS = List.of(
            "CONFIG_BPF", "CONFIG_BPF_SYSCALL", "CONFIG_HAVE_EBPF_JIT", "CONFIG_BPF_JIT", "CONFIG_BPF_JIT_ALWAYS_ON",
            "CONFIG_DEBUG_INFO_BTF", "CONFIG_DEBUG_INFO_BTF_MODULES", "CONFIG_CGROUPS", "CONFIG_CGROUP_BPF",
            "CONFIG_CGROUP_NET_CLASSID", "CONFIG_SOCK_CGROUP_DATA", "CONFIG_BPF_EVENTS", "CONFIG_KPROBE_EVENTS",
            "CONFIG_UPROBE_EVENTS", "CONFIG_TRACING", "CONFIG_FTRACE_SYSCALLS", "CONFIG_FUNCTION_ERROR_INJECTION",
            "CONFIG_BPF_KPROBE_OVERRIDE", "CONFIG_NET", "CONFIG_XDP_SOCKETS", "CONFIG_LWTUNNEL_BPF",
            "CONFIG_NET_ACT_BPF", "CONFIG_NET_CLS_BPF", "CONFIG_NET_CLS_ACT", "CONFIG_NET_SCH_INGRESS", "CONFIG_XFRM",
            "CONFIG_IP_ROUTE_CLASSID", "CONFIG_IPV6_SEG6_BPF", "CONFIG_BPF_LIRC_MODE2", "CONFIG_BPF_STREAM_PARSER",
            "CONFIG_NETFILTER_XT_MATCH_BPF", "CONFIG_BPFILTER", "CONFIG_BPFILTER_UMH", "CONFIG_TEST_BPF",
            "CONFIG_HZ", "CONFIG_BPF_LSM", "CONFIG_KPROBES", "CONFIG_FUNCTION_TRACER",
            "CONFIG_DYNAMIC_FTRACE_WITH_DIRECT_CALLS");

    private static final Map<String, String> SYSCTLS = Map.of(
            "unprivileged_bpf_disabled", "/proc/sys/kernel/unprivileged_bpf_disabled",
            "bpf_jit_enable", "/proc/sys/net/core/bpf_jit_enable",
            "bpf_jit_harden", "/proc/sys/net/core/bpf_jit_harden",
            "bpf_jit_kallsyms", "/proc/sys/net/core/bpf_jit_kallsyms",
            "bpf_jit_limit", "/proc/sys/net/core/bpf_jit_limit");
    private static final List<String> SYSCTL_ORDER = List.of("unprivileged_bpf_disabled", "bpf_jit_enable",
            "bpf_jit_harden", "bpf_jit_kallsyms", "bpf_jit_limit");

    /** Reads the current configuration. */
    public static SystemConfig read() {
        Map<String, Long> sysctls = new LinkedHashMap<>();
        for (String name : SYSCTL_ORDER) sysctls.put(name, readLong(Path.of(SYSCTLS.get(name))));
        KernelConfig kc = KernelConfig.running();
        Map<String, String> options = new LinkedHashMap<>();
        for (String o : OPTIONS) options.put(o, kc.value(o).orElse(null));
        return new SystemConfig(sysctls, options, kc.source());
    }

    private static Long readLong(Path p) {
        try {
            return Long.parseLong(Files.readString(p).strip());
        } catch (IOException | NumberFormatException e) {
            return null;
        }
    }
}
