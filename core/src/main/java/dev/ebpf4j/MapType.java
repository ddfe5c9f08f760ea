package dev.ebpf4j;

import java.util.Locale;
import java.util.Optional;

/**
 * BPF map types ({@code enum bpf_map_type}), one row each: kernel number, the first Linux version that has it, and
 * the traits ebpf4j needs to use it (per-CPU values, keyless, ring buffers, map-in-map, local storage).
 * {@link #bpftoolName()} is the name bpftool prints and accepts ({@code "percpu_hash"}).
 *
 * <pre>{@code
 * MapType t = MapType.fromName("lru_hash").orElseThrow();
 * }</pre>
 */
public enum MapType {
    UNSPEC(0, "", 0),
    HASH(1, "3.19", 0),
    ARRAY(2, "3.19", 0),
    PROG_ARRAY(3, "4.2", Traits.FD_VALUE),
    PERF_EVENT_ARRAY(4, "4.3", Traits.FD_VALUE),
    PERCPU_HASH(5, "4.6", Traits.PER_CPU),
    PERCPU_ARRAY(6, "4.6", Traits.PER_CPU),
    STACK_TRACE(7, "4.6", 0),
    CGROUP_ARRAY(8, "4.8", Traits.FD_VALUE),
    LRU_HASH(9, "4.10", 0),
    LRU_PERCPU_HASH(10, "4.10", Traits.PER_CPU),
    LPM_TRIE(11, "4.11", 0),
    ARRAY_OF_MAPS(12, "4.12", Traits.FD_VALUE | Traits.MAP_IN_MAP),
    HASH_OF_MAPS(13, "4.12", Traits.FD_VALUE | Traits.MAP_IN_MAP),
    DEVMAP(14, "4.14", 0),
    SOCKMAP(15, "4.14", Traits.FD_VALUE),
    CPUMAP(16, "4.15", 0),
    XSKMAP(17, "4.18", Traits.FD_VALUE),
    SOCKHASH(18, "4.18", Traits.FD_VALUE),
    CGROUP_STORAGE(19, "4.19", 0),
    REUSEPORT_SOCKARRAY(20, "4.19", Traits.FD_VALUE),
    PERCPU_CGROUP_STORAGE(21, "4.20", Traits.PER_CPU),
    QUEUE(22, "4.20", Traits.KEYLESS),
    STACK(23, "4.20", Traits.KEYLESS),
    SK_STORAGE(24, "5.2", Traits.LOCAL_STORAGE),
    DEVMAP_HASH(25, "5.4", 0),
    STRUCT_OPS(26, "5.6", 0),
    RINGBUF(27, "5.8", Traits.KEYLESS | Traits.RING),
    INODE_STORAGE(28, "5.10", Traits.LOCAL_STORAGE),
    TASK_STORAGE(29, "5.11", Traits.LOCAL_STORAGE),
    BLOOM_FILTER(30, "5.16", Traits.KEYLESS),
    USER_RINGBUF(31, "6.1", Traits.KEYLESS | Traits.RING),
    CGRP_STORAGE(32, "6.2", Traits.LOCAL_STORAGE),
    ARENA(33, "6.9", Traits.KEYLESS);

    private static final class Traits {
        static final int PER_CPU = 1;
        static final int KEYLESS = 2;
        static final int RING = 4;
        static final int MAP_IN_MAP = 8;
        static final int LOCAL_STORAGE = 16;
        static final int FD_VALUE = 32;
    }

    private static final MapType[] BY_NUMBER = new MapType[64];

    static {
        for (MapType t : values()) BY_NUMBER[t.number] = t;
    }

    private final int number;
    private final String minimumKernel;
    private final int traits;

    MapType(int number, String minimumKernel, int traits) {
        this.number = number;
        this.minimumKernel = minimumKernel;
        this.traits = traits;
    }

    /** The kernel's number for this type. */
    public int number() {
        return number;
    }

    /** The first Linux version with this map type, e.g. "5.8". */
    public String minimumKernel() {
        return minimumKernel;
    }

    /** Values are per possible CPU: user space sees {@code roundup(value_size, 8) * nr_possible_cpus} bytes. */
    public boolean isPerCpu() {
        return (traits & Traits.PER_CPU) != 0;
    }

    /** Has no key (queue, stack, bloom filter, ring buffers, arena): key size must be 0. */
    public boolean isKeyless() {
        return (traits & Traits.KEYLESS) != 0;
    }

    /** A ring buffer (kernel → user or user → kernel): max_entries is the data size in bytes. */
    public boolean isRingBuffer() {
        return (traits & Traits.RING) != 0;
    }

    /** Values are inner maps (array/hash of maps). */
    public boolean isMapInMap() {
        return (traits & Traits.MAP_IN_MAP) != 0;
    }

    /** Local storage attached to a socket, inode, task or cgroup (needs BTF, BPF_F_NO_PREALLOC, max_entries 0). */
    public boolean isLocalStorage() {
        return (traits & Traits.LOCAL_STORAGE) != 0;
    }

    /** Updates from user space take a file descriptor as the value (prog array, map-in-map, sockmap, ...). */
    public boolean takesFdValues() {
        return (traits & Traits.FD_VALUE) != 0;
    }

    /** The name bpftool uses, e.g. "percpu_hash". */
    public String bpftoolName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The constant for a kernel number; empty when this table does not know it (a newer kernel). */
    public static Optional<MapType> fromNumber(int number) {
        return number >= 0 && number < BY_NUMBER.length ? Optional.ofNullable(BY_NUMBER[number]) : Optional.empty();
    }

    /** The constant for a bpftool-style or enum-style name, case-insensitive ("lru_hash", "LRU_HASH"). */
    public static Optional<MapType> fromName(String name) {
        String n = name.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        if (n.startsWith("BPF_MAP_TYPE_")) n = n.substring("BPF_MAP_TYPE_".length());
        if (n.equals("CGROUP_STORAGE_DEPRECATED")) n = "CGROUP_STORAGE";
        if (n.equals("PERCPU_CGROUP_STORAGE_DEPRECATED")) n = "PERCPU_CGROUP_STORAGE";
        try {
            MapType t = valueOf(n);
            return t == UNSPEC ? Optional.empty() : Optional.of(t);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** "hash" for a known number, "type 77" for an unknown one. */
    public static String describe(int number) {
        return fromNumber(number).map(MapType::bpftoolName).orElse("type " + number);
    }
}
