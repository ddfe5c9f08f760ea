package dev.ebpf4j.bench.vm;

import dev.ebpf4j.BpfMap;
import dev.ebpf4j.Program;
import dev.ebpf4j.ProgramSpec;
import dev.ebpf4j.vm.VmMaps;
import org.openjdk.jmh.annotations.OperationsPerInvocation;

import java.util.Map;

/**
 * {@link ParserProgram}: an Ethernet/IPv4/UDP header walk counting into a hash map, the kind of program XDP is for;
 * scores in ns per instruction (multiply by {@link ParserProgram#INSNS} for the time per run).
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -jar bench/target/benchmarks.jar ParserBenchmark
 * </pre>
 */
@OperationsPerInvocation(LoopBenchmark.REPEAT * ParserProgram.INSNS)
public class ParserBenchmark extends LoopBenchmark {
    private BpfMap kernelMap;

    @Override
    protected long instructionsPerRun() {
        return ParserProgram.INSNS;
    }

    @Override
    protected ProgramSpec program() {
        return ParserProgram.spec();
    }

    @Override
    protected byte[] packet() {
        return ParserProgram.frame();
    }

    @Override
    protected VmMaps vmMaps() {
        VmMaps maps = new VmMaps();
        ParserProgram.watch(maps.create(ParserProgram.mapSpec())::update);
        return maps;
    }

    @Override
    protected Program loadKernel() {
        kernelMap = BpfMap.create(ParserProgram.mapSpec());
        try {
            ParserProgram.watch(kernelMap::update);
            return Program.load(ParserProgram.withMapFds(program(), Map.of(ParserProgram.MAP, kernelMap.fd())));
        } catch (RuntimeException e) {
            closeKernel();
            throw e;
        }
    }

    @Override
    protected void closeKernel() {
        if (kernelMap != null) kernelMap.close();
        kernelMap = null;
    }
}
