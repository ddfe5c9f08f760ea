package dev.ebpf4j.cli.map;

import dev.ebpf4j.BpfException;
import dev.ebpf4j.BpfMap;
import dev.ebpf4j.Errno;
import dev.ebpf4j.cli.CliCommand;
import dev.ebpf4j.cli.PinnedObjects;
import dev.ebpf4j.cli.Session;
import dev.ebpf4j.cli.Words;
import picocli.CommandLine.Command;

import java.util.List;
import java.util.Map;

/**
 * {@code map show|list [MAP]}: every map, or the ones MAP names, as bpftool prints them.
 *
 * <pre>{@code
 * ebpf4j map list
 * ebpf4j -j map show pinned /sys/fs/bpf/m
 * }</pre>
 */
@Command(name = "show", aliases = "list", description = "Show maps.")
public final class MapShowCommand extends CliCommand {
    @Override
    protected int run(Session session, Words words) {
        if (words.atEnd()) return showAll(session);
        MapRef ref = MapRef.parse(words);
        words.end();
        Map<Integer, List<String>> pins = session.showPinned() ? PinnedObjects.scan("map") : Map.of();
        List<BpfMap> maps = ref.openAll();
        try {
            boolean array = session.json() && maps.size() > 1;
            if (array) session.jsonWriter().startArray();
            for (BpfMap m : maps) MapPrinter.show(session, m, pins);
            if (array) session.jsonWriter().endArray();
        } finally {
            maps.forEach(BpfMap::close);
        }
        return 0;
    }

    /** Shows every map in the system (a JSON array in JSON mode). */
    static int showAll(Session session) {
        Map<Integer, List<String>> pins = session.showPinned() ? PinnedObjects.scan("map") : Map.of();
        if (session.json()) session.jsonWriter().startArray();
        for (int id : BpfMap.ids()) {
            BpfMap map;
            try {
                map = BpfMap.fromId(id);
            } catch (BpfException e) {
                if (e.errno() == Errno.ENOENT) continue;   // unloaded since it was listed
                throw e;
            }
            try (map) {
                MapPrinter.show(session, map, pins);
            }
        }
        if (session.json()) session.jsonWriter().endArray();
        return 0;
    }
}
