package dev.ebpf4j.cli.feature;

import dev.ebpf4j.cli.CliCommand;
import dev.ebpf4j.cli.Session;
import dev.ebpf4j.cli.UsageException;
import dev.ebpf4j.cli.Words;
import dev.ebpf4j.features.FeatureReport;
import dev.ebpf4j.features.Features;
import picocli.CommandLine.Command;

/**
 * {@code feature probe [kernel]}: probes what the running kernel offers — system configuration, the bpf() syscall,
 * program types, map types, helpers per program type, miscellaneous features — in bpftool's layout, plus the attach
 * types and hook facilities ebpf4j probes beyond bpftool ({@code have_trampolines}, {@code have_kprobes}, ...).
 *
 * <pre>{@code
 * ebpf4j feature probe
 * ebpf4j feature probe kernel --json
 * }</pre>
 */
@Command(name = "probe", description = "Probe the running kernel's BPF features.")
public final class FeatureProbeCommand extends CliCommand {
    @Override
    protected int run(Session session, Words words) {
        if (words.take("kernel")) {
            words.end();
        } else if (!words.atEnd()) {
            throw new UsageException("unknown probe target '" + words.peek() + "'; ebpf4j probes the kernel only "
                    + "(device offload probing is not supported)");
        }
        return probe(session);
    }

    /** Probes and prints in the session's format. */
    static int probe(Session session) {
        FeatureReport report = Features.probeAll();
        if (session.json()) {
            FeatureJson.write(report, session.jsonWriter());
        } else {
            FeaturePlain.write(report, session.out());
        }
        return 0;
    }
}
