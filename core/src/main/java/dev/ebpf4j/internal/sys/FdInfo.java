package dev.ebpf4j.internal.sys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The kernel's per-descriptor facts in {@code /proc/self/fdinfo/FD}: a map's {@code memlock} and {@code frozen}, a
 * program array's {@code owner_prog_type}, a program's {@code memlock}. Looked up as bpftool does: the first line
 * containing the key, value after the tab.
 *
 * <pre>{@code
 * FdInfo fi = FdInfo.of(map.fd());
 * String memlock = fi.get("memlock");   // "2320", or null
 * }</pre>
 */
public final class FdInfo {
    private final List<String> lines;

    private FdInfo(List<String> lines) {
        this.lines = lines;
    }

    /** Reads the fdinfo of {@code fd} (empty when it cannot be read). */
    public static FdInfo of(int fd) {
        try {
            return new FdInfo(Files.readAllLines(Path.of("/proc/self/fdinfo/" + fd)));
        } catch (IOException e) {
            return new FdInfo(List.of());
        }
    }

    /** The value of the first line containing {@code key}, or null. */
    public String get(String key) {
        for (String line : lines) {
            if (!line.contains(key)) continue;
            int tab = line.indexOf('\t');
            if (tab < 0 || tab + 1 >= line.length()) return null;
            return line.substring(tab + 1);
        }
        return null;
    }

    /** The value as a number, {@code fallback} when absent or not a number (C atoi-like: leading digits). */
    public long number(String key, long fallback) {
        String v = get(key);
        if (v == null) return fallback;
        int end = 0;
        while (end < v.length() && (Character.isDigit(v.charAt(end)) || (end == 0 && v.charAt(0) == '-'))) end++;
        try {
            return Long.parseLong(v.substring(0, end));
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
