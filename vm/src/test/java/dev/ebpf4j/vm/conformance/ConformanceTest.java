package dev.ebpf4j.vm.conformance;

import dev.ebpf4j.BpfException;
import dev.ebpf4j.asm.Disassembler;
import dev.ebpf4j.asm.Instruction;
import dev.ebpf4j.vm.Vm;
import dev.ebpf4j.vm.VmOptions;
import dev.ebpf4j.vm.VmProgram;
import dev.ebpf4j.vm.jit.JitCompiler;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs every file of the BPF conformance suite (/work/shared/conformance) on the interpreter and on the JIT in
 * conformance mode (CPU v4, all groups): {@code tests/} must give the expected r0, {@code negative/} must be refused by
 * the assembler or the verifier, or fail at run time, or give a different result than the file claims.
 */
class ConformanceTest {

    @TestFactory
    Stream<DynamicTest> testsOnInterpreter() throws Exception {
        return positives(VmOptions.Engine.INTERPRETER);
    }

    @TestFactory
    Stream<DynamicTest> testsOnJit() throws Exception {
        return positives(VmOptions.Engine.JIT);
    }

    /** The JIT with every function cut into segments of 1 to 4 instructions (the machinery of large functions). */
    @TestFactory
    Stream<DynamicTest> testsOnSegmentedJit() throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        int k = 0;
        for (Path p : ConformanceFile.files("tests")) {
            int perSegment = 1 + k++ % 4;
            tests.add(DynamicTest.dynamicTest(p.getFileName().toString() + " /" + perSegment, () -> {
                try { runSegmented(p, perSegment); } catch (Throwable t) { throw new AssertionError(p.getFileName() + ": " + t, t); }
            }));
        }
        return tests.stream();
    }

    private static void runSegmented(Path path, int perSegment) throws Exception {
        ConformanceFile f = ConformanceFile.parse(path);
        List<Instruction> insns = f.program();
        VmProgram prog = Vm.loadConformance(insns, options(VmOptions.Engine.INTERPRETER));
        prog.runtime().engine = JitCompiler.compile(prog.runtime(), perSegment);
        assertEquals(VmOptions.Engine.JIT, prog.engine());
        byte[] mem = f.memory();
        long r0 = prog.run(mem == null ? null : mem.clone());
        assertEquals(f.result(), r0, () -> String.format("%s, segments of %d: expected %#x, got %#x%n%s", f.name(),
                perSegment, f.result(), r0, Disassembler.llvm().listing(insns)));
    }

    @TestFactory
    Stream<DynamicTest> negativeFilesAreRejected() throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path p : ConformanceFile.files("negative")) {
            tests.add(DynamicTest.dynamicTest(p.getFileName().toString(), () -> assertRejected(p)));
        }
        return tests.stream();
    }

    @Test
    void everyFileIsCounted() throws Exception {
        assertEquals(313, ConformanceFile.files("tests").size());
        assertEquals(60, ConformanceFile.files("negative").size());
    }

    private Stream<DynamicTest> positives(VmOptions.Engine engine) throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path p : ConformanceFile.files("tests")) {
            tests.add(DynamicTest.dynamicTest(p.getFileName().toString(), () -> {
                try { runPositive(p, engine); } catch (Throwable t) { throw new AssertionError(p.getFileName() + ": " + t, t); }
            }));
        }
        return tests.stream();
    }

    static VmOptions options(VmOptions.Engine engine) {
        return VmOptions.conformance().engine(engine).instructionBudget(10_000_000);
    }

    private static void runPositive(Path path, VmOptions.Engine engine) throws Exception {
        ConformanceFile f = ConformanceFile.parse(path);
        List<Instruction> insns = f.program();
        VmProgram prog = Vm.loadConformance(insns, options(engine));
        if (engine == VmOptions.Engine.JIT) {
            assertEquals(VmOptions.Engine.JIT, prog.engine(), () -> "JIT fell back: " + prog.jitFallbackReason());
        }
        byte[] mem = f.memory();
        long r0 = prog.run(mem == null ? null : mem.clone());
        assertTrue(f.expectsResult(), f.name() + " has no result");
        assertEquals(f.result(), r0, () -> String.format("%s on %s: expected %#x, got %#x%n%s", f.name(), engine,
                f.result(), r0, Disassembler.llvm().listing(insns)));
    }

    private static void assertRejected(Path path) throws Exception {
        ConformanceFile f;
        try {
            f = ConformanceFile.parse(path);
        } catch (IllegalArgumentException e) {
            return;   // unknown section
        }
        if (!f.hasProgram()) return;   // nothing to run
        List<Instruction> insns;
        try {
            insns = f.program();
        } catch (BpfException | IllegalArgumentException e) {
            return;   // the assembler or decoder refused it
        }
        for (VmOptions.Engine engine : VmOptions.Engine.values()) {
            VmProgram prog;
            try {
                prog = Vm.loadConformance(insns, options(engine));
            } catch (BpfException e) {
                continue;   // verifier refused it
            }
            byte[] mem = f.memory();
            long r0;
            try {
                r0 = prog.run(mem == null ? null : mem.clone());
            } catch (BpfException e) {
                continue;   // stopped at run time
            }
            if (f.expectsResult() && f.result() != r0) continue;
            fail(f.name() + " on " + engine + " ran and gave " + r0 + " as the file claims");
        }
    }
}
