package dev.ebpf4j.vm;

import dev.ebpf4j.BpfArgumentException;
import dev.ebpf4j.MapSpec;
import dev.ebpf4j.VerifierException;
import dev.ebpf4j.asm.Asm;
import dev.ebpf4j.asm.Instruction;
import dev.ebpf4j.vm.asm.UbpfAssembler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.ebpf4j.asm.Register.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Malformed and hostile programs are refused or stopped with typed exceptions, on both engines, in conformance mode
 * (where only the runtime checks stand between the program and the JVM).
 */
class HostileProgramTest {

    private static VmProgram conformance(VmOptions.Engine e, String asm) {
        return Vm.loadConformance(UbpfAssembler.assemble(asm), VmOptions.conformance().engine(e)
                .instructionBudget(5_000_000));
    }

    @ParameterizedTest
    @EnumSource(VmOptions.Engine.class)
    void outOfBoundsAccessesFault(VmOptions.Engine e) {
        String[] programs = {
                "ldxdw %r0, [%r1+8]\nexit",                    // past the end of 12 bytes of memory
                "ldxb %r0, [%r1-1]\nexit",                     // before it
                "mov %r2, 0x1000\nldxw %r0, [%r2]\nexit",      // a scalar as a pointer
                "mov %r0, 0\nlddw %r2, 0x200000000\nstxdw [%r2+4096], %r1\nexit",   // beyond the stack region
                "mov %r2, %r10\nstdw [%r2], 1\nmov %r0, 0\nexit",       // at r10 (past the top)
                "mov %r0, 0\nlddw %r3, 0x7fffffff00000000\nlock add [%r3], %r0\nexit",
                "mov %r2, %r1\nrsh %r2, 32\nlsh %r2, 32\nor %r2, 0x7ffffff8\nldxdw %r0, [%r2]\nexit",
        };
        for (String asm : programs) {
            VmProgram p = conformance(e, asm);
            VmMemoryAccessException ex = assertThrows(VmMemoryAccessException.class, () -> p.run(new byte[12]), asm);
            assertTrue(ex.getMessage().contains("invalid"), ex.getMessage());
        }
    }

    @ParameterizedTest
    @EnumSource(VmOptions.Engine.class)
    void infiniteLoopsRunOutOfBudget(VmOptions.Engine e) {
        VmProgram p = conformance(e, "mov %r0, 0\nloop:\nadd %r0, 1\nja loop");
        VmBudgetExceededException ex = assertThrows(VmBudgetExceededException.class, () -> p.run(null));
        assertTrue(ex.getMessage().contains("instruction budget"), ex.getMessage());
        VmProgram timed = Vm.loadConformance(UbpfAssembler.assemble("mov %r0, 0\nloop:\nadd %r0, 1\nja loop"),
                VmOptions.conformance().engine(e).timeout(Duration.ofMillis(50)));
        long start = System.nanoTime();
        VmBudgetExceededException t = assertThrows(VmBudgetExceededException.class, () -> timed.run(null));
        assertTrue(t.getMessage().contains("timeout"), t.getMessage());
        assertTrue(System.nanoTime() - start < 5_000_000_000L);
    }

    @ParameterizedTest
    @EnumSource(VmOptions.Engine.class)
    void recursionHitsTheCallDepthLimit(VmOptions.Engine e) {
        VmProgram p = conformance(e, "call local f\nexit\nf:\nstdw [%r10-8], 1\ncall local f\nexit");
        VmCallDepthException ex = assertThrows(VmCallDepthException.class, () -> p.run(null));
        assertTrue(ex.getMessage().contains("call depth limit 8"), ex.getMessage());
        // exponential fan-out without loops is still bounded by the budget
        StringBuilder asm = new StringBuilder("mov %r0, 0\ncall local f1\nexit\n");
        for (int level = 1; level <= 6; level++) {
            asm.append("f").append(level).append(":\nmov %r0, 0\n");
            for (int k = 0; k < 40; k++) {
                asm.append(level < 6 ? "call local f" + (level + 1) + "\n" : "add %r0, 1\n");
            }
            asm.append("exit\n");
        }
        VmProgram fan = conformance(e, asm.toString());
        assertThrows(VmBudgetExceededException.class, () -> fan.run(null));
    }

