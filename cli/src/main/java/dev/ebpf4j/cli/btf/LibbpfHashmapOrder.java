package dev.ebpf4j.cli.btf;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The order in which bpftool lists the values it collected per key in a libbpf {@code hashmap} with
 * {@code hashmap__append} (the programs and maps using each BTF object in {@code btf show}): new entries go first in
 * their bucket's chain, and each time the table grows the entries of one key come out reversed. This replays that.
 *
 * <pre>{@code
 * LibbpfHashmapOrder<Integer> progs = new LibbpfHashmapOrder<>();
 * progs.append(btfId, progId);
 * List<Long> ids = progs.valuesOf(btfId);   // in bpftool's printing order
 * }</pre>
 */
final class LibbpfHashmapOrder<K> {
    private static final int MIN_CAPACITY = 4;
    private final Map<K, List<Long>> chains = new HashMap<>();
    private int size;
    private int capacity;

    /** Appends {@code value} under {@code key}, as hashmap__append does (growing the table first when needed). */
    void append(K key, long value) {
        if (capacity == 0 || (size + 1) * 4 / 3 > capacity) {
            capacity = Math.max(MIN_CAPACITY, capacity * 2);
            for (List<Long> chain : chains.values()) Collections.reverse(chain);
        }
        chains.computeIfAbsent(key, k -> new ArrayList<>()).addFirst(value);
        size++;
    }

    /** The values of {@code key} in the order hashmap__for_each_key_entry visits them. */
    List<Long> valuesOf(K key) {
        return chains.getOrDefault(key, List.of());
    }
}
