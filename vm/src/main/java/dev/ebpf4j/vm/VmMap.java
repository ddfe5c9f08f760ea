package dev.ebpf4j.vm;

import dev.ebpf4j.MapSpec;
import dev.ebpf4j.MapType;
import dev.ebpf4j.UpdateMode;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A userspace map of the VM, created by {@link VmMaps#create(MapSpec)}: hash, array, their per-CPU forms (one CPU),
 * LRU hash, ring buffer ({@link VmRingBuffer}) or program array ({@link VmProgramArray}). Programs reach it through
 * {@code lddw rX, map} (by {@link dev.ebpf4j.asm.Instruction#reference() name} or by {@link #fd() pseudo fd});
 * Java code uses the methods below, which copy keys and values. Thread-safe.
 *
 * <pre>{@code
 * VmMap counts = maps.create(MapSpec.hash("counts", 4, 8, 1024));
 * counts.update(key, value, UpdateMode.ANY);
 * Optional<byte[]> v = counts.lookup(key);
 * }</pre>
 */
public interface VmMap {
    /** The spec the map was created from. */
    MapSpec spec();

    default String name() {
        return spec().name();
    }

    default MapType type() {
        return spec().type();
    }

    /** A VM-private number that {@code lddw rX, fd} (src = BPF_PSEUDO_MAP_FD) may use to name this map. */
    int fd();

    /** A copy of the value stored under {@code key}, if any. */
    Optional<byte[]> lookup(byte[] key);

    /**
     * Stores {@code value} under {@code key}.
     *
     * @throws dev.ebpf4j.BpfArgumentException when sizes are wrong, or the mode or capacity forbids the update
     */
    void update(byte[] key, byte[] value, UpdateMode mode);

    default void update(byte[] key, byte[] value) {
        update(key, value, UpdateMode.ANY);
    }

    /** Removes {@code key}; false when it was absent (or the map type cannot delete, like arrays). */
    boolean delete(byte[] key);

    /** Copies of all keys, in the map's iteration order. */
    List<byte[]> keys();

    /** Copies of all entries. */
    List<Map.Entry<byte[], byte[]>> entries();
}
