package dev.ebpf4j.vm;

import dev.ebpf4j.vm.helpers.ConformanceHelpers;
import dev.ebpf4j.vm.helpers.StandardHelpers;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The helper functions programs may call, by number: a Java implementation and the signature the verifier checks
 * calls against. Applications extend it with their own helpers; a program sees the registry as it was when it was
 * loaded.
 *
 * <pre>{@code
 * HelperRegistry helpers = HelperRegistry.standard()
 *         .register(1000, HelperSignature.of("add", ReturnType.INTEGER, ArgType.SCALAR, ArgType.SCALAR),
 *                   (ctx, r1, r2, r3, r4, r5) -> r1 + r2);
 * VmProgram p = Vm.load(spec, maps, VmOptions.defaults().helpers(helpers));
 * }</pre>
 */
public final class HelperRegistry {
    /** One registered helper. */
    public record Entry(int id, HelperSignature signature, VmHelper implementation) {
    }

    private final TreeMap<Integer, Entry> entries;

    private HelperRegistry(TreeMap<Integer, Entry> entries) {
        this.entries = entries;
    }

    /** No helpers at all. */
    public static HelperRegistry empty() {
        return new HelperRegistry(new TreeMap<>());
    }

    /**
     * The built-in helpers: map lookup/update/delete (1-3), ktime_get_ns (5), trace_printk (6), get_prandom_u32 (7),
     * get_smp_processor_id (8), tail_call (12), skb_load_bytes (26), ktime_get_boot_ns (125), ringbuf
     * output/reserve/submit/discard/query (130-134), loop (181), ktime_get_coarse_ns (160), jiffies64 (118).
     */
    public static HelperRegistry standard() {
        HelperRegistry r = empty();
        StandardHelpers.registerAll(r);
        return r;
    }

    /** The conformance suite's helpers: #5 "unwind" returns its argument and stops the program when that is 0. */
    public static HelperRegistry conformance() {
        HelperRegistry r = empty();
        ConformanceHelpers.registerAll(r);
        return r;
    }

    /**
     * Registers (or replaces) helper {@code id}, returning a new registry; this one is unchanged.
     *
     * @throws IllegalArgumentException when {@code id} is not in 1..65535
     */
    public HelperRegistry register(int id, HelperSignature signature, VmHelper implementation) {
        if (id <= 0 || id > 0xffff) throw new IllegalArgumentException("helper ids are 1..65535, not " + id);
        TreeMap<Integer, Entry> copy = new TreeMap<>(entries);
        copy.put(id, new Entry(id, signature, implementation));
        return new HelperRegistry(copy);
    }

    /** Adds in place; for building the built-in registries. */
    public void put(int id, HelperSignature signature, VmHelper implementation) {
        entries.put(id, new Entry(id, signature, implementation));
    }

    public Optional<Entry> get(int id) {
        return Optional.ofNullable(entries.get(id));
    }

    public Map<Integer, Entry> entries() {
        return Collections.unmodifiableMap(entries);
    }

    /** Implementations indexed by id (null where none), for the engines. */
    public VmHelper[] implementations() {
        int max = entries.isEmpty() ? 0 : entries.lastKey();
        VmHelper[] out = new VmHelper[max + 1];
        for (Entry e : entries.values()) out[e.id()] = e.implementation();
        return out;
    }

    @Override
    public String toString() {
        return "HelperRegistry" + entries.keySet();
    }
}
