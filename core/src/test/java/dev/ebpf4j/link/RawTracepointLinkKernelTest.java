package dev.ebpf4j.link;

import dev.ebpf4j.AttachType;
import dev.ebpf4j.BpfArgumentException;
import dev.ebpf4j.BpfException;
import dev.ebpf4j.BpfMap;
import dev.ebpf4j.Errno;
import dev.ebpf4j.LinkType;
import dev.ebpf4j.NotSupportedException;
import dev.ebpf4j.Program;
import dev.ebpf4j.ProgramSpec;
import dev.ebpf4j.ProgramType;
import dev.ebpf4j.TestRun;
import dev.ebpf4j.asm.Asm;
import dev.ebpf4j.asm.HelperFunction;
import dev.ebpf4j.testkit.KernelTest;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static dev.ebpf4j.asm.Register.*;
import static dev.ebpf4j.link.LinkTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

@KernelTest
class RawTracepointLinkKernelTest {

    /** sys_enter's arguments are (struct pt_regs *regs, long id): count this thread's getpid calls, record id. */
    private static java.util.List<dev.ebpf4j.asm.Instruction> getpidCounter(BpfMap map) {
        return counting(map, currentTid(), a -> a.ldxdw(R7, R6, 8).jne(R7, SYS_GETPID, "out"));
    }

    @Test
    void rawTracepointCountsAndReportsItsName() {
        try (BpfMap map = counters();
             Program prog = load(ProgramType.RAW_TRACEPOINT, "raw_getpid", getpidCounter(map))) {
            RawTracepointLink link = RawTracepointLink.attach(prog, "sys_enter");
            try (link) {
                getpid(12);
                assertEquals(12, slot(map, 0));
                assertEquals(12L * SYS_GETPID, slot(map, 1));
                assertFalse(link.isBtfTyped());
                assertEquals("sys_enter", link.tracepoint());
                assertEquals("raw_tracepoint sys_enter → program 'raw_getpid' (raw_tracepoint)", link.describe());
                LinkInfo info = link.info().orElseThrow();
                assertEquals(LinkType.RAW_TRACEPOINT, info.type());
                assertEquals("sys_enter", info.details().get("tp_name"));
                assertEquals(prog.id(), info.programId());
            }
            getpid(5);
            assertEquals(12, slot(map, 0), "closing detaches");
        }
    }

    @Test
    void tpBtfProgramAttachesToTheTracepointItWasLoadedFor() {
        try (BpfMap map = counters()) {
            ProgramSpec spec = RawTracepointLink.tpBtfProgramSpec("sys_enter").name("btf_getpid")
                    .instructions(getpidCounter(map)).build();
            assertEquals(ProgramType.TRACING, spec.type());
            assertEquals(AttachType.TRACE_RAW_TP, spec.expectedAttachType());
            assertEquals(RawTracepointLink.tpBtfTypeId("sys_enter"), spec.attachBtfId());
            assertEquals("tp_btf/sys_enter", spec.sectionName());
            try (Program prog = Program.load(spec)) {
                try (RawTracepointLink link = RawTracepointLink.attach(prog)) {
                    getpid(9);
                    assertEquals(9, slot(map, 0));
                    assertTrue(link.isBtfTyped());
                    assertEquals("sys_enter", link.tracepoint());
                    assertTrue(link.describe().startsWith("tp_btf sys_enter → program 'btf_getpid' (tp_btf/sys_enter) via "),
                            link.describe());
                    assertTrue(link.describe().endsWith("via BPF_LINK_CREATE"), "6.18 creates tp_btf links directly");
                    LinkInfo info = link.info().orElseThrow();
                    assertEquals(prog.id(), info.programId());
                    assertEquals(LinkType.RAW_TRACEPOINT, info.type());
                    assertEquals("sys_enter", info.details().get("tp_name"));
                }
                // By name, which must match the BTF target.
                try (RawTracepointLink link = RawTracepointLink.attach(prog, "sys_enter")) {
                    getpid(2);
                    assertEquals(11, slot(map, 0));
                }
                BpfArgumentException e = assertThrows(BpfArgumentException.class,
                        () -> RawTracepointLink.attach(prog, "sched_switch"));
                assertTrue(e.getMessage().contains("not for tracepoint 'sched_switch'"), e.getMessage());
            }
        }
    }

