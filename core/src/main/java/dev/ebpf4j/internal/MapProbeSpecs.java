package dev.ebpf4j.internal;

import dev.ebpf4j.MapFlags;
import dev.ebpf4j.MapSpec;
import dev.ebpf4j.MapType;

/**
 * The smallest valid {@link MapSpec} of each map type: the parameters each type insists on (keyless types, ring sizes
 * in pages, NO_PREALLOC for tries and local storage, an inner map for map-in-map, MMAPABLE for arenas). Used to probe
 * which types the kernel offers and to create one of each in tests.
 *
 * <pre>{@code
 * MapSpec s = MapProbeSpecs.minimal(MapType.LPM_TRIE);   // key 8, value 8, NO_PREALLOC
 * }</pre>
 */
public final class MapProbeSpecs {
    private MapProbeSpecs() {
    }

    /** A small valid spec for {@code type}, named "probe_" + type. */
    public static MapSpec minimal(MapType type) {
        int page = (int) PageSize.get();
        MapSpec.Builder b = MapSpec.builder(type).name(("p_" + type.bpftoolName())).keySize(4).valueSize(4)
                .maxEntries(1);
        return switch (type) {
            case LPM_TRIE -> b.keySize(8).valueSize(8).flags(MapFlags.NO_PREALLOC).build();
            case STACK_TRACE -> b.valueSize(8 * 127).build();
            case QUEUE, STACK -> b.keySize(0).valueSize(8).build();
            case BLOOM_FILTER -> b.keySize(0).valueSize(8).build();
            case RINGBUF, USER_RINGBUF -> b.keySize(0).valueSize(0).maxEntries(page).build();
            case ARENA -> b.keySize(0).valueSize(0).maxEntries(1).flags(MapFlags.MMAPABLE).build();
            case CGROUP_STORAGE, PERCPU_CGROUP_STORAGE -> b.keySize(16).valueSize(8).maxEntries(0).build();
            case SK_STORAGE, INODE_STORAGE, TASK_STORAGE, CGRP_STORAGE -> b.valueSize(8).maxEntries(0)
                    .flags(MapFlags.NO_PREALLOC).build();
            case ARRAY_OF_MAPS, HASH_OF_MAPS -> b.innerMap(MapSpec.array("p_inner", 4, 1)).build();
            case STRUCT_OPS -> b.btf(new MapSpec.MapBtf(null, 0, 0, 1)).build();
            case DEVMAP, DEVMAP_HASH, CPUMAP, SOCKMAP, SOCKHASH, XSKMAP, REUSEPORT_SOCKARRAY, PROG_ARRAY,
                 PERF_EVENT_ARRAY, CGROUP_ARRAY -> b.build();
            default -> b.build();
        };
    }
}
