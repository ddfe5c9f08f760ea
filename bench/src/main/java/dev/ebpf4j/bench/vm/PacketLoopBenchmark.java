package dev.ebpf4j.bench.vm;

import dev.ebpf4j.ProgramSpec;
import org.openjdk.jmh.annotations.OperationsPerInvocation;

/**
 * {@link LoopPrograms#packet()}: a bounds-checked byte loop over the packet; scores in ns per instruction.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -jar bench/target/benchmarks.jar PacketLoopBenchmark
 * </pre>
 */
@OperationsPerInvocation(LoopBenchmark.REPEAT * LoopPrograms.PACKET_INSNS)
public class PacketLoopBenchmark extends LoopBenchmark {
    @Override
    protected long instructionsPerRun() {
        return LoopPrograms.PACKET_INSNS;
    }

    @Override
    protected ProgramSpec program() {
        return LoopPrograms.packet();
    }
}