    @Test
    void writableRawTracepointChangesTheTracedValue() {
        // bpf_test_finish(int *err) is writable: setting *err makes BPF_PROG_TEST_RUN fail with that error.
        int tid = currentTid();
        var insns = new Asm()
                .mov64(R6, R1)
                .call(HelperFunction.GET_CURRENT_PID_TGID).mov32(R0, R0).jne(R0, tid, "out")
                .ldxdw(R1, R6, 0)
                .stw(R1, 0, -Errno.E2BIG.number())
                .label("out").mov64(R0, 0).exit().build();
        try (Program writer = load(ProgramType.RAW_TRACEPOINT_WRITABLE, "set_err", insns);
             Program filter = trivial(ProgramType.SOCKET_FILTER)) {
            byte[] packet = new byte[64];
            assertEquals(0, filter.testRun(TestRun.withData(packet)).returnValue());
            try (RawTracepointLink link = RawTracepointLink.attach(writer, "bpf_test_finish")) {
                BpfException e = assertThrows(BpfException.class, () -> filter.testRun(TestRun.withData(packet)));
                assertEquals(Errno.E2BIG, e.errno(), e.getMessage());
            }
            assertEquals(0, filter.testRun(TestRun.withData(packet)).returnValue(), "detached again");
        }
    }

    @Test
    void unknownNamesAreExplained() {
        try (Program prog = trivial(ProgramType.RAW_TRACEPOINT)) {
            NotSupportedException e = assertThrows(NotSupportedException.class,
                    () -> RawTracepointLink.attach(prog, "sched_swich"));
            assertTrue(e.getMessage().contains("this kernel has no tracepoint 'sched_swich'"), e.getMessage());
            assertTrue(e.getMessage().contains("sched_switch"), e.getMessage());
        }
        NotSupportedException btf = assertThrows(NotSupportedException.class,
                () -> RawTracepointLink.tpBtfProgramSpec("sched_swich"));
        assertTrue(btf.getMessage().contains("no typedef btf_trace_sched_swich"), btf.getMessage());
        assertTrue(btf.getMessage().contains("sched_switch"), btf.getMessage());
    }

    @Test
    void argumentsAreChecked() {
        try (Program tp = trivial(ProgramType.TRACEPOINT); Program raw = trivial(ProgramType.RAW_TRACEPOINT)) {
            BpfArgumentException e = assertThrows(BpfArgumentException.class,
                    () -> RawTracepointLink.attach(tp, "sys_enter"));
            assertTrue(e.getMessage().startsWith("RawTracepointLink needs a program of type raw_tracepoint, "
                    + "raw_tracepoint_writable or tracing, got tracepoint"), e.getMessage());
            assertThrows(BpfArgumentException.class, () -> RawTracepointLink.attach(raw, ""));
            assertThrows(BpfArgumentException.class, () -> RawTracepointLink.attach(raw));
        }
    }

    @Test
    void aPinnedRawTracepointOutlivesItsObject() throws Exception {
        Path pin = pinPath("raw");
        try (BpfMap map = counters();
             Program prog = load(ProgramType.RAW_TRACEPOINT, "raw_pinned", getpidCounter(map))) {
            RawTracepointLink link = RawTracepointLink.attach(prog, "sys_enter");
            link.pin(pin);
            link.close();
            getpid(3);
            assertEquals(3, slot(map, 0));
            String shown = dev.ebpf4j.testkit.Shell.exec(10, "bpftool", "link", "show", "pinned", pin.toString())
                    .output();
            if (!shown.startsWith("could not run")) { // bpftool is an optional oracle
                assertTrue(shown.contains("raw_tracepoint") && shown.contains("sys_enter")
                        && shown.contains("prog " + prog.id()), shown);
            }
            Files.delete(pin);
            assertTrue(eventually(Duration.ofSeconds(10), () -> {
                long before = slot(map, 0);
                getpid(1);
                return slot(map, 0) == before;
            }));
        } finally {
            Files.deleteIfExists(pin);
        }
    }
}
