package dev.ebpf4j.bench.vm;

import dev.ebpf4j.ProgramSpec;
import org.openjdk.jmh.annotations.OperationsPerInvocation;

/**
 * {@link LoopPrograms#alu()}: ALU and stack work in a 1000-iteration loop; scores in ns per instruction.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -jar bench/target/benchmarks.jar AluLoopBenchmark
 * </pre>
 */
@OperationsPerInvocation(LoopBenchmark.REPEAT * LoopPrograms.ALU_INSNS)
public class AluLoopBenchmark extends LoopBenchmark {
    @Override
    protected long instructionsPerRun() {
        return LoopPrograms.ALU_INSNS;
    }

    @Override
    protected ProgramSpec program() {
        return LoopPrograms.alu();
    }
}
