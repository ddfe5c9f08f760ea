package dev.ebpf4j.vm.diff;

import dev.ebpf4j.ProgramType;
import dev.ebpf4j.asm.Disassembler;
import dev.ebpf4j.vm.VmOptions;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The interpreter and the JIT agree on random verified programs (r0, packet out, maps), and so does the JIT with every
 * function cut into segments of 1 to 8 instructions (as it compiles functions too large for one method). Runs
 * everywhere; the kernel
 * comparison is {@link KernelDifferentialTest}. Reproduce with {@code -Debpf4j.diff.seed=N -Debpf4j.diff.count=1}.
 */
class EngineDifferentialTest {
    @Test
    void interpreterAndJitAgree() {
        long base = Long.getLong("ebpf4j.diff.seed", System.nanoTime());
        int count = Integer.getInteger("ebpf4j.diff.count", 150);
        System.out.println("EngineDifferentialTest base seed " + base);
        for (int i = 0; i < count; i++) {
            long seed = base + i;
            ProgramType type = i % 3 == 2 ? ProgramType.SOCKET_FILTER : ProgramType.XDP;
            RandomProgram.Generated g = RandomProgram.generate(seed, type);
            try {
                ProgramRuns.Outcome interp = ProgramRuns.onVm(g, VmOptions.Engine.INTERPRETER);
                ProgramRuns.Outcome jit = ProgramRuns.onVm(g, VmOptions.Engine.JIT);
                assertEquals(interp, jit);
                int perSegment = 1 + (int) Math.floorMod(seed, 8L);
                assertEquals(interp, ProgramRuns.onVm(g, VmOptions.Engine.JIT, perSegment),
                        "JIT with segments of " + perSegment + " instructions");
            } catch (Throwable t) {
                throw new AssertionError("seed " + seed + " (" + type + "): " + t.getMessage() + "\n"
                        + Disassembler.llvm().listing(g.instructions()), t);
            }
        }
    }
}
