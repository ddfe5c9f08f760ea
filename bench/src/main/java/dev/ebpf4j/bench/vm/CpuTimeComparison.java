package dev.ebpf4j.bench.vm;

import dev.ebpf4j.Program;
import dev.ebpf4j.TestRun;
import dev.ebpf4j.vm.Vm;
import dev.ebpf4j.vm.VmOptions;
import dev.ebpf4j.vm.VmProgram;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The VM benchmarks' programs timed by the running thread's CPU time instead of wall-clock time, for machines shared
 * with other work: time spent descheduled does not count (as the kernel's own {@code BPF_PROG_TEST_RUN} duration,
 * which excludes rescheduling, does not count it either). Rounds alternate between the JIT and the kernel so that
 * both see the same load, after a warm-up that lasts until HotSpot stops compiling. Each program and engine is
 * measured in a JVM of its own (HotSpot's profiles and compile queue are shared within a JVM: the interpreter's large
 * loop, hot in the same JVM, changes the JIT's and its own results). Prints the median and minimum ns per
 * instruction, the JIT/kernel ratio, and the load average.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp bench/target/benchmarks.jar \
 *     dev.ebpf4j.bench.vm.CpuTimeComparison [alu] [packet] [parser] [--rounds=7] [--millis=1000] [--no-kernel]
 *     [--engine=jit|interpreter]     (measures in this JVM)
 * </pre>
 */
public final class CpuTimeComparison {
    private CpuTimeComparison() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = 7;
        long millis = 1000;
        boolean kernel = true;
        String engine = null;
        List<String> names = new ArrayList<>();
        List<String> options = new ArrayList<>();
        for (String a : args) {
            if (a.startsWith("--rounds=")) rounds = Integer.parseInt(a.substring(9));
            else if (a.startsWith("--millis=")) millis = Long.parseLong(a.substring(9));
            else if (a.equals("--no-kernel")) kernel = false;
            else if (a.startsWith("--engine=")) engine = a.substring(9);
            else names.add(a);
            if (a.startsWith("--") && !a.startsWith("--engine=")) options.add(a);
        }
        if (names.isEmpty()) names = List.of("alu", "packet", "parser");
        if (engine == null) {
            // a JVM per program and engine: what HotSpot compiles and profiles for one does not shape the other
            for (String name : names) {
                System.out.println(name + " (" + benchmark(name).instructionsPerRun()
                        + " instructions per run), load average " + loadAverage());
                child(name, "--engine=jit", options);
                child(name, "--engine=interpreter", options);
            }
            System.out.println("load average " + loadAverage());
            return;
        }
        for (String name : names) {
            LoopBenchmark b = benchmark(name);
            if (engine.equals("jit")) compare(b, rounds, millis * 1_000_000L, kernel);
            else interpret(b, rounds, millis * 1_000_000L);
        }
    }

    private static void child(String name, String engine, List<String> options) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                CpuTimeComparison.class.getName(), name, engine));
        command.addAll(options);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getInputStream().transferTo(System.out);
        if (p.waitFor() != 0) throw new IllegalStateException(name + ": the measuring JVM failed");
    }

    private static LoopBenchmark benchmark(String name) {
        return switch (name) {
            case "alu" -> new AluLoopBenchmark();
            case "packet" -> new PacketLoopBenchmark();
            case "parser" -> new ParserBenchmark();
            default -> throw new IllegalArgumentException("unknown program " + name + " (alu, packet, parser)");
        };
    }

    /** Alternates the JIT and the kernel for {@code rounds} rounds of about {@code nanos} each, after a warm-up. */
    private static void compare(LoopBenchmark b, int rounds, long nanos, boolean withKernel) {
        long insns = b.instructionsPerRun();
        TestRun run = TestRun.withData(b.packet()).repeat(LoopBenchmark.REPEAT);
        VmProgram jit = Vm.load(b.program(), b.vmMaps(), VmOptions.defaults());
        Program kernel = withKernel ? b.loadKernel() : null;
        try {
            List<Double> jitScores = new ArrayList<>();
            List<Double> kernelScores = new ArrayList<>();
            warmUp(jit, run, insns, nanos);
            for (int r = 0; r < rounds; r++) {
                jitScores.add(cpuNanosPerInsn(jit, run, insns, nanos));
                if (kernel != null) kernelScores.add(kernelNanosPerInsn(kernel, run, insns, nanos));
            }
            print("jit", jitScores);
            if (kernel != null) {
                print("kernel", kernelScores);
                System.out.printf("  jit/kernel   median %.2f  min %.2f%n", median(jitScores) / median(kernelScores),
                        Collections.min(jitScores) / Collections.min(kernelScores));
            }
        } finally {
            if (kernel != null) {
                kernel.close();
                b.closeKernel();
            }
        }
    }

    private static void interpret(LoopBenchmark b, int rounds, long nanos) {
        long insns = b.instructionsPerRun();
        TestRun run = TestRun.withData(b.packet()).repeat(LoopBenchmark.REPEAT);
        VmProgram interpreter = Vm.load(b.program(), b.vmMaps(), VmOptions.defaults()
                .engine(VmOptions.Engine.INTERPRETER));
        warmUp(interpreter, run, insns, nanos);
        List<Double> scores = new ArrayList<>();
        for (int r = 0; r < rounds; r++) scores.add(cpuNanosPerInsn(interpreter, run, insns, nanos / 2));
        print("interpreter", scores);
    }

    private static void print(String what, List<Double> scores) {
        System.out.printf("  %-12s median %.4f  min %.4f ns/insn (%d rounds)%n", what, median(scores),
                Collections.min(scores), scores.size());
    }

    /**
     * Runs the program until HotSpot has finished compiling for it: a round in which the JVM spent no time
     * compiling (at least two rounds, at most 30).
     */
    private static void warmUp(VmProgram p, TestRun run, long insns, long nanos) {
        CompilationMXBean compiler = ManagementFactory.getCompilationMXBean();
        long compiling = -1;
        for (int round = 0; round < 30; round++) {
            cpuNanosPerInsn(p, run, insns, nanos / 2);
            long now = compiler.isCompilationTimeMonitoringSupported() ? compiler.getTotalCompilationTime() : round;
            if (round >= 1 && now == compiling) return;
            compiling = now;
        }
    }

    /** Runs for about {@code wallNanos} and returns the thread's CPU nanoseconds per instruction executed. */
    private static double cpuNanosPerInsn(VmProgram p, TestRun run, long insns, long wallNanos) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long runs = 0;
        long sink = 0;
        long end = System.nanoTime() + wallNanos;
        long cpu0 = mx.getCurrentThreadCpuTime();
        do {
            sink += p.testRun(run).returnValue();
            runs++;
        } while (System.nanoTime() < end);
        long cpu = mx.getCurrentThreadCpuTime() - cpu0;
        if (sink == Long.MIN_VALUE) System.out.print("");
        return cpu / (double) (runs * run.repeat() * insns);
    }

    /** The kernel's own measurement: the test run's duration per run, per instruction. */
    private static double kernelNanosPerInsn(Program p, TestRun run, long insns, long wallNanos) {
        long total = 0;
        long calls = 0;
        long end = System.nanoTime() + wallNanos;
        do {
            total += p.testRun(run).durationNs();
            calls++;
        } while (System.nanoTime() < end);
        return total / (double) (calls * insns);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (Exception e) {
            return "unknown";
        }
    }
}
