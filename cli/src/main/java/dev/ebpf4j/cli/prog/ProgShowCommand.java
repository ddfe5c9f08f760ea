package dev.ebpf4j.cli.prog;

import dev.ebpf4j.BpfException;
import dev.ebpf4j.Errno;
import dev.ebpf4j.Program;
import dev.ebpf4j.cli.CliCommand;
import dev.ebpf4j.cli.PinnedObjects;
import dev.ebpf4j.cli.Session;
import dev.ebpf4j.cli.Words;
import picocli.CommandLine.Command;

import java.util.List;
import java.util.Map;

/**
 * {@code prog show|list [PROG]}: every program, or the ones PROG names, as bpftool prints them.
 *
 * <pre>{@code
 * ebpf4j prog list
 * ebpf4j -p prog show id 12
 * }</pre>
 */
@Command(name = "show", aliases = "list", description = "Show programs.")
public final class ProgShowCommand extends CliCommand {
    @Override
    protected int run(Session session, Words words) {
        if (words.atEnd()) return showAll(session);
        ProgRef ref = ProgRef.parse(words);
        words.end();
        Map<Integer, List<String>> pins = session.showPinned() ? PinnedObjects.scan("prog") : Map.of();
        List<Program> progs = ref.openAll();
        try {
            boolean array = session.json() && progs.size() > 1;
            if (array) session.jsonWriter().startArray();
            for (Program p : progs) ProgPrinter.show(session, p, pins);
            if (array) session.jsonWriter().endArray();
        } finally {
            progs.forEach(Program::close);
        }
        return 0;
    }

    /** Shows every program in the system (a JSON array in JSON mode). */
    static int showAll(Session session) {
        Map<Integer, List<String>> pins = session.showPinned() ? PinnedObjects.scan("prog") : Map.of();
        if (session.json()) session.jsonWriter().startArray();
        for (int id : Program.ids()) {
            Program prog;
            try {
                prog = Program.fromId(id);
            } catch (BpfException e) {
                if (e.errno() == Errno.ENOENT) continue;   // unloaded since it was listed
                throw e;
            }
            try (prog) {
                ProgPrinter.show(session, prog, pins);
            }
        }
        if (session.json()) session.jsonWriter().endArray();
        return 0;
    }
}
