package dev.ebpf4j.vm;

import dev.ebpf4j.ProgramType;
import dev.ebpf4j.TestRun;
import dev.ebpf4j.TestRunResult;
import dev.ebpf4j.asm.Asm;
import dev.ebpf4j.asm.Instruction;
import dev.ebpf4j.vm.asm.UbpfAssembler;
import dev.ebpf4j.vm.jit.JitCompiler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

import static dev.ebpf4j.asm.Opcodes.ATOMIC_OR;
import static dev.ebpf4j.asm.Opcodes.CMPXCHG;
import static dev.ebpf4j.asm.Opcodes.FETCH;
import static dev.ebpf4j.asm.Opcodes.JLT;
import static dev.ebpf4j.asm.Opcodes.JSLE;
import static dev.ebpf4j.asm.Register.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Atomics that fetch (RFC 9669 5.3) load the memory's old value, on every path: 32-bit forms zero-extend it
 * ({@code cmpxchg32} into r0 whether it stores or not, the fetch forms and {@code xchg32} into the source register;
 * the register's upper half never survives), and what a branch then sees is what the memory held on the path taken.
 *
 * <p>Regressions for {@code KernelDifferentialTest} seeds where the 6.18 kernel ran something else, both verifier bugs
 * the VM does not share: 8941805227236, where r0 kept its upper half after a storing {@code cmpxchg32} (the verifier
 * adds the zero extension x86's {@code cmpxchg} lacks only when it sees r0's upper half read, and the read was on a
 * path it pruned); 31415941474 and three more, where the verifier pruned a path on which a stack slot held another
 * value than on the path it had explored (precision backtracking does not follow an atomic's fetch back to the slot)
 * and removed the branch only that path takes as dead code.
 */
class AtomicFetchTest {

    /** Conformance mode: r0 after the program, on the interpreter, the JIT and the JIT cut into 1-insn segments. */
    private static long[] runEverywhere(String asm) {
        List<Instruction> insns = UbpfAssembler.assemble(asm);
        long interp = Vm.loadConformance(insns, VmOptions.conformance().engine(VmOptions.Engine.INTERPRETER)).run(null);
        VmProgram jit = Vm.loadConformance(insns, VmOptions.conformance().engine(VmOptions.Engine.JIT));
        assertEquals(VmOptions.Engine.JIT, jit.engine());
        long jitted = jit.run(null);
        VmProgram segmented = Vm.loadConformance(insns, VmOptions.conformance().engine(VmOptions.Engine.INTERPRETER));
        try {
            segmented.runtime().engine = JitCompiler.compile(segmented.runtime(), 1);
        } catch (JitCompiler.Unsupported e) {
            throw new AssertionError(e);
        }
        return new long[] {interp, jitted, segmented.run(null)};
    }

    private static void assertEverywhere(long expected, String asm) {
        long[] got = runEverywhere(asm);
        for (int k = 0; k < got.length; k++) {
            assertEquals(expected, got[k], String.format("engine %d: expected %#x, got %#x%n%s", k, expected, got[k], asm));
        }
    }

    @Test
    void storingCmpxchg32ZeroExtendsR0() {
        assertEverywhere(0x80000000L, """
                lddw %r0, 0xffffffff80000000
                stw [%r10-8], 0x80000000
                mov %r2, 0
                lock cmpxchg32 [%r10-8], %r2
                # stored: memory is now 0
                ldxw %r3, [%r10-8]
                jne %r3, 0, fail
                exit
                fail:
                mov %r0, 1
                exit
                """);
    }

    @Test
    void failingCmpxchg32ZeroExtendsR0() {
        assertEverywhere(0x80000000L, """
                lddw %r0, 0xffffffff80000001
                stw [%r10-8], 0x80000000
                mov %r2, 0
                lock cmpxchg32 [%r10-8], %r2
                # not stored: memory unchanged
                ldxw %r3, [%r10-8]
                jne32 %r3, 0x80000000, fail
                exit
                fail:
                mov %r0, 1
                exit
                """);
    }

    @Test
    void fetchingAtomics32ZeroExtendTheSourceRegister() {
        for (String op : List.of("fetch add32", "fetch or32", "fetch and32", "fetch xor32", "xchg32")) {
            assertEverywhere(0x80000000L, """
                    stw [%r10-8], 0x80000000
                    lddw %r1, 0xffffffff00000003
                    lock OP [%r10-8], %r1
                    mov %r0, %r1
                    exit
                    """.replace("OP", op));
        }
    }

    /**
     * The shape of the differential test's failure, in kernel mode: the 64-bit use of r0 is on the branch that the
     * other branch's state covers (a verifier would prune it), and at run time that branch is taken.
     */
    @ParameterizedTest
    @EnumSource(VmOptions.Engine.class)
    void cmpxchg32ZeroExtendsOnAPathAVerifierPrunes(VmOptions.Engine e) {
        List<Instruction> prog = new Asm()
                .ldxw(R7, R1, 0).ldxw(R8, R1, 4).mov64(R2, R7).add64(R2, 16).jgt(R2, R8, "out")
                .lddw(R0, 0xffffffff80000000L).stw(R10, -8, 0x80000000)
                .mov64(R2, 0).atomic(4, CMPXCHG, R10, -8, R2)
                .ldxb(R3, R7, 0)
                .jgt(R3, 5, "use")
                .ldxdw(R0, R7, 8)                 // the other path: r0 any 64-bit value
                .label("use")
                .stxdw(R7, 0, R0)                 // r0's 64 bits into the packet
                .ldxw(R4, R10, -8).stxdw(R7, 8, R4)
                .label("out")
                .mov64(R0, 2).exit().build();
        VmProgram p = EngineCase.load(e, ProgramType.XDP, prog, new VmMaps());
        byte[] in = new byte[16];
        in[0] = 37;   // > 5: the branch to "use" is taken
        TestRunResult r = p.testRun(TestRun.withData(in));
        assertEquals(2, r.returnValue());
        ByteBuffer out = ByteBuffer.wrap(r.dataOut()).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0x80000000L, out.getLong(0), "r0 = the old value, zero-extended");
        assertEquals(0L, out.getLong(8), "the stored value");
    }

    /**
     * Seed 31415941474, minimised: a stack slot holds a constant on the path taken and a packet byte on the other
     * (one a verifier explores first); the value an atomic fetches from it decides a branch. The branch goes where
     * the constant sends it, and the code behind it runs.
     */
    @ParameterizedTest
    @EnumSource(VmOptions.Engine.class)
    void branchOnAValueFetchedFromTheStackFollowsThePathTaken(VmOptions.Engine e) {
        List<Instruction> prog = new Asm()
                .ldxw(R7, R1, 0).ldxw(R8, R1, 4).mov64(R2, R7).add64(R2, 16).jgt(R2, R8, "out")
                .stdw(R10, -48, 0x80000000)       // 0xffffffff80000000
                .ldxw(R3, R7, 0)                  // 37
                .jump(JSLE, false, R3, 0x2385, "keep")
                .stxdw(R10, -48, R3)              // not run; would spill w3 in 0x2386..0x7fffffff
                .label("keep")
                .mov64(R5, -1)
                .atomic(8, ATOMIC_OR | FETCH, R10, -48, R5)
                .jump(JLT, false, R5, 0x80000000, "out")   // w5 == 0x80000000: not taken
                .stdw(R7, 0, 7)                   // so this runs
                .label("out")
                .mov64(R0, 2).exit().build();
        VmProgram p = EngineCase.load(e, ProgramType.XDP, prog, new VmMaps());
        byte[] in = new byte[16];
        in[0] = 37;
        TestRunResult r = p.testRun(TestRun.withData(in));
        assertEquals(2, r.returnValue());
        assertEquals(7L, ByteBuffer.wrap(r.dataOut()).order(ByteOrder.LITTLE_ENDIAN).getLong(0));
    }
}
