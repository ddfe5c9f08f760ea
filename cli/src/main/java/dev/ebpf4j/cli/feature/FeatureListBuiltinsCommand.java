package dev.ebpf4j.cli.feature;

import dev.ebpf4j.AttachType;
import dev.ebpf4j.LinkType;
import dev.ebpf4j.MapType;
import dev.ebpf4j.ProgramType;
import dev.ebpf4j.asm.HelperFunction;
import dev.ebpf4j.cli.CliCommand;
import dev.ebpf4j.cli.Session;
import dev.ebpf4j.cli.UsageException;
import dev.ebpf4j.cli.Words;
import picocli.CommandLine.Command;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code feature list_builtins GROUP}: the names ebpf4j knows (not what the kernel offers), one per line, as bpftool
 * prints them.
 *
 * <pre>{@code
 * ebpf4j feature list_builtins helpers
 * }</pre>
 */
@Command(name = "list_builtins", description = "List the program, map, attach, link types or helpers ebpf4j knows.")
public final class FeatureListBuiltinsCommand extends CliCommand {
    @Override
    protected int run(Session session, Words words) {
        String group = words.next("GROUP");
        words.end();
        List<String> names = new ArrayList<>();
        switch (group) {
            case "prog_types" -> {
                for (ProgramType t : ProgramType.values()) names.add(t.bpftoolName());
            }
            case "map_types" -> {
                for (MapType t : MapType.values()) names.add(t.bpftoolName());
            }
            case "attach_types" -> {
                for (AttachType t : AttachType.values()) names.add(t.bpftoolName());
            }
            case "link_types" -> {
                for (LinkType t : LinkType.values()) names.add(t.bpftoolName());
            }
            case "helpers" -> {
                names.add("bpf_unspec");
                for (HelperFunction h : HelperFunction.values()) names.add(h.cName());
            }
            default -> throw new UsageException("unknown GROUP '" + group
                    + "'; expected prog_types, map_types, attach_types, link_types or helpers");
        }
        if (session.json()) {
            session.jsonWriter().startArray();
            for (String n : names) session.jsonWriter().string(n);
            session.jsonWriter().endArray();
        } else {
            for (String n : names) session.out().println(n);
        }
        return 0;
    }
}
