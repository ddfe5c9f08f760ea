package dev.ebpf4j.bench.pairs;

import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Pair 8: the userspace VM's interpreter and JIT against the kernel's JIT, running the JMH benchmarks of
 * {@code dev.ebpf4j.bench.vm} (one fork, short iterations) and turning every measurement iteration into a line:
 * side {@code interpreter}, {@code jit}, {@code kernel} (wall clock around BPF_PROG_TEST_RUN, system call included)
 * and {@code kernel-own} (the kernel's own duration of the runs), all in ns per BPF instruction. There is no libbpf
 * side: the kernel JIT is the reference.
 *
 * <pre>{@code
 * VmPair.run(2, 5, 500).forEach(BenchLine::print);
 * }</pre>
 */
public final class VmPair {
    private VmPair() {
    }

    public static List<BenchLine> run(int warmupIterations, int iterations, int millisPerIteration)
            throws RunnerException {
        ChainedOptionsBuilder opts = new OptionsBuilder()
                .include("dev\\.ebpf4j\\.bench\\.vm\\..*")
                .forks(1)
                .warmupIterations(warmupIterations)
                .warmupTime(TimeValue.milliseconds(millisPerIteration))
                .measurementIterations(iterations)
                .measurementTime(TimeValue.milliseconds(millisPerIteration))
                .shouldFailOnError(true);
        List<BenchLine> out = new ArrayList<>();
        for (RunResult r : new Runner(opts.build()).run()) out.addAll(lines(r));
        return out;
    }

    /** Lines of one benchmark's result (one per measurement iteration). */
    public static List<BenchLine> lines(RunResult r) {
        String name = r.getParams().getBenchmark();              // dev.ebpf4j.bench.vm.AluLoopBenchmark.jit
        String method = name.substring(name.lastIndexOf('.') + 1);
        String cls = name.substring(0, name.lastIndexOf('.'));
        cls = cls.substring(cls.lastIndexOf('.') + 1);
        String kase = cls.replaceAll("(Loop)?Benchmark$", "").toLowerCase(Locale.ROOT);
        double opsPerInvocation = r.getParams().getOpsPerInvocation();
        List<BenchLine> out = new ArrayList<>();
        for (BenchmarkResult b : r.getBenchmarkResults()) {
            for (IterationResult it : b.getIterationResults()) {
                out.add(new BenchLine("vm", kase, method, "ns_per_insn", it.getPrimaryResult().getScore(),
                        (long) opsPerInvocation, 0, true, ""));
                var nanos = it.getSecondaryResults().get("kernelNanos");
                var insns = it.getSecondaryResults().get("kernelInstructions");
                if (nanos != null && insns != null && insns.getScore() > 0) {
                    out.add(new BenchLine("vm", kase, "kernel-own", "ns_per_insn", nanos.getScore() / insns.getScore(),
                            (long) opsPerInvocation, 0, true, ""));
                }
            }
        }
        return out;
    }
}
