package dev.ebpf4j.internal;

import dev.ebpf4j.BpfException;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Kernel symbol addresses from {@code /proc/kallsyms}, for untyped {@code __ksym} externs and address-based attach
 * (kprobe.multi by address). Read once per process on first use. Addresses read as 0 when the process may not see
 * them ({@code kernel.kptr_restrict}); {@link #address} then reports absence with a clear error.
 *
 * <pre>{@code
 * long addr = Kallsyms.get().address("bpf_prog_put").orElseThrow();
 * }</pre>
 */
public final class Kallsyms {
    static final Path FILE = Path.of("/proc/kallsyms");
    private static volatile Kallsyms instance;

    private final Map<String, Long> addresses;
    private final Map<String, String> modules;
    private final boolean restricted;

    private Kallsyms(Map<String, Long> addresses, Map<String, String> modules, boolean restricted) {
        this.addresses = addresses;
        this.modules = modules;
        this.restricted = restricted;
    }

    /** The symbol table, read on first use. */
    public static Kallsyms get() {
        Kallsyms k = instance;
        if (k == null) {
            synchronized (Kallsyms.class) {
                k = instance;
                if (k == null) {
                    k = read(FILE);
                    instance = k;
                }
            }
        }
        return k;
    }

    /** Parses a kallsyms-format file ("ffffffff81000000 T _stext [module]"). */
    public static Kallsyms read(Path file) {
        Map<String, Long> addresses = new HashMap<>(1 << 18);
        Map<String, String> modules = new HashMap<>();
        boolean[] allZero = {true};
        scan(file, (addr, name, tail) -> {
            if (addr != 0) allZero[0] = false;
            addresses.putIfAbsent(name, addr);
            if (tail != null) {
                String mod = tail.trim();
                if (mod.startsWith("[") && mod.endsWith("]")) modules.putIfAbsent(name, mod.substring(1, mod.length() - 1));
            }
        });
        return new Kallsyms(addresses, modules, allZero[0] && !addresses.isEmpty());
    }

    /** One line of a kallsyms-format file. */
    @FunctionalInterface
    interface SymbolLine {
        /** {@code tail} is what follows the name's tab ("[module]"), or null. */
        void accept(long address, String name, String tail);
    }

    /** Reads a kallsyms-format file line by line, in file order; unreadable or malformed input raises BpfException. */
    static void scan(Path file, SymbolLine sink) {
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII)) {
            String line;
            while ((line = r.readLine()) != null) {
                int s1 = line.indexOf(' ');
                int s2 = s1 < 0 ? -1 : line.indexOf(' ', s1 + 1);
                if (s2 < 0) continue;
                int tab = line.indexOf('\t', s2 + 1);
                String name = tab < 0 ? line.substring(s2 + 1) : line.substring(s2 + 1, tab);
                long addr = Long.parseUnsignedLong(line.substring(0, s1), 16);
                sink.accept(addr, name, tab > 0 ? line.substring(tab + 1) : null);
            }
        } catch (IOException | NumberFormatException e) {
            throw new BpfException("cannot read kernel symbols from " + file + ": " + e.getMessage());
        }
    }

    /** The address of {@code symbol}; empty when the kernel has no such symbol. */
    public OptionalLong address(String symbol) {
        Long a = addresses.get(symbol);
        if (a == null) return OptionalLong.empty();
        if (restricted) {
            throw new BpfException("kernel symbol addresses are hidden from this process (kernel.kptr_restrict); "
                    + "run as root or lower /proc/sys/kernel/kptr_restrict to resolve '" + symbol + "'");
        }
        return OptionalLong.of(a);
    }

    /** True when the kernel has {@code symbol}. */
    public boolean contains(String symbol) {
        return addresses.containsKey(symbol);
    }

    /**
     * The names of the kernel's function symbols (kallsyms types {@code t}/{@code T}) that match the glob
     * {@code pattern} ({@link Glob}), in file order without duplicates: how libbpf expands {@code kprobe.multi} and
     * {@code kprobe.session} patterns when tracefs' {@code available_filter_functions} cannot be read.
     */
    public static java.util.List<String> functionsMatching(String pattern) {
        return functionsMatching(FILE, pattern);
    }

    /** As {@link #functionsMatching(String)} over a kallsyms-format file. */
    static java.util.List<String> functionsMatching(Path file, String pattern) {
        java.util.LinkedHashSet<String> out = new java.util.LinkedHashSet<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII)) {
            String line;
            while ((line = r.readLine()) != null) {
                int s1 = line.indexOf(' ');
                int s2 = s1 < 0 ? -1 : line.indexOf(' ', s1 + 1);
                if (s2 != s1 + 2) continue;
                char type = line.charAt(s1 + 1);
                if (type != 't' && type != 'T') continue;
                int tab = line.indexOf('\t', s2 + 1);
                String name = tab < 0 ? line.substring(s2 + 1) : line.substring(s2 + 1, tab);
                if (Glob.matches(pattern, name)) out.add(name);
            }
        } catch (IOException e) {
            throw new BpfException("cannot read kernel symbols from " + file + ": " + e.getMessage());
        }
        return java.util.List.copyOf(out);
    }

    /** The module that defines {@code symbol}, or null for vmlinux. */
    public String module(String symbol) {
        return modules.get(symbol);
    }
}
