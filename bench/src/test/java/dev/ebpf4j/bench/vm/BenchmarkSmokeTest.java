package dev.ebpf4j.bench.vm;

import dev.ebpf4j.ProgramSpec;
import dev.ebpf4j.TestRun;
import dev.ebpf4j.bench.pairs.BenchLine;
import dev.ebpf4j.bench.pairs.VmPair;
import dev.ebpf4j.testkit.KernelPrivileges;
import dev.ebpf4j.testkit.KernelTest;
import dev.ebpf4j.vm.Vm;
import dev.ebpf4j.vm.VmBudgetExceededException;
import dev.ebpf4j.vm.VmMaps;
import dev.ebpf4j.vm.VmOptions;
import dev.ebpf4j.vm.VmProgram;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs every JMH benchmark once with tiny iteration counts (in this JVM, no warm-up) so they cannot rot, and checks
 * the instruction counts the VM scores are divided by. The kernel benchmarks are left out where the process cannot
 * use BPF (they need CAP_BPF), unless EBPF4J_REQUIRE_KERNEL=1. The libbpf pairs' smoke test is
 * {@code dev.ebpf4j.bench.pairs.PairsSmokeTest}.
 */
class BenchmarkSmokeTest {

    @Test
    void everyBenchmarkRunsOnce() throws Exception {
        boolean kernel = KernelPrivileges.missingReason() == null || KernelPrivileges.required();
        Options opts = new OptionsBuilder()
                .include("dev\\.ebpf4j\\.bench\\.vm\\..*")
                .exclude(kernel ? "^$" : ".*\\.kernel$")
                .forks(0)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(100))
                .shouldFailOnError(true)
                .build();
        Collection<RunResult> results = new Runner(opts).run();
        assertEquals(kernel ? 6 : 4, results.size());
        for (RunResult r : results) assertTrue(r.getPrimaryResult().getScore() > 0, r.getParams().getBenchmark());
        // ./run-benchmarks turns the results into report lines (pair 8): one per iteration and engine.
        List<BenchLine> lines = new ArrayList<>();
        for (RunResult r : results) lines.addAll(VmPair.lines(r));
        Set<String> sides = new TreeSet<>();
        for (BenchLine l : lines) {
            assertTrue(l.value() > 0, l.format());
            sides.add(l.kase() + "/" + l.side());
        }
        Set<String> expected = new TreeSet<>(Set.of("alu/interpreter", "alu/jit", "packet/interpreter", "packet/jit"));
        if (kernel) expected.addAll(Set.of("alu/kernel", "alu/kernel-own", "packet/kernel", "packet/kernel-own"));
        assertEquals(expected, sides);
    }

    /**
     * The JMH versions of the libbpf pairs' workloads (dev.ebpf4j.bench.jmh) once each with tiny sizes; they all need
     * the kernel.
     */
    @Test
    @KernelTest
    void pairBenchmarksRunOnce() throws Exception {
        Options opts = new OptionsBuilder()
                .include("dev\\.ebpf4j\\.bench\\.jmh\\..*")
                .param("records", "1024")
                .param("entries", "4096")
                .param("batch", "512")
                .forks(0)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(100))
                .shouldFailOnError(true)
                .build();
        Collection<RunResult> results = new Runner(opts).run();
        // Drain 4 (ring/perf x 8/128), map op 4, dump 2, BTF 2, object load 1.
        assertEquals(13, results.size());
        for (RunResult r : results) assertTrue(r.getPrimaryResult().getScore() > 0, r.getParams().getBenchmark());
    }

    @Test
    void instructionCountsAreExact() {
        assertExact(LoopPrograms.alu(), LoopPrograms.ALU_INSNS);
        assertExact(LoopPrograms.packet(), LoopPrograms.PACKET_INSNS);
    }

    /** The interpreter charges exactly one unit of budget per instruction. */
    private static void assertExact(ProgramSpec spec, long insns) {
        TestRun run = TestRun.withData(new byte[LoopPrograms.PACKET]);
        VmProgram enough = Vm.load(spec, new VmMaps(), VmOptions.defaults().engine(VmOptions.Engine.INTERPRETER)
                .instructionBudget(insns));
        assertDoesNotThrow(() -> enough.testRun(run));
        VmProgram short1 = Vm.load(spec, new VmMaps(), VmOptions.defaults().engine(VmOptions.Engine.INTERPRETER)
                .instructionBudget(insns - 1));
        assertThrows(VmBudgetExceededException.class, () -> short1.testRun(run));
    }
}
