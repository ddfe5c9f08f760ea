package dev.ebpf4j.cli.map;

import dev.ebpf4j.BpfException;
import dev.ebpf4j.BpfMap;
import dev.ebpf4j.Errno;
import dev.ebpf4j.cli.HelpSpec;
import dev.ebpf4j.cli.PinnedObjects;
import dev.ebpf4j.cli.UsageException;
import dev.ebpf4j.cli.Words;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A map named on the command line in bpftool's grammar: {@code id N}, {@code pinned PATH} or {@code name NAME}
 * (which may match several maps).
 *
 * <pre>{@code
 * MapRef ref = MapRef.parse(words);          // "pinned /sys/fs/bpf/m"
 * try (BpfMap map = ref.openOne()) { ... }
 * }</pre>
 */
public record MapRef(Kind kind, String text) {
    /** How the map is named. */
    public enum Kind { ID, PINNED, NAME }

    /** Maximum name length the kernel keeps (BPF_OBJ_NAME_LEN - 1). */
    static final int NAME_MAX = 15;

    /** Consumes a MAP from {@code words}. */
    public static MapRef parse(Words words) {
        if (words.atEnd()) throw new UsageException("missing MAP: " + HelpSpec.MAP);
        if (words.take("id")) {
            String id = words.next("map id");
            if (Words.parseNumber(id) < 0) throw new UsageException("can't parse " + id + " as ID");
            return new MapRef(Kind.ID, id);
        }
        if (words.take("pinned")) return new MapRef(Kind.PINNED, words.next("pinned path"));
        if (words.take("name")) {
            String name = words.next("map name");
            if (name.length() > NAME_MAX) {
                throw new UsageException("can't parse name '" + name + "': map names are at most " + NAME_MAX
                        + " characters");
            }
            return new MapRef(Kind.NAME, name);
        }
        throw new UsageException("expected 'id', 'name' or 'pinned', got: '" + words.peek() + "'");
    }

    /** Opens the one map this names; several maps with the name is an error. */
    public BpfMap openOne() {
        List<BpfMap> maps = openAll();
        if (maps.size() == 1) return maps.get(0);
        List<Integer> ids = new ArrayList<>();
        for (BpfMap m : maps) {
            ids.add(m.id());
            m.close();
        }
        throw new BpfException("several maps match this handle (name '" + text + "': ids " + ids
                + "); name one with 'id N'", Errno.EINVAL.number());
    }

    /** Opens every map this names (one for id and pinned, any number for name; none is an error). */
    public List<BpfMap> openAll() {
        return switch (kind) {
            case ID -> List.of(BpfMap.fromId((int) Words.parseNumber(text)));
            case PINNED -> {
                Path path = Path.of(text);
                PinnedObjects.requireKind(path, "map");
                yield List.of(BpfMap.fromPinned(path));
            }
            case NAME -> byName();
        };
    }

    private List<BpfMap> byName() {
        List<BpfMap> found = new ArrayList<>();
        try {
            for (int id : BpfMap.ids()) {
                BpfMap m;
                try {
                    m = BpfMap.fromId(id);
                } catch (BpfException e) {
                    if (e.errno() == Errno.ENOENT) continue;
                    throw e;
                }
                if (m.name().equals(text)) found.add(m);
                else m.close();
            }
        } catch (RuntimeException e) {
            found.forEach(BpfMap::close);
            throw e;
        }
        if (found.isEmpty()) throw new BpfException("no map is named '" + text + "'", Errno.ENOENT.number());
        return found;
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase() + " " + text;
    }
}
