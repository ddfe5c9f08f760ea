package dev.ebpf4j.bench.vm;

import dev.ebpf4j.Program;
import dev.ebpf4j.ProgramSpec;
import dev.ebpf4j.TestRun;
import dev.ebpf4j.vm.Vm;
import dev.ebpf4j.vm.VmMaps;
import dev.ebpf4j.vm.VmOptions;
import dev.ebpf4j.vm.VmProgram;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Runs one program {@link #REPEAT} times per invocation on the VM's interpreter, the VM's JIT and the
 * kernel ({@code BPF_PROG_TEST_RUN} with {@code repeat}, so the kernel JIT's time is amortised over the same number
 * of runs). Subclasses pick the program and declare {@code @OperationsPerInvocation(REPEAT * instructions per run)},
 * so every score is nanoseconds per BPF instruction executed.
 *
 * <p>The kernel's wall-clock score includes the system call's own set-up, which on some kernels costs milliseconds
 * per {@code BPF_PROG_TEST_RUN} (XDP test runs toggle a static key). The secondary results
 * {@code kernel:kernelNanos} and {@code kernel:kernelInstructions} are the kernel's own measurement of the program
 * (the test run's {@code duration} per run times the runs) and the instructions those runs executed: their ratio is
 * the kernel JIT's nanoseconds per instruction, the figure to compare the VM's JIT with.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -jar bench/target/benchmarks.jar 'dev.ebpf4j.bench.vm'
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public abstract class LoopBenchmark {
    /** Runs per invocation. */
    public static final int REPEAT = 100;

    private VmProgram interpreter;
    private VmProgram jit;
    private Program kernel;
    private TestRun run;

    protected abstract ProgramSpec program();

    /** Instructions one run executes. */
    protected abstract long instructionsPerRun();

    /** The VM maps the program uses (none by default). */
    protected VmMaps vmMaps() {
        return new VmMaps();
    }

    /** Loads the program into the kernel, with whatever maps it needs (closed by {@link #closeKernel()}). */
    protected Program loadKernel() {
        return Program.load(program());
    }

    /** Closes what {@link #loadKernel()} created besides the program. */
    protected void closeKernel() {
    }

    /** The packet each run gets: {@link LoopPrograms#PACKET} bytes of a fixed pattern by default. */
    protected byte[] packet() {
        byte[] packet = new byte[LoopPrograms.PACKET];
        for (int i = 0; i < packet.length; i++) packet[i] = (byte) (i * 31 + 7);
        return packet;
    }

    /**
     * The kernel's own timing of the program, as JMH secondary results (JMH adds them up over the measurement):
     * {@code kernelNanos} / {@code kernelInstructions} is the kernel JIT's time per instruction.
     */
    @AuxCounters(AuxCounters.Type.EVENTS)
    @State(Scope.Thread)
    public static class KernelClock {
        /** Nanoseconds the kernel measured for the runs. */
        public long kernelNanos;
        /** Instructions those runs executed. */
        public long kernelInstructions;

        @Setup(Level.Iteration)
        public void reset() {
            kernelNanos = 0;
            kernelInstructions = 0;
        }

        void add(long nsPerRun, int runs, long insnsPerRun) {
            kernelNanos += nsPerRun * runs;
            kernelInstructions += insnsPerRun * runs;
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        ProgramSpec spec = program();
        interpreter = Vm.load(spec, vmMaps(), VmOptions.defaults().engine(VmOptions.Engine.INTERPRETER));
        jit = Vm.load(spec, vmMaps(), VmOptions.defaults());
        if (jit.engine() != VmOptions.Engine.JIT) {
            throw new IllegalStateException("JIT fell back: " + jit.jitFallbackReason().orElse(""));
        }
        run = TestRun.withData(packet()).repeat(REPEAT);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (kernel != null) {
            kernel.close();
            kernel = null;
            closeKernel();
        }
    }

    @Benchmark
    public long interpreter() {
        return interpreter.testRun(run).returnValue();
    }

    @Benchmark
    public long jit() {
        return jit.testRun(run).returnValue();
    }

    /** The kernel's JIT (needs CAP_BPF; loaded on first use so the VM benchmarks run anywhere). */
    @Benchmark
    public long kernel(KernelClock clock) {
        if (kernel == null) kernel = loadKernel();
        dev.ebpf4j.TestRunResult r = kernel.testRun(run);
        clock.add(r.durationNs(), REPEAT, instructionsPerRun());
        return r.returnValue();
    }
}
