package dev.ebpf4j.vm.diff;

import dev.ebpf4j.MapSpec;
import dev.ebpf4j.ProgramSpec;
import dev.ebpf4j.TestRun;
import dev.ebpf4j.TestRunResult;
import dev.ebpf4j.vm.Vm;
import dev.ebpf4j.vm.VmMap;
import dev.ebpf4j.vm.VmMaps;
import dev.ebpf4j.vm.VmOptions;
import dev.ebpf4j.vm.VmProgram;
import dev.ebpf4j.vm.jit.JitCompiler;

import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a run of a generated program produced, comparable between the kernel and the VM engines: r0 (as the 32-bit
 * retval), the packet data out and every map's contents.
 *
 * <pre>{@code
 * ProgramRuns.Outcome vm = ProgramRuns.onVm(g, VmOptions.Engine.JIT);
 * }</pre>
 */
public final class ProgramRuns {
    private ProgramRuns() {
    }

    public record Outcome(long retval, String dataOut, Map<String, String> maps) {
    }

    public static Outcome onVm(RandomProgram.Generated g, VmOptions.Engine engine) {
        return onVm(g, engine, 0);
    }

    /**
     * On the VM's {@code engine}; with {@code instructionsPerSegment > 0} on the JIT with every function cut into
     * segments of about that many instructions.
     */
    public static Outcome onVm(RandomProgram.Generated g, VmOptions.Engine engine, int instructionsPerSegment) {
        VmMaps maps = new VmMaps();
        for (MapSpec m : RandomProgram.maps()) maps.create(m);
        VmProgram p = Vm.load(ProgramSpec.builder(g.type()).name("diff").instructions(g.instructions()).build(), maps,
                VmOptions.defaults().engine(engine));
        if (instructionsPerSegment > 0) {
            try {
                p.runtime().engine = JitCompiler.compile(p.runtime(), instructionsPerSegment);
            } catch (JitCompiler.Unsupported e) {
                throw new AssertionError(e);
            }
        }
        if (engine == VmOptions.Engine.JIT && p.engine() != VmOptions.Engine.JIT) {
            throw new AssertionError("JIT fell back: " + p.jitFallbackReason().orElse(""));
        }
        TestRunResult r = p.testRun(TestRun.withData(RandomProgram.input(g.seed(), g.type())));
        Map<String, String> contents = new TreeMap<>();
        for (VmMap m : maps.all()) contents.put(m.name(), dump(m.entries()));
        return new Outcome(r.returnValue(), HexFormat.of().formatHex(r.dataOut()), contents);
    }

    static String dump(java.util.List<Map.Entry<byte[], byte[]>> entries) {
        TreeMap<String, String> sorted = new TreeMap<>();
        for (var e : entries) sorted.put(HexFormat.of().formatHex(e.getKey()), HexFormat.of().formatHex(e.getValue()));
        return sorted.toString();
    }
}
