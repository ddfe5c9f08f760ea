package dev.ebpf4j.bench.jmh;

import dev.ebpf4j.BpfObject;
import dev.ebpf4j.ObjectSpec;
import dev.ebpf4j.Program;
import dev.ebpf4j.TestRun;
import dev.ebpf4j.bench.pairs.BenchFiles;
import dev.ebpf4j.perf.PerfBufferReader;
import dev.ebpf4j.perf.PerfSample;
import dev.ebpf4j.ringbuf.RingBufferReader;
import dev.ebpf4j.ringbuf.RingRecord;
import org.openjdk.jmh.annotations.AuxCounters;
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

import java.util.concurrent.TimeUnit;

/**
 * Pairs 1 and 2 in JMH: before each invocation {@code bench_producer.bpf.o} fills the ring buffer or the perf buffer
 * with {@code records} records of {@code size} bytes (BPF_PROG_TEST_RUN, not timed); the invocation drains them with
 * {@code consume()}. Score: microseconds per invocation; the secondary result {@code events} counts what was
 * delivered, so events/s = events / total time.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -jar bench/target/benchmarks.jar DrainBenchmark -p size=8
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class DrainBenchmark {
    @Param({"ring", "perf"})
    public String kind;

    @Param({"8", "128"})
    public int size;

    /** Records per invocation (a multiple of 64, the producer's records per run). */
    @Param({"16384"})
    public int records;

    private BpfObject obj;
    private Program producer;
    private TestRun fill;
    private RingBufferReader ring;
    private PerfBufferReader perf;
    private long sum;

    /** Records delivered, as a JMH secondary result. */
    @AuxCounters(AuxCounters.Type.EVENTS)
    @State(Scope.Thread)
    public static class Delivered {
        public long events;
    }

    @Setup(Level.Trial)
    public void load() {
        obj = BpfObject.load(ObjectSpec.read(BenchFiles.bpf("bench_producer")));
        producer = obj.program(kind + "_" + size);
        fill = TestRun.withData(new byte[64]).repeat(records / 64);
        if (kind.equals("ring")) {
            ring = RingBufferReader.open(obj.map("ring"), this::onRecord);
        } else {
            perf = PerfBufferReader.builder(obj.map("perf")).pagesPerCpu(256).onSample(this::onSample).build();
        }
    }

    private void onRecord(RingRecord r) {
        sum += r.getLong(0);
    }

    private void onSample(PerfSample s) {
        sum += s.getLong(0);
    }

    @Setup(Level.Invocation)
    public void produce() {
        producer.testRun(fill);
    }

    @Benchmark
    public long drain(Delivered d) {
        int n = 0;
        while (n < records) {
            int got = ring != null ? ring.consume() : perf.consume();
            if (got == 0) break;
            n += got;
        }
        d.events += n;
        return sum;
    }

    @TearDown(Level.Trial)
    public void close() {
        if (ring != null) ring.close();
        if (perf != null) perf.close();
        obj.close();
    }
}
