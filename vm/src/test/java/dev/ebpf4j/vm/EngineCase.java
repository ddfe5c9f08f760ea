package dev.ebpf4j.vm;

import dev.ebpf4j.ProgramSpec;
import dev.ebpf4j.ProgramType;
import dev.ebpf4j.asm.Instruction;

import java.util.List;

/** Loads one program on both engines, for tests that must hold on each. */
final class EngineCase {
    private EngineCase() {
    }

    static VmOptions options(VmOptions.Engine e) {
        return VmOptions.defaults().engine(e);
    }

    static VmProgram load(VmOptions.Engine e, ProgramType type, List<Instruction> insns, VmMaps maps) {
        VmProgram p = Vm.load(ProgramSpec.builder(type).name("t").instructions(insns).build(), maps, options(e));
        if (e == VmOptions.Engine.JIT && p.engine() != VmOptions.Engine.JIT) {
            throw new AssertionError("JIT fell back: " + p.jitFallbackReason());
        }
        return p;
    }
}
