package dev.ebpf4j.bench.jmh;

import dev.ebpf4j.btf.Btf;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Pair 5 (warm) in JMH: read and parse {@code /sys/kernel/btf/vmlinux} afresh ({@link Btf#read(Path)}, not the
 * per-process {@link Btf#vmlinux()}), with and without a lookup by name afterwards.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -jar bench/target/benchmarks.jar BtfParseBenchmark -prof gc
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class BtfParseBenchmark {
    private static final Path VMLINUX = Path.of("/sys/kernel/btf/vmlinux");

    @Benchmark
    public int parse() {
        return Btf.read(VMLINUX).typeCount();
    }

    @Benchmark
    public int parseAndFind() {
        return Btf.read(VMLINUX).findStruct("task_struct").orElseThrow().id();
    }
}
