package dev.ebpf4j.bench.jmh;

import dev.ebpf4j.BpfMap;
import dev.ebpf4j.MapBatchCursor;
import dev.ebpf4j.MapSpec;
import dev.ebpf4j.UpdateMode;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Pair 4 in JMH: dump a full hash map of {@code entries} entries with batch lookups ({@code batch} per call) or with
 * get-next-key iteration ({@link BpfMap#forEach}). Score: milliseconds per dump.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -jar bench/target/benchmarks.jar MapDumpBenchmark
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class MapDumpBenchmark {
    @Param({"1048576"})
    public int entries;

    @Param({"8192"})
    public int batch;

    private BpfMap map;
    private Arena arena;
    private MemorySegment keys;
    private MemorySegment values;

    @Setup(Level.Trial)
    public void fill() {
        map = BpfMap.create(MapSpec.hash("jmh_dump", 4, 8, entries));
        arena = Arena.ofConfined();
        int chunk = Math.min(entries, 65536);
        MemorySegment k = arena.allocate(JAVA_INT, chunk);
        MemorySegment v = arena.allocate(JAVA_LONG, chunk);
        for (int start = 0; start < entries; start += chunk) {
            int n = Math.min(chunk, entries - start);
            for (int i = 0; i < n; i++) {
                k.setAtIndex(JAVA_INT, i, start + i);
                v.setAtIndex(JAVA_LONG, i, (start + i) * 3L);
            }
            map.updateBatch(k, v, n, UpdateMode.ANY);
        }
        keys = arena.allocate(JAVA_INT, batch);
        values = arena.allocate(JAVA_LONG, batch);
    }

    @Benchmark
    public long batchLookup() {
        long sum = 0;
        MapBatchCursor cursor = map.batchCursor();
        while (!cursor.isDone()) {
            int n = map.lookupBatch(cursor, keys, values, batch);
            for (int i = 0; i < n; i++) sum += values.getAtIndex(JAVA_LONG, i);
        }
        return sum;
    }

    @Benchmark
    public long iterate() {
        long[] sum = new long[1];
        map.forEach((k, v) -> sum[0] += v.get(JAVA_LONG, 0));
        return sum[0];
    }

    @TearDown(Level.Trial)
    public void close() {
        map.close();
        arena.close();
    }
}
