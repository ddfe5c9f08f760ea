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
        // JMH takes a machine-wide lock against concurrent measurements; this run measures nothing
        System.setProperty("jmh.ignoreLock", "true");
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
        assertEquals(kernel ? 9 : 6, results.size());
        for (RunResult r : results) assertTrue(r.getPrimaryResult().getScore() > 0, r.getParams().getBenchmark());
        // ./run-benchmarks turns the results into report lines (pair 8): one per iteration and engine.
        List<BenchLine> lines = new ArrayList<>();
        for (RunResult r : results) lines.addAll(VmPair.lines(r));
        Set<String> sides = new TreeSet<>();
        for (BenchLine l : lines) {
            assertTrue(l.value() > 0, l.format());
            sides.add(l.kase() + "/" + l.side());
        }
        Set<String> expected = new TreeSet<>(Set.of("alu/interpreter", "alu/jit", "packet/interpreter", "packet/jit",
                "parser/interpreter", "parser/jit"));
        if (kernel) {
            expected.addAll(Set.of("alu/kernel", "alu/kernel-own", "packet/kernel", "packet/kernel-own",
                    "parser/kernel", "parser/kernel-own"));
        }
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
        assertExact(LoopPrograms.alu(), LoopPrograms.ALU_INSNS, new byte[LoopPrograms.PACKET], false);
        assertExact(LoopPrograms.packet(), LoopPrograms.PACKET_INSNS, new byte[LoopPrograms.PACKET], false);
        assertExact(ParserProgram.spec(), ParserProgram.INSNS, ParserProgram.frame(), true);
    }

    /** The CPU-time comparison measures (briefly, in this JVM; with the kernel where the process may use BPF). */
    @Test
    void cpuTimeComparisonRuns() throws Exception {
        boolean kernel = KernelPrivileges.missingReason() == null || KernelPrivileges.required();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.PrintStream saved = System.out;
        System.setOut(new java.io.PrintStream(out, true));
        try {
            CpuTimeComparison.main(kernel ? new String[] {"parser", "--rounds=1", "--millis=20", "--engine=jit"}
                    : new String[] {"parser", "--rounds=1", "--millis=20", "--no-kernel", "--engine=jit"});
            CpuTimeComparison.main(new String[] {"parser", "--rounds=1", "--millis=20", "--engine=interpreter"});
        } finally {
            System.setOut(saved);
        }
        String text = out.toString();
        assertTrue(text.contains("  jit          median "), text);
        assertTrue(text.contains("  interpreter  median "), text);
        assertEquals(kernel, text.contains("jit/kernel"), text);
    }

    /** The parser takes its longest path on its frame: it counts the packet and its UDP length. */
    @Test
    void parserCountsTheWatchedPort() {
        VmMaps maps = parserMaps();
        VmProgram p = Vm.load(ParserProgram.spec(), maps);
        assertEquals(2, p.testRun(TestRun.withData(ParserProgram.frame()).repeat(3)).returnValue());
        byte[] counters = maps.get(ParserProgram.MAP).lookup(ParserProgram.key(ParserProgram.PORT)).orElseThrow();
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(counters).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        assertEquals(3, b.getLong(0));
        assertEquals(3 * 30, b.getLong(8));
    }

    /** In the kernel too (so that the kernel's time per instruction is divided by the right count). */
    @Test
    void parserCountsTheWatchedPortInTheKernel() {
        org.junit.jupiter.api.Assumptions.assumeTrue(KernelPrivileges.missingReason() == null
                || KernelPrivileges.required(), "needs CAP_BPF: " + KernelPrivileges.missingReason());
        try (dev.ebpf4j.BpfMap map = dev.ebpf4j.BpfMap.create(ParserProgram.mapSpec())) {
            ParserProgram.watch(map::update);
            try (dev.ebpf4j.Program p = dev.ebpf4j.Program.load(ParserProgram.withMapFds(ParserProgram.spec(),
                    java.util.Map.of(ParserProgram.MAP, map.fd())))) {
                assertEquals(2, p.testRun(TestRun.withData(ParserProgram.frame()).repeat(3)).returnValue());
            }
            byte[] counters = map.lookup(ParserProgram.key(ParserProgram.PORT)).orElseThrow();
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(counters).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            assertEquals(3, b.getLong(0));
            assertEquals(3 * 30, b.getLong(8));
        }
    }

    private static VmMaps parserMaps() {
        VmMaps maps = new VmMaps();
        ParserProgram.watch(maps.create(ParserProgram.mapSpec())::update);
        return maps;
    }

    /** The interpreter charges exactly one unit of budget per instruction. */
    private static void assertExact(ProgramSpec spec, long insns, byte[] data, boolean parserMaps) {
        TestRun run = TestRun.withData(data);
        VmProgram enough = Vm.load(spec, parserMaps ? parserMaps() : new VmMaps(),
                VmOptions.defaults().engine(VmOptions.Engine.INTERPRETER).instructionBudget(insns));
        assertDoesNotThrow(() -> enough.testRun(run));
        VmProgram short1 = Vm.load(spec, parserMaps ? parserMaps() : new VmMaps(),
                VmOptions.defaults().engine(VmOptions.Engine.INTERPRETER).instructionBudget(insns - 1));
        assertThrows(VmBudgetExceededException.class, () -> short1.testRun(run));
    }
}
