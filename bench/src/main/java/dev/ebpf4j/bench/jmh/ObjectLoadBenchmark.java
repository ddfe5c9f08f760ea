package dev.ebpf4j.bench.jmh;

import dev.ebpf4j.BpfObject;
import dev.ebpf4j.ObjectSpec;
import dev.ebpf4j.bench.pairs.BenchFiles;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Pair 6 (warm) in JMH: read, open and load {@code bench_core.bpf.o} (8 CO-RE programs, 3 maps), then close it.
 * Score: milliseconds per open + load + close.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -jar bench/target/benchmarks.jar ObjectLoadBenchmark -prof jfr
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class ObjectLoadBenchmark {
    private Path object;

    @Setup
    public void locate() {
        object = BenchFiles.bpf("bench_core");
    }

    @Benchmark
    public int openLoadClose() {
        try (BpfObject obj = BpfObject.load(ObjectSpec.read(object))) {
            return obj.programs().size();
        }
    }
}
