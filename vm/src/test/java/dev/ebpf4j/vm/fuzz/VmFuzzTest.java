package dev.ebpf4j.vm.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
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

    /**
     * Near-valid programs: a generated program (from {@link RandomProgram}) with a few fields changed. Stresses the
     * verifier's refusals: whatever it accepts must run without a memory fault, identically on both engines.
     */
    @FuzzTest(maxDuration = "2m")
    void mutatedPrograms(FuzzedDataProvider data) {
        long seed = data.consumeLong();
        ProgramType type = data.consumeBoolean() ? ProgramType.XDP : ProgramType.SOCKET_FILTER;
        List<Instruction> insns = new java.util.ArrayList<>(RandomProgram.generate(seed, type).instructions());
        int mutations = data.consumeInt(1, 6);
        for (int k = 0; k < mutations && data.remainingBytes() > 0; k++) {
            int at = data.consumeInt(0, insns.size() - 1);
            Instruction in = insns.get(at);
            try {
                Instruction changed = switch (data.consumeInt(0, 4)) {
                    case 0 -> new Instruction(data.consumeInt(0, 255), in.dst(), in.src(), in.offset(),
                            in.isWide() ? in.imm() : in.constant(), in.reference());
                    case 1 -> new Instruction(in.opcode(), data.consumeInt(0, 10), in.src(), in.offset(),
                            in.constant(), in.reference());
                    case 2 -> new Instruction(in.opcode(), in.dst(), data.consumeInt(0, 10), in.offset(),
                            in.constant(), in.reference());
                    case 3 -> in.withOffset(data.consumeShort());
                    default -> in.isWide() ? in : in.withConstant(data.consumeInt());
                };
                insns.set(at, changed);
            } catch (IllegalArgumentException e) {
                return;
            }
        }
        kernelMode(insns, type);
    }

    private static void kernelMode(List<Instruction> insns) {
        kernelMode(insns, ProgramType.XDP);
    }

    private static void kernelMode(List<Instruction> insns, ProgramType type) {
        VmMaps maps = VmMaps.of(RandomProgram.maps());
        VmMaps jitMaps = VmMaps.of(RandomProgram.maps());   // each engine starts from empty maps
        ProgramSpec spec = ProgramSpec.builder(type).name("fuzz").instructions(insns).build();
        VmProgram interp;
        VmProgram jit;
        try {
            interp = Vm.load(spec, maps, VmOptions.defaults().engine(VmOptions.Engine.INTERPRETER)
                    .instructionBudget(200_000).complexityLimit(200_000));
            jit = Vm.load(spec, jitMaps, VmOptions.defaults().instructionBudget(200_000).complexityLimit(200_000));
        } catch (BpfException e) {
            return;   // refused: fine
        }
        byte[] packet = RandomProgram.input(insns.size(), type);
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
