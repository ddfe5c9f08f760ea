package dev.ebpf4j.bench.jmh;

import dev.ebpf4j.BpfMap;
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
 * Pair 3 in JMH: one lookup or update per operation on a full hash or array map (u32 key, u64 value), keys in the
 * pairs' scrambled order, through {@link BpfMap}'s allocation-free segment methods.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -jar bench/target/benchmarks.jar MapOpBenchmark -prof gc
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class MapOpBenchmark {
    @Param({"hash", "array"})
    public String type;

    @Param({"65536"})
    public int entries;

    private BpfMap map;
    private Arena arena;
    private MemorySegment key;
    private MemorySegment value;
    private int i;

    @Setup(Level.Trial)
    public void create() {
        map = BpfMap.create(type.equals("hash") ? MapSpec.hash("jmh_hash", 4, 8, entries)
                : MapSpec.array("jmh_array", 8, entries));
        arena = Arena.ofConfined();
        key = arena.allocate(JAVA_INT);
        value = arena.allocate(JAVA_LONG);
        for (int k = 0; k < entries; k++) {
            key.set(JAVA_INT, 0, k);
            value.set(JAVA_LONG, 0, k * 3L);
            map.update(key, value, UpdateMode.ANY);
        }
    }

    private int nextKey() {
        return i++ * (int) 2654435761L & (entries - 1);
    }

    @Benchmark
    public long lookup() {
        key.set(JAVA_INT, 0, nextKey());
        return map.lookup(key, value) ? value.get(JAVA_LONG, 0) : -1;
    }

    @Benchmark
    public void update() {
        int k = nextKey();
        key.set(JAVA_INT, 0, k);
        value.set(JAVA_LONG, 0, k * 3L);
        map.update(key, value, UpdateMode.ANY);
    }

    @TearDown(Level.Trial)
    public void close() {
        map.close();
        arena.close();
    }
}
