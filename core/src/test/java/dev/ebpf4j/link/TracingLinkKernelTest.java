package dev.ebpf4j.link;

import dev.ebpf4j.AttachType;
import dev.ebpf4j.BpfArgumentException;
import dev.ebpf4j.BpfMap;
import dev.ebpf4j.LinkType;
import dev.ebpf4j.NotSupportedException;
import dev.ebpf4j.Program;
import dev.ebpf4j.ProgramSpec;
import dev.ebpf4j.ProgramType;
import dev.ebpf4j.TestRun;
import dev.ebpf4j.asm.Asm;
import dev.ebpf4j.asm.Instruction;
import dev.ebpf4j.testkit.KernelTest;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.ebpf4j.asm.Register.*;
import static dev.ebpf4j.link.LinkTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * fentry/fexit/fmod_ret/LSM. Where the kernel has BPF trampolines these attach and their effect is observed; where it
 * has not (the project's test machines), loading or attaching raises NotSupportedException mentioning trampolines.
 */
@KernelTest
class TracingLinkKernelTest {

    private static void assertTrampolinesMissing(NotSupportedException e) {
        assertTrue(e.getMessage().contains("BPF trampolines are unavailable here"), e.getMessage());
    }

    /** A tracing program triggers bpf_fentry_test1..8 when test-run; count them with our fentry/fexit. */
    private static void observeFentryTest(TracingLink.Kind kind) {
        try (BpfMap map = counters()) {
            ProgramSpec spec = TracingLink.programSpec(kind, "bpf_fentry_test1").name(kind.sectionPrefix())
                    .instructions(counting(map, NO_FILTER, a -> { })).build();
            assertEquals(kind.programType(), spec.type());
            assertEquals(kind.attachType(), spec.expectedAttachType());
            assertEquals(TracingLink.targetBtfId(kind, "bpf_fentry_test1"), spec.attachBtfId());
            assertEquals(kind.sectionPrefix() + "/bpf_fentry_test1", spec.sectionName());
            try (Program prog = Program.load(spec); TracingLink link = TracingLink.attach(prog)) {
                prog.testRun(TestRun.withContext(new byte[0]));
                assertEquals(1, slot(map, 0), "bpf_fentry_test1 ran once");
                assertEquals(kind, link.kind());
                LinkInfo info = link.info().orElseThrow();
                assertEquals(LinkType.TRACING, info.type());
                assertEquals(kind.attachType(), info.attachType().orElseThrow());
                assertEquals(spec.attachBtfId(), info.details().get("target_btf_id"));
            } catch (NotSupportedException e) {
                assertTrampolinesMissing(e);
            }
        }
    }

    @Test
    void fentryObservesTheFunctionOrExplainsTrampolinesAreMissing() {
        observeFentryTest(TracingLink.Kind.FENTRY);
    }

    @Test
    void fexitObservesTheFunctionOrExplainsTrampolinesAreMissing() {
        observeFentryTest(TracingLink.Kind.FEXIT);
    }

    @Test
    void fmodRetChangesTheReturnValueOrExplainsTrampolinesAreMissing() {
        // bpf_modify_return_test(a, b) is called by test-running an fmod_ret program; returning non-zero skips it,
        // which the test run reports in its return value (selftests' modify_return).
        List<Instruction> ret = new Asm().mov64(R0, 42).exit().build();
        ProgramSpec spec = TracingLink.programSpec(TracingLink.Kind.FMOD_RET, "bpf_modify_return_test")
                .name("modret").instructions(ret).build();
        assertEquals(AttachType.MODIFY_RETURN, spec.expectedAttachType());
        try (Program prog = Program.load(spec); TracingLink link = TracingLink.attach(prog)) {
            long r = prog.testRun(TestRun.withContext(new byte[0])).returnValue();
            assertNotEquals(0, r, "the modified return value reaches the test run");
            assertTrue(link.describe().startsWith("fmod_ret → program 'modret'"), link.describe());
        } catch (NotSupportedException e) {
            assertTrampolinesMissing(e);
        }
    }

    @Test
    void lsmHookSeesFileOpensOrExplainsTrampolinesAreMissing() throws Exception {
        try (BpfMap map = counters()) {
            ProgramSpec spec = TracingLink.programSpec(TracingLink.Kind.LSM, "file_open").name("opens")
                    .instructions(counting(map, currentTid(), a -> { })).build();
            assertEquals(ProgramType.LSM, spec.type());
            assertEquals("lsm/file_open", spec.sectionName());
            try (Program prog = Program.load(spec); TracingLink link = TracingLink.attach(prog)) {
                Path f = Files.createTempFile("ebpf4j-lsm", ".txt");
                try {
                    Files.readAllBytes(f);
                    assertTrue(slot(map, 0) >= 1);
                } finally {
                    Files.delete(f);
                }
                assertEquals(TracingLink.Kind.LSM, link.kind());
            } catch (NotSupportedException e) {
                assertTrampolinesMissing(e);
                assertEquals("LSM BPF programs", e.feature());
            }
        }
    }

    @Test
    void unknownTargetsAndWrongProgramsAreRejected() {
        NotSupportedException e = assertThrows(NotSupportedException.class,
                () -> TracingLink.programSpec(TracingLink.Kind.FENTRY, "no_such_function_ebpf4j"));
        assertTrue(e.getMessage().contains("no function 'no_such_function_ebpf4j'"), e.getMessage());
        NotSupportedException lsm = assertThrows(NotSupportedException.class,
                () -> TracingLink.programSpec(TracingLink.Kind.LSM, "no_such_hook"));
        assertTrue(lsm.getMessage().contains("bpf_lsm_no_such_hook") && lsm.getMessage().contains("no such LSM hook"),
                lsm.getMessage());
        assertTrue(TracingLink.targetBtfId(TracingLink.Kind.LSM, "file_open") > 0);
        try (Program xdp = trivial(ProgramType.XDP)) {
            BpfArgumentException w = assertThrows(BpfArgumentException.class, () -> TracingLink.attach(xdp));
            assertTrue(w.getMessage().startsWith("TracingLink needs a program of type tracing, lsm or ext, got xdp"),
                    w.getMessage());
        }
        try (BpfMap map = counters();
             Program tpBtf = Program.load(RawTracepointLink.tpBtfProgramSpec("sys_enter").name("tpbtf")
                     .instructions(counting(map, NO_FILTER, a -> { })).build())) {
            BpfArgumentException w = assertThrows(BpfArgumentException.class, () -> TracingLink.attach(tpBtf));
            assertTrue(w.getMessage().contains("got trace_raw_tp"), w.getMessage());
        }
    }
}
