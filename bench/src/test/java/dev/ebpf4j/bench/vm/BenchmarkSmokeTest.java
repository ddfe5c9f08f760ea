package dev.ebpf4j.bench.vm;

import dev.ebpf4j.ProgramSpec;
import dev.ebpf4j.TestRun;
import dev.ebpf4j.testkit.KernelPrivileges;
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

import java.util.Collection;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs every VM benchmark once with tiny iteration counts (in this JVM, no warm-up) so they cannot rot, and checks
 * the instruction counts the scores are divided by. The kernel benchmarks are left out where the process cannot use
 * BPF (they need CAP_BPF), unless EBPF4J_REQUIRE_KERNEL=1.
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
