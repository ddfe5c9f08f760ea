package dev.ebpf4j.internal.sys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The effective Linux capabilities of this process, read from {@code /proc/self/status}, used to explain EPERM.
 *
 * <pre>{@code
 * if (!Capabilities.current().has(Capabilities.CAP_BPF)) { ... }
 * }</pre>
 */
public record Capabilities(long bits) {
    public static final int CAP_NET_ADMIN = 12;
    public static final int CAP_NET_RAW = 13;
    public static final int CAP_SYS_ADMIN = 21;
    public static final int CAP_SYS_RESOURCE = 24;
    public static final int CAP_PERFMON = 38;
    public static final int CAP_BPF = 39;

    /** Reads the current effective set; all bits clear when it cannot be read. */
    public static Capabilities current() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapEff:")) {
                    return new Capabilities(Long.parseUnsignedLong(line.substring(7).trim(), 16));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // fall through: report no capabilities
        }
        return new Capabilities(0);
    }

    public boolean has(int cap) {
        return (bits >>> cap & 1) != 0;
    }

    /** True when BPF operations of every kind are allowed (CAP_SYS_ADMIN, or CAP_BPF with CAP_PERFMON). */
    public boolean canBpf() {
        return has(CAP_SYS_ADMIN) || has(CAP_BPF);
    }

    /** Names of the BPF-relevant capabilities this process has, e.g. "CAP_BPF, CAP_PERFMON". */
    public String describeBpfRelevant() {
        List<String> names = new ArrayList<>();
        if (has(CAP_SYS_ADMIN)) names.add("CAP_SYS_ADMIN");
        if (has(CAP_BPF)) names.add("CAP_BPF");
        if (has(CAP_PERFMON)) names.add("CAP_PERFMON");
        if (has(CAP_NET_ADMIN)) names.add("CAP_NET_ADMIN");
        return names.isEmpty() ? "none of CAP_BPF, CAP_PERFMON, CAP_NET_ADMIN, CAP_SYS_ADMIN" : String.join(", ", names);
    }
}
