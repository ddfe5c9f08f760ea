package dev.ebpf4j.cli.link;

import dev.ebpf4j.BpfException;
import dev.ebpf4j.Errno;
import dev.ebpf4j.cli.CliCommand;
import dev.ebpf4j.cli.PinnedObjects;
import dev.ebpf4j.cli.Session;
import dev.ebpf4j.cli.Words;
import dev.ebpf4j.link.LinkHandle;
import picocli.CommandLine.Command;

import java.util.List;
import java.util.Map;

/**
 * {@code link show|list [LINK]}: every link, or the one LINK names, as bpftool prints them.
 *
 * <pre>{@code
 * ebpf4j link list
 * ebpf4j -j link show id 7
 * }</pre>
 */
@Command(name = "show", aliases = "list", description = "Show links.")
public final class LinkShowCommand extends CliCommand {
    @Override
    protected int run(Session session, Words words) {
        if (words.atEnd()) return showAll(session);
        LinkRef ref = LinkRef.parse(words);
        words.end();
        Map<Integer, List<String>> pins = session.showPinned() ? PinnedObjects.scan("link") : Map.of();
        try (LinkHandle link = ref.open()) {
            LinkPrinter.show(session, link.info(), pins);
        }
        return 0;
    }

    /** Shows every link in the system (a JSON array in JSON mode). */
    static int showAll(Session session) {
        Map<Integer, List<String>> pins = session.showPinned() ? PinnedObjects.scan("link") : Map.of();
        if (session.json()) session.jsonWriter().startArray();
        for (int id : LinkHandle.ids()) {
            LinkHandle link;
            try {
                link = LinkHandle.fromId(id);
            } catch (BpfException e) {
                if (e.errno() == Errno.ENOENT) continue;   // released since it was listed
                throw e;
            }
            try (link) {
                LinkPrinter.show(session, link.info(), pins);
            }
        }
        if (session.json()) session.jsonWriter().endArray();
        return 0;
    }
}
