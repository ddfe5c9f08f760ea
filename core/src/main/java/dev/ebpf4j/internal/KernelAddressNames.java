package dev.ebpf4j.internal;

import dev.ebpf4j.BpfException;

import java.util.HashMap;
import java.util.Map;

/**
 * Kernel symbol names by address, read from {@code /proc/kallsyms} when asked (not cached: BPF programs' symbols
 * come and go), for naming what a loaded program's translated instructions call: helpers and kfuncs at
 * {@code __bpf_call_base + imm}, subprograms at their JIT-compiled addresses. Empty when the addresses are hidden
 * ({@code kernel.kptr_restrict}) or the file cannot be read. Where several names share an address, the first in
 * the file wins, as in bpftool.
 *
 * <pre>{@code
 * KernelAddressNames names = KernelAddressNames.read();
 * String helper = names.nameAt(names.callBase() + insn.imm());   // "bpf_map_lookup_elem", or null
 * }</pre>
 */
public final class KernelAddressNames {
    private static final KernelAddressNames NONE = new KernelAddressNames(Map.of(), 0);

    private final Map<Long, String> byAddress;
    private final long callBase;

    private KernelAddressNames(Map<Long, String> byAddress, long callBase) {
        this.byAddress = byAddress;
        this.callBase = callBase;
    }

    /** Reads /proc/kallsyms now. */
    public static KernelAddressNames read() {
        Map<Long, String> names = new HashMap<>(1 << 18);
        long[] base = {0};
        boolean[] hidden = {false};
        try {
            Kallsyms.scan(Kallsyms.FILE, (addr, name, tail) -> {
                if (name.equals("__bpf_call_base")) {
                    if (addr == 0) hidden[0] = true;
                    base[0] = addr;
                }
                if (addr != 0) names.putIfAbsent(addr, name);
            });
        } catch (BpfException e) {
            return NONE;
        }
        return hidden[0] ? NONE : new KernelAddressNames(names, base[0]);
    }

    /** The address of {@code __bpf_call_base}, or 0 when unknown. */
    public long callBase() {
        return callBase;
    }

    /** The symbol at exactly {@code address}, or null. */
    public String nameAt(long address) {
        return byAddress.get(address);
    }
}
