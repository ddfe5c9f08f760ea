package dev.ebpf4j.vm;

import dev.ebpf4j.BpfArgumentException;
import dev.ebpf4j.MapSpec;
import dev.ebpf4j.NotSupportedException;
import dev.ebpf4j.vm.maps.ArrayMap;
import dev.ebpf4j.vm.maps.HashMap;
import dev.ebpf4j.vm.maps.MapBase;
import dev.ebpf4j.vm.maps.ProgramArray;
import dev.ebpf4j.vm.maps.RingBuffer;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The userspace maps a set of VM programs share: what {@code BpfMap}s are to kernel programs. Programs name a map in
 * {@code lddw} by {@link dev.ebpf4j.asm.Instruction#reference() reference} (the map's name, as the ELF loader
 * produces) or by the map's {@link VmMap#fd() pseudo fd}. Supported types: HASH, ARRAY, PERCPU_HASH, PERCPU_ARRAY
 * (one CPU), LRU_HASH, LRU_PERCPU_HASH, RINGBUF, PROG_ARRAY. Thread-safe.
 *
 * <pre>{@code
 * VmMaps maps = new VmMaps();
 * VmMap counts = maps.create(MapSpec.array("counts", 8, 4));
 * VmProgram p = Vm.load(spec, maps);   // spec's lddw names "counts"
 * }</pre>
 */
public final class VmMaps {
    /** Bytes one map may occupy (values and keys); larger specs are refused. */
    public static final long MAX_MAP_BYTES = 1L << 30;
    private static final int FIRST_FD = 10_000;

    private final List<MapBase> maps = new ArrayList<>();

    /** Maps created from {@code specs}, in order (e.g. the map specs of a parsed object). */
    public static VmMaps of(java.util.Collection<MapSpec> specs) {
        VmMaps maps = new VmMaps();
        for (MapSpec s : specs) maps.create(s);
        return maps;
    }
    private volatile MapBase[] snapshot = new MapBase[0];

    /** Creates a map and returns it. */
    public synchronized VmMap create(MapSpec spec) {
        if (!spec.name().isEmpty() && find(spec.name()).isPresent()) {
            throw new BpfArgumentException("a map named '" + spec.name() + "' exists already in these VmMaps");
        }
        long bytes = (long) ((spec.valueSize() + 7) & ~7) * spec.maxEntries() + (long) spec.keySize() * spec.maxEntries();
        if (bytes > MAX_MAP_BYTES) {
            throw new BpfArgumentException("map '" + spec.name() + "' would need " + bytes + " bytes; the VM allows "
                    + MAX_MAP_BYTES + " per map: lower max_entries or the value size");
        }
        int index = maps.size();
        int fd = FIRST_FD + index;
        MapBase m = switch (spec.type()) {
            case ARRAY, PERCPU_ARRAY -> {
                need(spec, spec.keySize() == 4 && spec.valueSize() > 0 && spec.maxEntries() > 0,
                        "needs 4-byte keys, a value size and max_entries > 0");
                yield new ArrayMap(spec, index, fd);
            }
            case HASH, PERCPU_HASH -> {
                need(spec, spec.keySize() > 0 && spec.valueSize() > 0 && spec.maxEntries() > 0,
                        "needs a key size, a value size and max_entries > 0");
                yield new HashMap(spec, index, fd, false);
            }
            case LRU_HASH, LRU_PERCPU_HASH -> {
                need(spec, spec.keySize() > 0 && spec.valueSize() > 0 && spec.maxEntries() > 0,
                        "needs a key size, a value size and max_entries > 0");
                yield new HashMap(spec, index, fd, true);
            }
            case RINGBUF -> new RingBuffer(spec, index, fd);
            case PROG_ARRAY -> {
                need(spec, spec.keySize() == 4 && spec.valueSize() == 4 && spec.maxEntries() > 0,
                        "needs 4-byte keys and values and max_entries > 0");
                yield new ProgramArray(spec, index, fd);
            }
            default -> throw new NotSupportedException("VM map type " + spec.type(), "",
                    "map '" + spec.name() + "': the ebpf4j VM has no " + spec.type() + " maps; use HASH, ARRAY, "
                            + "PERCPU_HASH, PERCPU_ARRAY, LRU_HASH, LRU_PERCPU_HASH, RINGBUF or PROG_ARRAY");
        };
        maps.add(m);
        snapshot = maps.toArray(new MapBase[0]);
        for (var e : spec.contents()) m.update(e.key(), e.value());
        return m;
    }

    private static void need(MapSpec spec, boolean ok, String what) {
        if (!ok) throw new BpfArgumentException("map '" + spec.name() + "' (" + spec.type() + ") " + what);
    }

    /** The map called {@code name}. */
    public synchronized Optional<VmMap> find(String name) {
        for (MapBase m : maps) if (m.name().equals(name)) return Optional.of(m);
        return Optional.empty();
    }

    /** The map called {@code name}, or an exception naming the maps that exist. */
    public VmMap get(String name) {
        return find(name).orElseThrow(() -> new BpfArgumentException("no map named '" + name + "' in these VmMaps; "
                + "maps: " + all().stream().map(VmMap::name).toList()));
    }

    /** The map with pseudo fd {@code fd}. */
    public Optional<VmMap> byFd(int fd) {
        MapBase[] s = snapshot;
        int i = fd - FIRST_FD;
        return i >= 0 && i < s.length ? Optional.of(s[i]) : Optional.empty();
    }

    /** All maps in creation order. */
    public List<VmMap> all() {
        return List.of(snapshot);
    }

    /** Internal: the maps by index. */
    public MapBase[] internalMaps() {
        return snapshot;
    }
}
