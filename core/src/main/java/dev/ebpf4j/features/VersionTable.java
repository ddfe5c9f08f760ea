package dev.ebpf4j.features;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * A "first kernel version" table read from a classpath resource with lines {@code <number> <name> <version>}
 * (a trailing {@code ~} marks a version inferred from the id's position rather than recorded). Comments start with #.
 *
 * <pre>{@code
 * VersionTable t = VersionTable.load("helper-versions.txt");
 * t.version(1);   // "3.19"
 * }</pre>
 */
final class VersionTable {
    private final Map<Integer, String> byNumber;

    private VersionTable(Map<Integer, String> byNumber) {
        this.byNumber = byNumber;
    }

    static VersionTable load(String resource) {
        Map<Integer, String> m = new HashMap<>();
        try (InputStream in = VersionTable.class.getResourceAsStream(resource)) {
            if (in != null) {
                BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
                String line;
                while ((line = r.readLine()) != null) {
                    line = line.strip();
                    if (line.isEmpty() || line.startsWith("#")) continue;
                    String[] f = line.split("\\s+");
                    if (f.length >= 3) m.put(Integer.parseInt(f[0]), f[2]);
                }
            }
        } catch (IOException | NumberFormatException e) {
            throw new IllegalStateException("ebpf4j resource " + resource + " is unreadable", e);
        }
        return new VersionTable(m);
    }

    /** The version for {@code number}, or "" when the table does not list it. */
    String version(int number) {
        return byNumber.getOrDefault(number, "");
    }
}
