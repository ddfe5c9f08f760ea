package dev.ebpf4j.vm.diff;

import dev.ebpf4j.BpfMap;
import dev.ebpf4j.MapSpec;
import dev.ebpf4j.Program;
import dev.ebpf4j.ProgramSpec;
import dev.ebpf4j.ProgramType;
import dev.ebpf4j.TestRun;
import dev.ebpf4j.TestRunResult;
import dev.ebpf4j.VerifierException;
import dev.ebpf4j.asm.Disassembler;
import dev.ebpf4j.asm.Instruction;
import dev.ebpf4j.testkit.KernelTest;
import dev.ebpf4j.vm.VmOptions;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static dev.ebpf4j.asm.Opcodes.PSEUDO_MAP_FD;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Random valid programs run in the kernel (BPF_PROG_TEST_RUN, XDP and socket filters) and in the VM (interpreter and
 * JIT) give the same r0, packet data out and map contents. Bounded by time ({@code -Debpf4j.diff.millis}, default
 * 20 s) and count ({@code -Debpf4j.diff.count}); a failure prints the seed and the program's listing, and
 * {@code -Debpf4j.diff.seed=N -Debpf4j.diff.count=1} reproduces it.
 */
@KernelTest
class KernelDifferentialTest {

    @Test
    void vmAgreesWithTheKernel() {
        long base = Long.getLong("ebpf4j.diff.seed", System.nanoTime());
        int count = Integer.getInteger("ebpf4j.diff.count", 100_000);
        long deadline = System.nanoTime() + Long.getLong("ebpf4j.diff.millis", 20_000) * 1_000_000;
        System.out.println("KernelDifferentialTest base seed " + base);
        int compared = 0;
        int kernelRejected = 0;
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < count && System.nanoTime() < deadline && failures.size() < 3; i++) {
            long seed = base + i;
            ProgramType type = i % 3 == 2 ? ProgramType.SOCKET_FILTER : ProgramType.XDP;
            RandomProgram.Generated g = RandomProgram.generate(seed, type);
            ProgramRuns.Outcome kernel;
            try {
                kernel = onKernel(g);
            } catch (VerifierException e) {
                kernelRejected++;
                if (kernelRejected <= 3) System.out.println("kernel rejected seed " + seed + ": " + e.reason());
                continue;
            }
            for (VmOptions.Engine engine : VmOptions.Engine.values()) {
                try {
                    ProgramRuns.Outcome vm = ProgramRuns.onVm(g, engine);
                    if (!vm.equals(kernel)) {
                        failures.add(report(g, engine, "kernel " + kernel + "\n  vm " + vm));
                    }
                } catch (Throwable t) {
                    failures.add(report(g, engine, t.toString()));
                }
            }
            compared++;
        }
        System.out.printf("KernelDifferentialTest: %d programs compared (x2 engines), %d rejected by the kernel%n",
                compared, kernelRejected);
        if (!failures.isEmpty()) fail(String.join("\n\n", failures));
        assertTrue(compared >= 50, "only " + compared + " programs compared");
        assertTrue(kernelRejected * 10 <= compared, "the generator made too many programs the kernel rejects: "
                + kernelRejected);
    }

    private static String report(RandomProgram.Generated g, VmOptions.Engine engine, String what) {
        return "seed " + g.seed() + " (" + g.type() + ", " + engine + "): " + what + "\n"
                + Disassembler.llvm().listing(g.instructions());
    }

    static ProgramRuns.Outcome onKernel(RandomProgram.Generated g) {
        Map<String, BpfMap> maps = new HashMap<>();
        try {
            for (MapSpec m : RandomProgram.maps()) maps.put(m.name(), BpfMap.create(m));
            List<Instruction> insns = new ArrayList<>();
            for (Instruction in : g.instructions()) {
                if (in.reference() != null) {
                    in = new Instruction(in.opcode(), in.dst(), PSEUDO_MAP_FD, in.offset(),
                            maps.get(in.reference()).fd(), null);
                }
                insns.add(in);
            }
            ProgramSpec spec = ProgramSpec.builder(g.type()).name("diff").instructions(insns)
                    .btf(MinimalBtf.forProgram(g.instructions())).build();
            try (Program p = Program.load(spec)) {
                TestRunResult r = p.testRun(TestRun.withData(RandomProgram.input(g.seed(), g.type())));
                Map<String, String> contents = new TreeMap<>();
                for (var e : maps.entrySet()) contents.put(e.getKey(), ProgramRuns.dump(e.getValue().entries()));
                return new ProgramRuns.Outcome(r.returnValue(), HexFormat.of().formatHex(r.dataOut()), contents);
            }
        } finally {
            for (BpfMap m : maps.values()) m.close();
        }
    }
}
