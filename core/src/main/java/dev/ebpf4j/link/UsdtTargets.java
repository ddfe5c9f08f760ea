package dev.ebpf4j.link;

import dev.ebpf4j.BpfArgumentException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Finds the file a USDT attachment names and, where the spec lookup needs it, where a probe is mapped in a process.
 *
 * <p>A name with a {@code /} is a path (relative to the working directory; {@code /proc/PID/root/...} reaches into
 * another mount namespace). A bare name is searched, first hit wins:
 * <ol>
 * <li>with a process id: the files that process has mapped ({@code /proc/PID/maps}) whose name is the given one or
 *     starts with it followed by {@code .} ({@code libc.so} finds {@code libc.so.6}); reached through
 *     {@code /proc/PID/root} when the process sees another file system;</li>
 * <li>a library ({@code .so} in the name): the directories of {@code LD_LIBRARY_PATH}, then the system library
 *     directories ({@code /lib/<multiarch>}, {@code /usr/lib/<multiarch>}, {@code /lib64}, {@code /usr/lib64},
 *     {@code /lib}, {@code /usr/lib}, {@code /usr/local/lib}); an executable: the directories of {@code PATH};</li>
 * <li>the files this JVM has mapped ({@code /proc/self/maps}), so {@code libjvm.so} names the running JVM's.</li>
 * </ol>
 * {@code /etc/ld.so.cache} is not read.
 *
 * <pre>{@code
 * Path libjvm = UsdtTargets.resolve("libjvm.so", -1);
 * long ip = UsdtTargets.runtimeAddress(pid, libjvm, probe.fileOffset());
 * }</pre>
 */
final class UsdtTargets {
    private UsdtTargets() {
    }

    /** The file {@code name} names for a probe in process {@code pid} (-1: any process). */
    static Path resolve(String name, int pid) {
        if (name == null || name.isBlank()) throw new BpfArgumentException("UsdtLink: the binary must not be empty");
        if (name.indexOf('/') >= 0) return Path.of(name);
        List<String> looked = new ArrayList<>();
        if (pid > 0) {
            Path p = fromMappings(Path.of("/proc", Integer.toString(pid)), name, looked);
            if (p != null) return p;
        }
        List<String> dirs = new ArrayList<>();
        String search = name.contains(".so") ? System.getenv("LD_LIBRARY_PATH") : System.getenv("PATH");
        if (search != null) for (String d : search.split(":")) if (!d.isEmpty()) dirs.add(d);
        if (name.contains(".so")) {
            String multiarch = switch (System.getProperty("os.arch")) {
                case "amd64", "x86_64" -> "x86_64-linux-gnu";
                case "aarch64" -> "aarch64-linux-gnu";
                default -> System.getProperty("os.arch") + "-linux-gnu";
            };
            dirs.addAll(List.of("/lib/" + multiarch, "/usr/lib/" + multiarch, "/lib64", "/usr/lib64", "/lib",
                    "/usr/lib", "/usr/local/lib"));
        }
        for (String d : dirs) {
            Path c = Path.of(d, name);
            if (Files.isRegularFile(c)) return c;
        }
        looked.add(name.contains(".so") ? "LD_LIBRARY_PATH and the system library directories" : "PATH");
        Path self = fromMappings(Path.of("/proc/self"), name, looked);
        if (self != null) return self;
        throw new BpfArgumentException("USDT binary '" + name + "' not found; looked in " + String.join(", ", looked)
                + "; give an absolute path");
    }

    private static Path fromMappings(Path proc, String name, List<String> looked) {
        looked.add(proc + "/maps");
        Set<String> mapped = new LinkedHashSet<>();
        for (Mapping m : mappings(proc)) if (m.path != null) mapped.add(m.path);
        for (String file : mapped) {
            String base = file.substring(file.lastIndexOf('/') + 1);
            if (!base.equals(name) && !base.startsWith(name + ".")) continue;
            Path direct = Path.of(file);
            if (proc.getFileName().toString().equals("self")) {
                if (Files.isRegularFile(direct)) return direct;
                continue;
            }
            // Another process may see another file system: prefer the plain path when it is the very same file.
            Path inside = proc.resolve("root").resolve(file.substring(1));
            Object key = fileKey(inside);
            if (Files.isRegularFile(direct) && key != null && key.equals(fileKey(direct))) return direct;
            if (Files.isRegularFile(inside)) return inside;
        }
        return null;
    }

    /**
     * The address at which file offset {@code fileOffset} of {@code binary} is mapped in process {@code pid}: the
     * instruction pointer a probe there has when it fires.
     */
    static long runtimeAddress(int pid, Path binary, long fileOffset) {
        Path proc = Path.of("/proc", Integer.toString(pid));
        Object key = fileKey(binary);
        String real = realPath(binary);
        List<Mapping> all = mappings(proc);
        for (Mapping m : all) {
            if (m.path == null || !m.executable) continue;
            boolean same = m.path.equals(real) || m.path.equals(binary.toString());
            if (!same && key != null) same = key.equals(fileKey(proc.resolve("root").resolve(m.path.substring(1))));
            if (!same) continue;
            if (Long.compareUnsigned(fileOffset - m.offset, m.end - m.start) < 0) {
                return m.start + (fileOffset - m.offset);
            }
        }
        throw new BpfArgumentException("process " + pid + " has not mapped file offset 0x"
                + Long.toHexString(fileOffset) + " of " + binary + " executable (see " + proc + "/maps); start the "
                + "process first, or use a kernel with BPF cookies");
    }

    private record Mapping(long start, long end, boolean executable, long offset, String path) {
    }

    private static List<Mapping> mappings(Path proc) {
        Path maps = proc.resolve("maps");
        List<String> lines;
        try {
            lines = Files.readAllLines(maps);
        } catch (IOException e) {
            throw new BpfArgumentException("cannot read " + maps + " (" + e.getMessage() + "); is the process "
                    + "running?");
        }
        List<Mapping> out = new ArrayList<>();
        for (String line : lines) {
            // start-end perms offset dev inode [path]
            String[] f = line.trim().split("\\s+", 6);
            if (f.length < 5) continue;
            int dash = f[0].indexOf('-');
            if (dash < 0) continue;
            try {
                long start = Long.parseUnsignedLong(f[0].substring(0, dash), 16);
                long end = Long.parseUnsignedLong(f[0].substring(dash + 1), 16);
                long offset = Long.parseUnsignedLong(f[2], 16);
                String path = f.length == 6 && f[5].startsWith("/") ? stripDeleted(f[5]) : null;
                out.add(new Mapping(start, end, f[1].length() > 2 && f[1].charAt(2) == 'x', offset, path));
            } catch (NumberFormatException e) {
                // not a mapping line
            }
        }
        return out;
    }

    private static String stripDeleted(String path) {
        return path.endsWith(" (deleted)") ? path.substring(0, path.length() - 10) : path;
    }

    private static Object fileKey(Path p) {
        try {
            return Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
        } catch (IOException e) {
            return null;
        }
    }

    private static String realPath(Path p) {
        try {
            return p.toRealPath().toString();
        } catch (IOException e) {
            return p.toAbsolutePath().normalize().toString();
        }
    }
}
