package dev.ebpf4j.cli;

import dev.ebpf4j.BpfException;
import dev.ebpf4j.BpfMap;
import dev.ebpf4j.Errno;
import dev.ebpf4j.Program;
import dev.ebpf4j.internal.sys.Fd;
import dev.ebpf4j.internal.sys.ObjectIds;
import dev.ebpf4j.internal.sys.ObjectPins;
import dev.ebpf4j.link.LinkHandle;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What is pinned where on the BPF filesystems: the kind of object behind a pin (so {@code map show pinned P} on a
 * pinned program is a clear error, as in bpftool) and, for {@code --bpffs} listings, every pin path of each object id.
 *
 * <pre>{@code
 * PinnedObjects.requireKind(Path.of("/sys/fs/bpf/m"), "map");
 * Map<Integer, List<String>> paths = PinnedObjects.scan("map");
 * }</pre>
 */
public final class PinnedObjects {
    private PinnedObjects() {
    }

    /**
     * Fails unless the object pinned at {@code path} is a {@code kind} ("map", "prog", "link"), with bpftool's words
     * and a hint at the command for what is there.
     */
    public static void requireKind(Path path, String kind) {
        try (Fd fd = ObjectPins.open(path, 0, kind)) {
            String actual = kindOf(fd.get());
            if (!actual.equals(kind)) {
                throw new BpfException("incorrect object type: " + path + " holds a " + actual + ", not a " + kind
                        + "; use '" + RootCommand.NAME + " " + actual + " show pinned " + path + "' for it",
                        Errno.EINVAL.number());
            }
        }
    }

    /** "map", "prog", "link" or "unknown" (bpftool's words) for a descriptor. */
    public static String kindOf(int fd) {
        return ObjectIds.kindOf(fd).map(k -> switch (k) {
            case MAP -> "map";
            case PROG -> "prog";
            case LINK -> "link";
            case BTF -> "btf";
        }).orElse("unknown");
    }

    /**
     * Every pin of a {@code kind} object on every mounted BPF filesystem, by object id. Paths are listed in the
     * order bpftool prints them: bpftool walks the mounts depth-first in directory order and collects paths in a
     * libbpf hashmap, whose chains put new entries first and reverse when the table grows; this replays that.
     */
    public static Map<Integer, List<String>> scan(String kind) {
        Map<Integer, List<String>> byId = new TreeMap<>();
        int size = 0;
        int capacity = 0;
        for (Path mount : bpffsMounts()) {
            List<Path> files;
            try (Stream<Path> walk = Files.walk(mount)) {
                files = walk.filter(p -> Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)).toList();
            } catch (IOException | RuntimeException e) {
                continue;
            }
            for (Path p : files) {
                int id = idOf(p, kind);
                if (id <= 0) continue;
                if (capacity == 0 || (size + 1) * 4 / 3 > capacity) {
                    capacity = Math.max(4, capacity * 2);
                    for (List<String> chain : byId.values()) java.util.Collections.reverse(chain);
                }
                byId.computeIfAbsent(id, k -> new ArrayList<>()).addFirst(p.toString());
                size++;
            }
        }
        return byId;
    }

    /** The id of the {@code kind} object pinned at {@code pin}; 0 when it is another kind or cannot be opened. */
    private static int idOf(Path pin, String kind) {
        try {
            return switch (kind) {
                case "map" -> {
                    try (BpfMap m = BpfMap.fromPinned(pin)) {
                        yield m.id();
                    }
                }
                case "prog" -> {
                    try (Program p = Program.fromPinned(pin)) {
                        yield p.id();
                    }
                }
                default -> {
                    try (LinkHandle h = LinkHandle.fromPinned(pin)) {
                        yield h.info().id();
                    }
                }
            };
        } catch (RuntimeException e) {
            return 0;
        }
    }

    private static List<Path> bpffsMounts() {
        List<Path> mounts = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/mounts"))) {
                String[] f = line.split(" ");
                if (f.length > 2 && f[2].startsWith("bpf")) mounts.add(Path.of(unescape(f[1])));
            }
        } catch (IOException e) {
            // no mounts readable: nothing pinned that we can see
        }
        return mounts;
    }

    private static String unescape(String mountField) {
        return mountField.replace("\\040", " ").replace("\\011", "\t").replace("\\134", "\\");
    }
}
