package dev.ebpf4j.internal.fs;

import dev.ebpf4j.BpfException;
import dev.ebpf4j.Errno;
import dev.ebpf4j.internal.sys.CallScratch;
import dev.ebpf4j.internal.sys.Libc;
import dev.ebpf4j.internal.sys.SysErrors;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Makes sure the BPF filesystem ({@code /sys/fs/bpf}) and tracefs ({@code /sys/kernel/tracing}) are mounted, mounting
 * them when missing and running as root, and saying so once through {@link System.Logger} ("dev.ebpf4j").
 *
 * <pre>{@code
 * Path bpffs = KernelFilesystems.bpffs();      // /sys/fs/bpf, mounted if needed
 * Path tracefs = KernelFilesystems.tracefs();  // /sys/kernel/tracing (or /sys/kernel/debug/tracing)
 * }</pre>
 */
public final class KernelFilesystems {
    public static final Path BPFFS = Path.of("/sys/fs/bpf");
    public static final Path TRACEFS = Path.of("/sys/kernel/tracing");
    private static final Path DEBUGFS_TRACING = Path.of("/sys/kernel/debug/tracing");

    private static final System.Logger LOG = System.getLogger("dev.ebpf4j");
    private static final ConcurrentHashMap<Path, Path> MOUNTED = new ConcurrentHashMap<>();

    private KernelFilesystems() {
    }

    /** The bpffs mount point, mounting it first when needed. */
    public static Path bpffs() {
        return MOUNTED.computeIfAbsent(BPFFS, p -> ensure(p, "bpf", "bpf"));
    }

    /** The tracefs directory (with {@code events/}, {@code trace_pipe}), mounting it first when needed. */
    public static Path tracefs() {
        return MOUNTED.computeIfAbsent(TRACEFS, p -> {
            if (Files.exists(TRACEFS.resolve("events"))) return TRACEFS;
            if (Files.exists(DEBUGFS_TRACING.resolve("events"))) return DEBUGFS_TRACING;
            return ensure(TRACEFS, "tracefs", "tracefs");
        });
    }

    /** True when {@code path} lies on a mounted BPF filesystem (pins must be created there). */
    public static boolean isOnBpffs(Path path) {
        Path abs = path.toAbsolutePath().normalize();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
                String[] f = line.split(" ");
                if (f.length > 2 && f[2].equals("bpf") && abs.startsWith(unescape(f[1]))) return true;
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    private static boolean isMounted(Path mountPoint, String fsType) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
                String[] f = line.split(" ");
                if (f.length > 2 && f[2].equals(fsType) && Path.of(unescape(f[1])).equals(mountPoint)) return true;
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    private static String unescape(String mountField) {
        return mountField.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
    }

    private static Path ensure(Path mountPoint, String fsType, String source) {
        if (isMounted(mountPoint, fsType)) return mountPoint;
        try {
            Files.createDirectories(mountPoint);
        } catch (IOException e) {
            throw new BpfException(fsType + " is not mounted at " + mountPoint + " and the directory cannot be created ("
                    + e.getMessage() + "); mount it: mount -t " + fsType + " " + source + " " + mountPoint);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment src = arena.allocateFrom(source);
            MemorySegment target = arena.allocateFrom(mountPoint.toString());
            MemorySegment type = arena.allocateFrom(fsType);
            int r = Libc.mount(src, target, type, 0, MemorySegment.NULL);
            if (r != 0) {
                int errno = CallScratch.get().errno();
                if (errno == Errno.EBUSY.number() && isMounted(mountPoint, fsType)) return mountPoint;
                throw SysErrors.of(fsType + " is not mounted at " + mountPoint + "; mounting it (mount -t " + fsType
                        + " " + source + " " + mountPoint + ")", errno, dev.ebpf4j.internal.sys.Capabilities.CAP_SYS_ADMIN);
            }
        }
        LOG.log(System.Logger.Level.INFO, "ebpf4j: mounted " + fsType + " at " + mountPoint + " (it was not mounted)");
        return mountPoint;
    }
}