    /** Functions cut into segments (as the JIT compiles large ones) stop the same way. */
    @Test
    void segmentedFunctionsStopTheSameWay() throws Exception {
        VmProgram loop = conformance(VmOptions.Engine.INTERPRETER, "mov %r0, 0\nloop:\nadd %r0, 1\nmov %r1, %r0\n"
                + "and %r1, 7\nja loop");
        loop.runtime().engine = dev.ebpf4j.vm.jit.JitCompiler.compile(loop.runtime(), 2);
        assertEquals(VmOptions.Engine.JIT, loop.engine());
        assertTrue(assertThrows(VmBudgetExceededException.class, () -> loop.run(null)).getMessage()
                .contains("instruction budget"));
        VmProgram deep = conformance(VmOptions.Engine.INTERPRETER, "call local f\nexit\nf:\nstdw [%r10-8], 1\n"
                + "mov %r0, 1\ncall local f\nexit");
        deep.runtime().engine = dev.ebpf4j.vm.jit.JitCompiler.compile(deep.runtime(), 1);
        assertTrue(assertThrows(VmCallDepthException.class, () -> deep.run(null)).getMessage()
                .contains("call depth limit 8"));
        VmProgram fault = conformance(VmOptions.Engine.INTERPRETER, "mov %r0, 0\nloop:\nadd %r0, 1\n"
                + "jlt %r0, 1000, loop\nldxdw %r0, [%r1+8]\nexit");
        fault.runtime().engine = dev.ebpf4j.vm.jit.JitCompiler.compile(fault.runtime(), 1);
        assertTrue(assertThrows(VmMemoryAccessException.class, () -> fault.run(new byte[12])).getMessage()
                .contains("invalid 8-byte memory access"));
    }

    @Test
    void malformedProgramsAreRefused() {
        List<List<Instruction>> bad = List.of(
                List.of(),
                List.of(new Instruction(0xff, 0, 0, 0, 0)),                            // undefined opcode
                List.of(new Instruction(0xb7, 11, 0, 0, 1), Instruction.EXIT),         // r11
                List.of(new Instruction(0xb7, 10, 0, 0, 1), Instruction.EXIT),         // write to r10
                List.of(new Instruction(0x05, 0, 0, 5, 0), Instruction.EXIT),          // jump out of range
                List.of(new Instruction(0x05, 0, 0, -2, 0), Instruction.EXIT),         // jump before the start
                List.of(new Instruction(0xb7, 0, 0, 0, 1)),                            // falls off the end
                List.of(new Instruction(0x85, 0, 2, 0, 1), Instruction.EXIT),          // kfunc
                List.of(new Instruction(0xdc, 0, 0, 0, 17), Instruction.EXIT),         // be17
                List.of(new Instruction(0xdb, 0, 0, 0, 0x02), Instruction.EXIT),       // unknown atomic op
                List.of(new Instruction(0x85, 0, 1, 0, 5), Instruction.EXIT));         // call into nowhere
        for (List<Instruction> insns : bad) {
            assertThrows(VerifierException.class, () -> Vm.loadConformance(insns, VmOptions.conformance()),
                    insns.toString());
        }
        // jump into the middle of lddw
        List<Instruction> mid = new Asm().ja("x").lddw(R0, 1).label("x").exit().build();
        List<Instruction> broken = List.of(mid.get(0).withOffset(2), mid.get(1), mid.get(2));
        assertThrows(VerifierException.class, () -> Vm.loadConformance(broken, VmOptions.conformance()));
    }

