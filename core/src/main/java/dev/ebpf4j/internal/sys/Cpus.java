package dev.ebpf4j.internal.sys;

import dev.ebpf4j.BpfException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;

/**
 * CPU sets from sysfs: "possible" sizes per-CPU map values and perf buffers, "online" selects where to open perf
 * events. Parsed from the kernel's list format ({@code 0-3,5,7-8}).
 *
 * <pre>{@code
 * int n = Cpus.possibleCount();      // per-CPU values have n slots
 * BitSet online = Cpus.online();
 * }</pre>
 */
public final class Cpus {
    private static volatile BitSet possible;

    private Cpus() {
    }

    /** The possible CPUs (cached; the set does not change while the system runs). */
    public static BitSet possible() {
        BitSet p = possible;
        if (p == null) {
            p = read("/sys/devices/system/cpu/possible");
            possible = p;
        }
        return (BitSet) p.clone();
    }

    /** Number of slots in per-CPU values: the highest possible CPU number + 1. */
    public static int possibleCount() {
        BitSet p = possible;
        if (p == null) p = possible();
        return p.length();
    }

    /** The CPUs online right now. */
    public static BitSet online() {
        return read("/sys/devices/system/cpu/online");
    }

    static BitSet read(String file) {
        try {
            return parse(Files.readString(Path.of(file)).trim());
        } catch (IOException e) {
            throw new BpfException("cannot read the CPU list " + file + ": " + e.getMessage());
        }
    }

    /** Parses the kernel's CPU list format, e.g. "0-3,5". */
    public static BitSet parse(String list) {
        BitSet set = new BitSet();
        if (list.isEmpty()) return set;
        for (String part : list.split(",")) {
            String p = part.trim();
            int dash = p.indexOf('-');
            try {
                if (dash < 0) {
                    set.set(Integer.parseInt(p));
                } else {
                    set.set(Integer.parseInt(p.substring(0, dash)), Integer.parseInt(p.substring(dash + 1)) + 1);
                }
            } catch (NumberFormatException e) {
                throw new BpfException("malformed CPU list '" + list + "'");
            }
        }
        return set;
    }
}
