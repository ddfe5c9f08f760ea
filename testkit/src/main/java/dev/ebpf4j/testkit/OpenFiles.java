package dev.ebpf4j.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Snapshots of this process's open file descriptors, for "failing calls leak no descriptor" tests. Comparing sets of
 * (number, target) pairs rather than counts keeps such tests correct when unrelated descriptors close meanwhile
 * (a {@code Cleaner}, the JVM itself): only descriptors that appeared and stayed are reported.
 *
 * <pre>{@code
 * OpenFiles.Snapshot before = OpenFiles.snapshot();
 * assertThrows(BpfException.class, () -> XdpLink.attach(prog, "nosuch0"));
 * assertEquals(Map.of(), before.openedSince(), "failing attaches must not leak descriptors");
 * }</pre>
 */
public final class OpenFiles {
    private static final Path FD_DIR = Path.of("/proc/self/fd");

    private OpenFiles() {
    }

    /** The open descriptors now. */
    public static Snapshot snapshot() {
        return new Snapshot(read());
    }

    /** The number of open descriptors now. */
    public static int count() {
        return read().size();
    }

    private static Map<Integer, String> read() {
        Map<Integer, String> fds = new TreeMap<>();
        try (Stream<Path> s = Files.list(FD_DIR)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String target;
                try {
                    target = Files.readSymbolicLink(p).toString();
                } catch (IOException e) {
                    continue; // closed meanwhile (for instance the directory stream's own descriptor)
                }
                fds.put(Integer.parseInt(p.getFileName().toString()), target);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + FD_DIR, e);
        }
        return fds;
    }

    /** A set of open descriptors at one moment. */
    public static final class Snapshot {
        private final Map<Integer, String> fds;

        private Snapshot(Map<Integer, String> fds) {
            this.fds = fds;
        }

        /** Descriptors open now that were not open (with the same target) when the snapshot was taken. */
        public Map<Integer, String> openedSince() {
            Map<Integer, String> now = read();
            Map<Integer, String> added = new TreeMap<>();
            now.forEach((fd, target) -> {
                if (!target.equals(fds.get(fd)) && !target.startsWith("/proc/")) added.put(fd, target);
            });
            return added;
        }
    }
}
