package dev.ebpf4j.cli.feature;

import dev.ebpf4j.AttachType;
import dev.ebpf4j.ProgramType;
import dev.ebpf4j.asm.HelperFunction;
import dev.ebpf4j.features.Feature;
import dev.ebpf4j.features.FeatureReport;
import dev.ebpf4j.features.MiscFeature;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/**
 * The plain-text layout of {@code feature probe}: bpftool's sections and sentences, then ebpf4j's extra sections.
 * Unavailable features of ebpf4j's own sections carry their reason in parentheses.
 *
 * <pre>{@code
 * FeaturePlain.write(Features.probeAll(), out);
 * }</pre>
 */
final class FeaturePlain {
    private FeaturePlain() {
    }

    static void write(FeatureReport r, PrintWriter out) {
        out.println("Scanning system configuration...");
        r.system().sysctls().forEach((name, value) -> out.println(SysctlText.describe(name, value)));
        for (Map.Entry<String, String> e : r.system().kernelOptions().entrySet()) {
            String v = e.getValue();
            out.println(v == null || v.equals("n") ? e.getKey() + " is not set" : e.getKey() + " is set to " + v);
        }
        out.println();
        out.println("Scanning system call availability...");
        out.println("bpf() syscall " + (r.bpfSyscall().available() ? "is" : "is NOT") + " available");
        out.println();
        out.println("Scanning eBPF program types...");
        r.programTypes().forEach((t, f) -> out.println("eBPF program_type " + t.bpftoolName() + " " + is(f)));
        out.println();
        out.println("Scanning eBPF map types...");
        r.mapTypes().forEach((t, f) -> out.println("eBPF map_type " + t.bpftoolName() + " " + is(f)));
        out.println();
        out.println("Scanning eBPF helper functions...");
        for (Map.Entry<ProgramType, List<HelperFunction>> e : r.helpers().entrySet()) {
            if (!r.programTypes().get(e.getKey()).available()) continue;
            out.println("eBPF helpers supported for program type " + e.getKey().bpftoolName() + ":");
            for (HelperFunction h : e.getValue()) out.println("\t- " + h.cName());
        }
        out.println();
        out.println("Scanning miscellaneous eBPF features...");
        for (Map.Entry<MiscFeature, Feature> e : r.misc().entrySet()) {
            out.println(e.getKey().description() + " " + is(e.getValue()) + reason(e.getValue()));
        }
        out.println();
        out.println("Scanning eBPF attach types (ebpf4j)...");
        for (Map.Entry<AttachType, Feature> e : r.attachTypes().entrySet()) {
            out.println("eBPF attach_type " + e.getKey().bpftoolName() + " " + is(e.getValue()) + reason(e.getValue()));
        }
        out.flush();
    }

    private static String is(Feature f) {
        return f.available() ? "is available" : "is NOT available";
    }

    private static String reason(Feature f) {
        return f.available() || f.detail().isEmpty() ? "" : " (" + f.detail() + ")";
    }
}
