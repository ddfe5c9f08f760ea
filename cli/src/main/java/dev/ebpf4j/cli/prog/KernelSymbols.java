package dev.ebpf4j.cli.prog;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Kernel symbol addresses from {@code /proc/kallsyms}, for naming the helper functions an xlated program calls (the
 * kernel stores calls as offsets from {@code __bpf_call_base}). Empty when addresses are hidden
 * ({@code kernel.kptr_restrict}) or the file is unreadable.
 *
 * <pre>{@code
 * KernelSymbols syms = KernelSymbols.load();
 * String name = syms.nameAt(syms.callBase() + insn.imm());   // "bpf_map_lookup_elem", or null
 * }</pre>
 */
public final class KernelSymbols {
    private final Map<Long, String> byAddress;
    private final long callBase;

    private KernelSymbols(Map<Long, String> byAddress, long callBase) {
        this.byAddress = byAddress;
        this.callBase = callBase;
    }

    /** Reads /proc/kallsyms. */
    public static KernelSymbols load() {
        Map<Long, String> map = new HashMap<>(1 << 18);
        long base = 0;
        try (BufferedReader r = Files.newBufferedReader(Path.of("/proc/kallsyms"), StandardCharsets.ISO_8859_1)) {
            String line;
            while ((line = r.readLine()) != null) {
                int s1 = line.indexOf(' ');
                int s2 = s1 < 0 ? -1 : line.indexOf(' ', s1 + 1);
                if (s2 < 0) continue;
                long addr;
                try {
                    addr = Long.parseUnsignedLong(line, 0, s1, 16);
                } catch (NumberFormatException e) {
                    continue;
                }
                int end = s2 + 1;
                while (end < line.length() && !Character.isWhitespace(line.charAt(end))) end++;
                String name = line.substring(s2 + 1, end);
                if (name.equals("__bpf_call_base")) {
                    if (addr == 0) return new KernelSymbols(Map.of(), 0);
                    base = addr;
                }
                if (addr != 0) map.putIfAbsent(addr, name);
            }
        } catch (IOException e) {
            return new KernelSymbols(Map.of(), 0);
        }
        return new KernelSymbols(map, base);
    }

    /** Address of {@code __bpf_call_base}, or 0 when unknown. */
    public long callBase() {
        return callBase;
    }

    /** The symbol at exactly {@code address}, or null. */
    public String nameAt(long address) {
        return byAddress.get(address);
    }
}
