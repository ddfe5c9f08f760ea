package dev.ebpf4j.bench.pairs;

import dev.ebpf4j.BpfMap;
import dev.ebpf4j.MapBatchCursor;
import dev.ebpf4j.MapSpec;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Pair 4: dumping a full hash map of ENTRIES entries (u32 key, u64 value = key * 3) with
 * {@link BpfMap#lookupBatch} (BATCH entries per call) and with {@link BpfMap#forEach} (get-next-key + lookup per
 * entry); the mirror of {@code bench/src/main/c/maps.c}. Both sides fill the map with batch updates (reported as
 * {@code fill-batch-update}), make unreported batch passes for at least a second, report the median of three batch
 * passes, then time one iteration; entries and the sum of values must agree.
 *
 * <pre>{@code
 * MapDumpPair.run(1 << 20, 8192).forEach(BenchLine::print);
 * }</pre>
 */
public final class MapDumpPair {
    private MapDumpPair() {
    }

    public static List<BenchLine> run(int entries, int batch) {
        List<BenchLine> out = new ArrayList<>();
        try (BpfMap map = BpfMap.create(MapSpec.hash("bench_dump", 4, 8, entries))) {
            long fill = MapFill.fill(map, entries);
            out.add(BenchLine.of("dump", "fill-batch-update", "ms", fill / 1e6, entries));
            batch(map, batch, out);
            iterate(map, out);
        }
        return out;
    }

    /** Unreported passes for at least a second (at least one), then the median of three passes. */
    private static void batch(BpfMap map, int batch, List<BenchLine> out) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment keys = arena.allocate(JAVA_INT, batch);
            MemorySegment values = arena.allocate(JAVA_LONG, batch);
            long[] seen = new long[2];
            long warmUntil = System.nanoTime() + BtfPair.WARMUP_NANOS;
            do {
                batchPass(map, batch, keys, values, seen);
            } while (System.nanoTime() < warmUntil);
            long[] times = new long[3];
            for (int i = 0; i < times.length; i++) times[i] = batchPass(map, batch, keys, values, seen);
            double t = RecordPair.median(times);
            out.add(BenchLine.of("dump", "batch", "entries_per_s", seen[0] / (t / 1e9), seen[0]).withCheck(seen[1]));
            out.add(BenchLine.of("dump", "batch", "ms", t / 1e6, seen[0]).withCheck(seen[1]));
        }
    }

    /** One pass in batches; returns its time in ns and stores the entries and value sum seen in {@code seen}. */
    private static long batchPass(BpfMap map, int batch, MemorySegment keys, MemorySegment values, long[] seen) {
        long entries = 0;
        long sum = 0;
        long t0 = System.nanoTime();
        MapBatchCursor cursor = map.batchCursor();
        while (!cursor.isDone()) {
            int n = map.lookupBatch(cursor, keys, values, batch);
            for (int i = 0; i < n; i++) sum += values.getAtIndex(JAVA_LONG, i);
            entries += n;
        }
        long t = System.nanoTime() - t0;
        seen[0] = entries;
        seen[1] = sum;
        return t;
    }

    private static void iterate(BpfMap map, List<BenchLine> out) {
        long[] acc = new long[2];
        long t0 = System.nanoTime();
        map.forEach((k, v) -> {
            acc[0]++;
            acc[1] += v.get(JAVA_LONG, 0);
        });
        long t = System.nanoTime() - t0;
        out.add(BenchLine.of("dump", "iterate", "entries_per_s", acc[0] / (t / 1e9), acc[0]).withCheck(acc[1]));
        out.add(BenchLine.of("dump", "iterate", "ms", t / 1e6, acc[0]).withCheck(acc[1]));
    }
}
