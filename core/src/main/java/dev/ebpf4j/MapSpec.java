package dev.ebpf4j;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The kernel-independent description of a BPF map: what {@link BpfMap#create(MapSpec)} creates. Immutable; edit
 * with {@link #toBuilder()} or the {@code with*} methods. Specs come from a parsed object or are built in Java.
 *
 * <pre>{@code
 * MapSpec counts = MapSpec.hash("counts", 4, 8, 1024);
 * MapSpec events = MapSpec.ringBuffer("events", 256 * 1024);
 * MapSpec bigger = counts.withMaxEntries(1 << 20);
 * MapSpec custom = MapSpec.builder(MapType.LRU_HASH).name("lru").keySize(16).valueSize(8).maxEntries(4096)
 *         .flags(MapFlags.NO_COMMON_LRU).build();
 * }</pre>
 *
 * @param name         the map's name (the kernel keeps the first 15 bytes)
 * @param type         the map type
 * @param keySize      key size in bytes (0 for keyless types)
 * @param valueSize    value size in bytes (per CPU for per-CPU types; 0 for ring buffers)
 * @param maxEntries   capacity (bytes for ring buffers, pages for arenas)
 * @param flags        {@link MapFlags} bits
 * @param numaNode     NUMA node when {@link MapFlags#NUMA_NODE} is set
 * @param mapExtra     type-specific extra (bloom filter hash count, arena address hint)
 * @param ifindex      device for offloaded maps, else 0
 * @param innerMap     template of the inner maps for map-in-map types, else null
 * @param pinning      whether and where the map is pinned
 * @param btf          BTF describing key and value (required by local-storage maps; synthesized when absent)
 * @param contents     entries written right after creation
 * @param freeze       freeze the map (read-only from user space) after writing {@code contents}
 */
public record MapSpec(String name, MapType type, int keySize, int valueSize, int maxEntries, int flags, int numaNode,
                      long mapExtra, int ifindex, MapSpec innerMap, Pinning pinning, MapBtf btf,
                      List<MapEntry> contents, boolean freeze) {

    public MapSpec {
        Objects.requireNonNull(type, "type");
        name = name == null ? "" : name;
        pinning = pinning == null ? Pinning.NONE : pinning;
        contents = contents == null ? List.of() : List.copyOf(contents);
        if (keySize < 0 || valueSize < 0 || maxEntries < 0) {
            throw new IllegalArgumentException("map '" + name + "': key size, value size and max entries must not be "
                    + "negative (got " + keySize + ", " + valueSize + ", " + maxEntries + ")");
        }
    }

    /** One initial entry. */
    public record MapEntry(byte[] key, byte[] value) {
    }

    /**
     * BTF for key and value: a raw BTF blob (as {@code BPF_BTF_LOAD} takes it) and the ids of the key and value
     * types in it; {@code vmlinuxValueTypeId} is for struct_ops maps (a type id in the kernel's BTF).
     */
    public record MapBtf(byte[] rawBtf, int keyTypeId, int valueTypeId, int vmlinuxValueTypeId) {
    }

    /** Where a map is pinned: not at all, by name under a directory (libbpf's LIBBPF_PIN_BY_NAME), or at a path. */
    public record Pinning(Path path) {
        public static final Pinning NONE = new Pinning(null);

        /** Pin at {@code directory/name} (reusing an existing compatible pin). */
        public static Pinning byName(Path directory, String name) {
            return new Pinning(directory.resolve(name));
        }

        /** Pin at exactly {@code path}. */
        public static Pinning at(Path path) {
            return new Pinning(path);
        }

        public boolean isPinned() {
            return path != null;
        }
    }

    /** A builder for a map of {@code type}. */
    public static Builder builder(MapType type) {
        return new Builder(type);
    }

    /** A hash map. */
    public static MapSpec hash(String name, int keySize, int valueSize, int maxEntries) {
        return builder(MapType.HASH).name(name).keySize(keySize).valueSize(valueSize).maxEntries(maxEntries).build();
    }

    /** An array; keys are u32 indexes. */
    public static MapSpec array(String name, int valueSize, int maxEntries) {
        return builder(MapType.ARRAY).name(name).keySize(4).valueSize(valueSize).maxEntries(maxEntries).build();
    }

    /** A ring buffer of {@code sizeBytes} (a power of two, multiple of the page size). */
    public static MapSpec ringBuffer(String name, int sizeBytes) {
        return builder(MapType.RINGBUF).name(name).maxEntries(sizeBytes).build();
    }

    /** A perf event array with one slot per possible CPU (max entries 0 means "all CPUs" at creation). */
    public static MapSpec perfEventArray(String name) {
        return builder(MapType.PERF_EVENT_ARRAY).name(name).keySize(4).valueSize(4).maxEntries(0).build();
    }

    /** A builder initialised with this spec's values. */
    public Builder toBuilder() {
        Builder b = new Builder(type);
        b.name = name;
        b.keySize = keySize;
        b.valueSize = valueSize;
        b.maxEntries = maxEntries;
        b.flags = flags;
        b.numaNode = numaNode;
        b.mapExtra = mapExtra;
        b.ifindex = ifindex;
        b.innerMap = innerMap;
        b.pinning = pinning;
        b.btf = btf;
        b.contents = new ArrayList<>(contents);
        b.freeze = freeze;
        return b;
    }

    public MapSpec withMaxEntries(int n) {
        return toBuilder().maxEntries(n).build();
    }

    public MapSpec withName(String n) {
        return toBuilder().name(n).build();
    }

    public MapSpec withPinning(Pinning p) {
        return toBuilder().pinning(p).build();
    }

    public MapSpec withContents(List<MapEntry> entries) {
        return toBuilder().contents(entries).build();
    }

    @Override
    public String toString() {
        return "MapSpec[" + type.bpftoolName() + " '" + name + "' key " + keySize + " value " + valueSize + " max_entries "
                + maxEntries + (flags != 0 ? " flags " + MapFlags.describe(flags) : "") + "]";
    }

    /** Mutable builder; {@link #build()} validates and returns the immutable spec. */
    public static final class Builder {
        private final MapType type;
        private String name = "";
        private int keySize;
        private int valueSize;
        private int maxEntries;
        private int flags;
        private int numaNode;
        private long mapExtra;
        private int ifindex;
        private MapSpec innerMap;
        private Pinning pinning = Pinning.NONE;
        private MapBtf btf;
        private List<MapEntry> contents = new ArrayList<>();
        private boolean freeze;

        private Builder(MapType type) {
            this.type = Objects.requireNonNull(type, "type");
        }

        public Builder name(String v) { this.name = v; return this; }
        public Builder keySize(int v) { this.keySize = v; return this; }
        public Builder valueSize(int v) { this.valueSize = v; return this; }
        public Builder maxEntries(int v) { this.maxEntries = v; return this; }
        public Builder flags(int v) { this.flags = v; return this; }
        public Builder numaNode(int v) { this.numaNode = v; this.flags |= MapFlags.NUMA_NODE; return this; }
        public Builder mapExtra(long v) { this.mapExtra = v; return this; }
        public Builder ifindex(int v) { this.ifindex = v; return this; }
        public Builder innerMap(MapSpec v) { this.innerMap = v; return this; }
        public Builder pinning(Pinning v) { this.pinning = v; return this; }
        public Builder btf(MapBtf v) { this.btf = v; return this; }
        public Builder contents(List<MapEntry> v) { this.contents = new ArrayList<>(v); return this; }
        public Builder entry(byte[] key, byte[] value) { this.contents.add(new MapEntry(key, value)); return this; }
        public Builder freeze(boolean v) { this.freeze = v; return this; }

        public MapSpec build() {
            return new MapSpec(name, type, keySize, valueSize, maxEntries, flags, numaNode, mapExtra, ifindex,
                    innerMap, pinning, btf, contents, freeze);
        }
    }
}
