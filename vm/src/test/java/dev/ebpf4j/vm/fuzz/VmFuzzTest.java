package dev.ebpf4j.vm.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ebpf4j.BpfException;
import dev.ebpf4j.ProgramSpec;
import dev.ebpf4j.ProgramType;
import dev.ebpf4j.TestRun;
import dev.ebpf4j.TestRunResult;
import dev.ebpf4j.asm.Instruction;
import dev.ebpf4j.asm.InstructionDecoder;
import dev.ebpf4j.vm.Vm;
import dev.ebpf4j.vm.VmMaps;
import dev.ebpf4j.vm.VmMemoryAccessException;
import dev.ebpf4j.vm.VmOptions;
import dev.ebpf4j.vm.VmProgram;
import dev.ebpf4j.vm.VmRuntimeException;
import dev.ebpf4j.vm.diff.RandomProgram;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Fuzz target for the verifier and both engines. The input is instruction bytes (after one selector byte); the
 * target loads them in kernel mode as an XDP program and in conformance mode, runs what loads with a small budget,
 * and allows only the VM's typed outcomes: a {@code VerifierException}, a {@code VmRuntimeException}, or a result.
 * Two properties go further: a program the kernel-mode verifier accepted never faults on memory at run time, and the
 * interpreter and the JIT agree.
 *
 * <p>{@code mvn test} runs the seed corpus ({@code src/test/resources/.../VmFuzzTestInputs/loadAndRun}); with
 * {@code JAZZER_FUZZ=1} Jazzer fuzzes (e.g. {@code JAZZER_FUZZ=1 ./mvnw -pl vm test -Dtest=VmFuzzTest}).
 */
class VmFuzzTest {

    @FuzzTest(maxDuration = "2m")
    void loadAndRun(byte[] data) {
        if (data.length < 9) return;
        int selector = data[0] & 0xff;
        byte[] code = Arrays.copyOfRange(data, 1, 1 + ((data.length - 1) / 8) * 8);
        List<Instruction> insns;
        try {
            insns = InstructionDecoder.decode(code);
        } catch (BpfException e) {
            return;
        }
        if ((selector & 1) == 0) kernelMode(insns);
        else conformanceMode(insns);
    }

    private static void kernelMode(List<Instruction> insns) {
        VmMaps maps = new VmMaps();
        RandomProgram.maps().forEach(maps::create);
        ProgramSpec spec = ProgramSpec.builder(ProgramType.XDP).name("fuzz").instructions(insns).build();
        VmProgram interp;
        VmProgram jit;
        try {
            interp = Vm.load(spec, maps, VmOptions.defaults().engine(VmOptions.Engine.INTERPRETER)
                    .instructionBudget(200_000).complexityLimit(200_000));
            jit = Vm.load(spec, maps, VmOptions.defaults().instructionBudget(200_000).complexityLimit(200_000));
        } catch (BpfException e) {
            return;   // refused: fine
        }
        byte[] packet = new byte[64];
        TestRunResult a = run(interp, packet);
        TestRunResult b = run(jit, packet);
        if (a != null && b != null && (a.returnValue() != b.returnValue() || !Arrays.equals(a.dataOut(), b.dataOut()))) {
            throw new IllegalStateException("interpreter and JIT disagree: " + a + " vs " + b);
        }
    }

    private static TestRunResult run(VmProgram p, byte[] packet) {
        try {
            return p.testRun(TestRun.withData(packet.clone()));
        } catch (VmMemoryAccessException e) {
            throw new IllegalStateException("a verified program faulted on memory: " + e.getMessage(), e);
        } catch (VmRuntimeException e) {
            return null;   // budget: fine
        }
    }

    private static void conformanceMode(List<Instruction> insns) {
        Long first = null;
        for (VmOptions.Engine e : VmOptions.Engine.values()) {
            VmProgram p;
            try {
                p = Vm.loadConformance(insns, VmOptions.conformance().engine(e).instructionBudget(200_000));
            } catch (BpfException ex) {
                return;
            }
            Long r0;
            try {
                r0 = p.run(new byte[32]);
            } catch (VmRuntimeException ex) {
                r0 = null;
            }
            if (e == VmOptions.Engine.INTERPRETER) first = r0;
            else if (first != null && r0 != null && !Objects.equals(first, r0)) {
                throw new IllegalStateException("interpreter and JIT disagree: " + first + " vs " + r0);
            }
        }
    }
}
