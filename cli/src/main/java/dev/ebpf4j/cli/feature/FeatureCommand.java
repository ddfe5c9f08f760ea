package dev.ebpf4j.cli.feature;

import dev.ebpf4j.cli.CommandGroup;
import dev.ebpf4j.cli.HelpCommand;
import dev.ebpf4j.cli.Session;
import picocli.CommandLine.Command;

/**
 * {@code ebpf4j feature}: bpftool's feature commands. Alone it probes the kernel, as {@code bpftool feature} does.
 *
 * <pre>{@code
 * ebpf4j feature probe --json
 * ebpf4j feature list_builtins map_types
 * }</pre>
 */
@Command(name = "feature", description = "Probe the kernel's BPF features.",
        subcommands = {FeatureProbeCommand.class, FeatureListBuiltinsCommand.class, HelpCommand.class})
public final class FeatureCommand extends CommandGroup {
    @Override
    protected int runDefault(Session session) {
        return FeatureProbeCommand.probe(session);
    }

    @Override
    public String usage(String bin) {
        return "Usage: " + bin + " feature probe [kernel]\n"
                + "       " + bin + " feature list_builtins GROUP\n"
                + "       " + bin + " feature help\n"
                + "\n"
                + "       GROUP := { prog_types | map_types | attach_types | link_types | helpers }\n"
                + "       OPTIONS := { {-j|--json} [{-p|--pretty}] | {-d|--debug} }\n";
    }
}
