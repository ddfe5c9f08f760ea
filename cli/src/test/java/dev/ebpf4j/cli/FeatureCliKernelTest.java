package dev.ebpf4j.cli;

import dev.ebpf4j.testkit.KernelTest;
import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;

/** {@code ebpf4j feature probe|list_builtins} against the running kernel, with bpftool as the oracle. */
@KernelTest
class FeatureCliKernelTest {
    private static final Pattern BOOL_KEY = Pattern.compile("\"(have_[a-z0-9_]+)\":\\s*(true|false)");

    @Test
    void plainProbeHasBpftoolsSectionsAndSentences() {
        Cli.Result r = Cli.run("feature", "probe");
        assertEquals(0, r.exit(), r.err());
        for (String line : new String[]{"Scanning system configuration...", "JIT compiler is enabled",
                "CONFIG_BPF_SYSCALL is set to y", "bpf() syscall is available", "eBPF program_type xdp is available",
                "eBPF map_type ringbuf is available", "eBPF helpers supported for program type xdp:",
                "\t- bpf_xdp_adjust_head", "Bounded loop support is available"}) {
            assertTrue(r.out().contains(line), "missing line: " + line);
        }
        assertFalse(r.out().contains("eBPF helpers supported for program type socket_filter:\n\t- bpf_map_lookup_elem\n"
                + "\t- bpf_map_update_elem\n\t- bpf_map_delete_elem\n\t- bpf_probe_read\n"),
                "socket filters may not call bpf_probe_read on this kernel");
    }

    @Test
    void jsonAgreesWithBpftoolOnWhatBothProbeTheSameWay() {
        Cli.Result ours = Cli.run("-j", "feature", "probe");
        assertEquals(0, ours.exit(), ours.err());
        if (!Cli.hasBpftool()) return;
        Cli.Result theirs = Cli.bpftool("-j", "feature", "probe", "kernel");
        Set<String> ourTrue = keys(ours.out(), "true");
        Set<String> theirTrue = keys(theirs.out(), "true");
        Set<String> theirKeys = keys(theirs.out(), null);
        // bpftool 7.1 probes tracing programs with fentry, which this kernel refuses; ebpf4j probes them with tp_btf.
        Set<String> known = Set.of("have_tracing_prog_type");
        for (String k : theirKeys) {
            if (known.contains(k) || !(k.endsWith("_prog_type") || k.endsWith("_map_type") || k.startsWith("have_v")
                    || k.equals("have_bpf_syscall") || k.equals("have_large_insn_limit")
                    || k.equals("have_bounded_loops"))) {
                continue;
            }
            assertEquals(theirTrue.contains(k), ourTrue.contains(k), "feature " + k);
        }
        assertTrue(ours.out().contains("\"CONFIG_BPF_SYSCALL\":\"y\"") || ours.out().contains("\"CONFIG_BPF_SYSCALL\": \"y\""));
        assertTrue(ourTrue.contains("have_tracing_prog_type"), "tp_btf programs load here");
    }

    @Test
    void listBuiltinsNamesWhatEbpf4jKnows() {
        Cli.Result r = Cli.run("feature", "list_builtins", "map_types");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().lines().toList().containsAll(java.util.List.of("hash", "ringbuf", "arena")));
        assertEquals(2, Cli.run("feature", "list_builtins", "nosuch").exit());
    }

    private static Set<String> keys(String json, String value) {
        Matcher m = BOOL_KEY.matcher(json);
        Set<String> out = new java.util.HashSet<>();
        while (m.find()) if (value == null || m.group(2).equals(value)) out.add(m.group(1));
        return out.stream().collect(Collectors.toSet());
    }
}
