package dev.ebpf4j.bench.pairs;

import dev.ebpf4j.BpfMap;
import dev.ebpf4j.MapSpec;
import dev.ebpf4j.UpdateMode;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Pair 3: single-element lookups and updates from user space with {@link BpfMap}'s allocation-free segment methods,
 * on a hash and an array of ENTRIES entries (u32 key, u64 value = key * 3), keys in the anchor's scrambled order
 * ({@code key = i * 2654435761 mod ENTRIES}); the mirror of {@code bench/src/main/c/maps.c}. Unreported
 * operations warm each case up on both sides (50,000, and for at least a second, in chunks of 10,000 keys).
 *
 * <pre>{@code
 * MapOpsPair.run(200_000, 65536).forEach(BenchLine::print);
 * }</pre>
 */
public final class MapOpsPair {
    static final int SCRAMBLE = (int) 2654435761L;
    static final int WARMUP_OPS = 50_000;
    static final int WARMUP_CHUNK = 10_000;

    private MapOpsPair() {
    }

    public static List<BenchLine> run(long ops, int entries) {
        if (entries <= 0 || Integer.bitCount(entries) != 1) throw new IllegalArgumentException("ENTRIES must be a power of two");
        List<BenchLine> out = new ArrayList<>();
        try (BpfMap hash = BpfMap.create(MapSpec.hash("bench_hash", 4, 8, entries));
             BpfMap array = BpfMap.create(MapSpec.array("bench_array", 8, entries));
             Arena arena = Arena.ofConfined()) {
            MapFill.fill(hash, entries);
            MapFill.fill(array, entries);
            MemorySegment key = arena.allocate(JAVA_INT);
            MemorySegment value = arena.allocate(JAVA_LONG);
            int mask = entries - 1;
            out.add(lookups("hash-lookup", hash, key, value, mask, ops));
            out.add(updates("hash-update", hash, key, value, mask, ops));
            out.add(lookups("array-lookup", array, key, value, mask, ops));
            out.add(updates("array-update", array, key, value, mask, ops));
        }
        return out;
    }

    private static BenchLine lookups(String kase, BpfMap map, MemorySegment key, MemorySegment value, int mask,
                                     long ops) {
        // Warm-up and measurement run the same loop, so the measured run starts in the code the JIT compiled for it.
        long warmUntil = System.nanoTime() + BtfPair.WARMUP_NANOS;
        for (long done = 0; done < WARMUP_OPS || System.nanoTime() < warmUntil; done += WARMUP_CHUNK) {
            lookupLoop(map, key, value, mask, WARMUP_CHUNK, new long[2]);
        }
        long[] found = new long[2];
        long t0 = System.nanoTime();
        lookupLoop(map, key, value, mask, ops, found);
        long t = System.nanoTime() - t0;
        return BenchLine.of("mapops", kase, "ops_per_s", ops / (t / 1e9), found[0]).withCheck(found[1])
                .failedIf(found[0] == ops ? "" : "keys_missing");
    }

    /** Looks up keys 0.. in the scrambled order; counts hits in {@code out[0]} and sums their values in {@code out[1]}. */
    private static void lookupLoop(BpfMap map, MemorySegment key, MemorySegment value, int mask, long ops, long[] out) {
        long found = 0;
        long sum = 0;
        for (long i = 0; i < ops; i++) {
            key.set(JAVA_INT, 0, (int) i * SCRAMBLE & mask);
            if (map.lookup(key, value)) {
                found++;
                sum += value.get(JAVA_LONG, 0);
            }
        }
        out[0] = found;
        out[1] = sum;
    }

    private static BenchLine updates(String kase, BpfMap map, MemorySegment key, MemorySegment value, int mask,
                                     long ops) {
        long warmUntil = System.nanoTime() + BtfPair.WARMUP_NANOS;
        for (long done = 0; done < WARMUP_OPS || System.nanoTime() < warmUntil; done += WARMUP_CHUNK) {
            updateLoop(map, key, value, mask, WARMUP_CHUNK);
        }
        long t0 = System.nanoTime();
        updateLoop(map, key, value, mask, ops);
        long t = System.nanoTime() - t0;
        return BenchLine.of("mapops", kase, "ops_per_s", ops / (t / 1e9), ops);
    }

    private static void updateLoop(BpfMap map, MemorySegment key, MemorySegment value, int mask, long ops) {
        for (long i = 0; i < ops; i++) {
            int k = (int) i * SCRAMBLE & mask;
            key.set(JAVA_INT, 0, k);
            value.set(JAVA_LONG, 0, k * 3L);
            map.update(key, value, UpdateMode.ANY);
        }
    }
}