    @Test
    void hugeProgramsAreRefusedSegmentedOrInterpreted() {
        List<Instruction> big = new ArrayList<>();
        for (int i = 0; i < 1_000_000; i++) big.add(new Instruction(0xb7, 0, 0, 0, i));
        big.add(Instruction.EXIT);
        VerifierException e = assertThrows(VerifierException.class, () -> Vm.loadConformance(big,
                VmOptions.conformance()));
        assertTrue(e.getMessage().contains("too large"), e.getMessage());
        // too large for one JVM method: the JIT splits the function into segments
        List<Instruction> large = new ArrayList<>(big.subList(0, 20_000));
        large.add(Instruction.EXIT);
        VmProgram p = Vm.loadConformance(large, VmOptions.conformance());
        assertEquals(VmOptions.Engine.JIT, p.engine(), p.jitFallbackReason().orElse(""));
        assertEquals(19_999, p.run(null));
        // too many distinct constants for one class file: interpreted
        List<Instruction> huge = new ArrayList<>(big.subList(0, 40_000));
        huge.add(Instruction.EXIT);
        VmProgram h = Vm.loadConformance(huge, VmOptions.conformance());
        assertEquals(VmOptions.Engine.INTERPRETER, h.engine());
        assertTrue(h.jitFallbackReason().orElseThrow().contains("JIT"), h.jitFallbackReason().toString());
        assertEquals(39_999, h.run(null));
    }

    @ParameterizedTest
    @EnumSource(VmOptions.Engine.class)
    void divisionTricksHaveDefinedResults(VmOptions.Engine e) {
        assertEquals(0, conformance(e, "mov %r0, 5\nmov %r1, 0\ndiv %r0, %r1\nexit").run(null));
        assertEquals(5, conformance(e, "mov %r0, 5\nmov %r1, 0\nmod %r0, %r1\nexit").run(null));
        assertEquals(Long.MIN_VALUE, conformance(e, "lddw %r0, 0x8000000000000000\nsdiv %r0, -1\nexit").run(null));
        assertEquals(0, conformance(e, "lddw %r0, 0x8000000000000000\nsmod %r0, -1\nexit").run(null));
        assertEquals(0x80000000L, conformance(e, "mov32 %r0, 0x80000000\nsdiv32 %r0, -1\nexit").run(null));
        assertEquals(0xffffffffL, conformance(e, "mov %r0, -1\nmov32 %r1, 0\nmod32 %r0, %r1\nexit").run(null));
    }

    @ParameterizedTest
    @EnumSource(VmOptions.Engine.class)
    void helpersCannotEscapeEither(VmOptions.Engine e) {
        VmProgram p = conformance(e, "mov %r1, 0\ncall 99\nexit");
        assertThrows(VmHelperException.class, () -> p.run(null));
        VmProgram callx = conformance(e, "mov %r2, 123456\ncall %r2\nexit");
        assertThrows(VmHelperException.class, () -> callx.run(null));
        HelperRegistry bad = HelperRegistry.conformance().register(7, HelperSignature.of("peek", ReturnType.INTEGER,
                ArgType.ANYTHING), (ctx, r1, r2, r3, r4, r5) -> ctx.load(r1, 8));
        VmProgram peek = Vm.loadConformance(UbpfAssembler.assemble("mov %r1, 4096\ncall 7\nexit"),
                VmOptions.conformance().engine(e).helpers(bad));
        assertThrows(VmMemoryAccessException.class, () -> peek.run(null));
    }

    @Test
    void oversizedMapsAreRefused() {
        VmMaps maps = new VmMaps();
        assertThrows(BpfArgumentException.class, () -> maps.create(MapSpec.hash("huge", 8, 1 << 20, 1 << 20)));
        assertThrows(BpfArgumentException.class, () -> maps.create(MapSpec.ringBuffer("odd", 5000)));
    }
}
