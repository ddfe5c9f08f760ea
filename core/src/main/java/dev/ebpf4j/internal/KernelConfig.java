package dev.ebpf4j.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

/**
 * The running kernel's build configuration ({@code CONFIG_*}), from {@code /proc/config.gz} or
 * {@code /boot/config-<release>}, and its release/version. Read once per process.
 *
 * <pre>{@code
 * KernelConfig c = KernelConfig.running();
 * c.value("CONFIG_BPF_SYSCALL");   // Optional["y"]
 * KernelConfig.versionCode();      // LINUX_KERNEL_VERSION, e.g. 0x061200 for 6.18.0
 * }</pre>
 */
public final class KernelConfig {
    private static volatile KernelConfig running;

    private final Map<String, String> values;
    private final String source;

    private KernelConfig(Map<String, String> values, String source) {
        this.values = values;
        this.source = source;
    }

    /** The running kernel's configuration; empty (source "none") when no config file is available. */
    public static KernelConfig running() {
        KernelConfig c = running;
        if (c == null) {
            synchronized (KernelConfig.class) {
                c = running;
                if (c == null) {
                    c = load();
                    running = c;
                }
            }
        }
        return c;
    }

    private static KernelConfig load() {
        Path gz = Path.of("/proc/config.gz");
        try {
            if (Files.isReadable(gz)) {
                try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
                    return new KernelConfig(parse(in), gz.toString());
                }
            }
            Path boot = Path.of("/boot/config-" + release());
            if (Files.isReadable(boot)) {
                try (InputStream in = Files.newInputStream(boot)) {
                    return new KernelConfig(parse(in), boot.toString());
                }
            }
        } catch (IOException e) {
            return new KernelConfig(Map.of(), "unreadable: " + e.getMessage());
        }
        return new KernelConfig(Map.of(), "none");
    }

    /** Parses "CONFIG_X=y" lines; "# CONFIG_X is not set" lines record "n". */
    public static Map<String, String> parse(InputStream in) throws IOException {
        Map<String, String> m = new LinkedHashMap<>();
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String line;
        while ((line = r.readLine()) != null) {
            line = line.strip();
            if (line.startsWith("# CONFIG_") && line.endsWith(" is not set")) {
                m.put(line.substring(2, line.length() - " is not set".length()), "n");
            } else if (line.startsWith("CONFIG_")) {
                int eq = line.indexOf('=');
                if (eq > 0) m.put(line.substring(0, eq), unquote(line.substring(eq + 1)));
            }
        }
        return Collections.unmodifiableMap(m);
    }

    private static String unquote(String v) {
        return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
    }

    /** The value of {@code name} ("y", "m", "n", a number or string), empty when not mentioned. */
    public Optional<String> value(String name) {
        return Optional.ofNullable(values.get(name));
    }

    /** All values, in file order. */
    public Map<String, String> values() {
        return values;
    }

    /** Where the values came from ("/proc/config.gz", a /boot path, or "none"). */
    public String source() {
        return source;
    }

    /** The kernel release string, e.g. "6.18.44-fc-v595". */
    public static String release() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip();
        } catch (IOException e) {
            return System.getProperty("os.version", "0.0.0");
        }
    }

    /** {@code KERNEL_VERSION(a, b, c)} of the running kernel: (a << 16) + (b << 8) + min(c, 255). */
    public static int versionCode() {
        return versionCode(release());
    }

    /** {@code KERNEL_VERSION} of a release string like "6.18.44-foo". */
    public static int versionCode(String release) {
        int[] parts = new int[3];
        int i = 0;
        int n = 0;
        boolean inNumber = false;
        for (char ch : release.toCharArray()) {
            if (Character.isDigit(ch)) {
                n = n * 10 + (ch - '0');
                inNumber = true;
            } else {
                if (inNumber && i < 3) parts[i++] = n;
                n = 0;
                inNumber = false;
                if (ch != '.' || i >= 3) break;
            }
        }
        if (inNumber && i < 3) parts[i] = n;
        return (parts[0] << 16) + (parts[1] << 8) + Math.min(parts[2], 255);
    }
}
