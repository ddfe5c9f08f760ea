package dev.ebpf4j.vm.diff;

import dev.ebpf4j.BpfMap;
import dev.ebpf4j.MapSpec;
import dev.ebpf4j.Program;
import dev.ebpf4j.ProgramType;
import dev.ebpf4j.asm.Disassembler;
import dev.ebpf4j.asm.Instruction;
import dev.ebpf4j.testkit.KernelTest;
import dev.ebpf4j.vm.VmOptions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Shrinks a {@link KernelDifferentialTest} failure to a minimal program that still makes the kernel and the VM
 * disagree, and prints it with both outcomes. Runs only when asked for:
 *
 * <pre>{@code
 * ./mvnw -o test -pl vm -am -Dtest=KernelDifferentialReduction -Debpf4j.diff.reduce=8941805227236 \
 *     -Dsurefire.failIfNoSpecifiedTests=false
 * }</pre>
 * (add {@code -Debpf4j.diff.type=SOCKET_FILTER} for the seeds the test ran as socket filters: every third one).
 */
@KernelTest
class KernelDifferentialReduction {

    @Test
    void reduce() {
        String seedProperty = System.getProperty("ebpf4j.diff.reduce");
        Assumptions.assumeTrue(seedProperty != null, "no -Debpf4j.diff.reduce=SEED");
        long seed = Long.parseLong(seedProperty);
        ProgramType type = ProgramType.valueOf(System.getProperty("ebpf4j.diff.type", "XDP"));
        RandomProgram.Generated g = RandomProgram.generate(seed, type);
        if (!disagrees(g)) {
            System.out.println("seed " + seed + " (" + type + "): the kernel and the VM agree");
            return;
        }
        List<Instruction> minimal = ProgramReducer.reduce(g.instructions(),
                insns -> disagrees(new RandomProgram.Generated(seed, type, insns)));
        RandomProgram.Generated m = new RandomProgram.Generated(seed, type, minimal);
        System.out.println("seed " + seed + " (" + type + ") reduced from " + g.instructions().size() + " to "
                + minimal.size() + " instructions:\n" + Disassembler.llvm().listing(minimal));
        System.out.println("kernel      " + KernelDifferentialTest.onKernel(m));
        for (VmOptions.Engine e : VmOptions.Engine.values()) {
            System.out.println(e + " " + ProgramRuns.onVm(m, e));
        }
        printKernelView(m);
    }

    /** What the kernel made of the program: its rewritten ("xlated") instructions and the verifier's log. */
    private static void printKernelView(RandomProgram.Generated g) {
        Map<String, BpfMap> maps = new HashMap<>();
        try {
            for (MapSpec m : RandomProgram.maps()) maps.put(m.name(), BpfMap.create(m));
            try (Program p = Program.load(KernelDifferentialTest.kernelSpec(g, maps), Program.LoadOptions.VERBOSE)) {
                System.out.println("kernel xlated:\n" + Disassembler.llvm().listing(p.xlatedInstructions()));
                System.out.println("kernel verifier log:\n" + p.verifierLog());
            }
        } finally {
            for (BpfMap m : maps.values()) m.close();
        }
    }

    private static boolean disagrees(RandomProgram.Generated g) {
        ProgramRuns.Outcome kernel;
        try {
            kernel = KernelDifferentialTest.onKernel(g);
        } catch (RuntimeException e) {
            return false;   // the kernel rejects it: not a program we can compare
        }
        try {
            return !ProgramRuns.onVm(g, VmOptions.Engine.INTERPRETER).equals(kernel);
        } catch (RuntimeException e) {
            return false;   // the VM rejects or faults: a different problem
        }
    }
}
