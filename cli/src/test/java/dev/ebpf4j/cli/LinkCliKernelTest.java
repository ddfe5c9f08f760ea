package dev.ebpf4j.cli;

import dev.ebpf4j.AttachType;
import dev.ebpf4j.Program;
import dev.ebpf4j.ProgramSpec;
import dev.ebpf4j.ProgramType;
import dev.ebpf4j.asm.Asm;
import dev.ebpf4j.internal.sys.Bpf;
import dev.ebpf4j.internal.sys.BpfAttr;
import dev.ebpf4j.internal.sys.BpfCommand;
import dev.ebpf4j.internal.sys.CallScratch;
import dev.ebpf4j.internal.sys.Fd;
import dev.ebpf4j.internal.sys.Libc;
import dev.ebpf4j.link.LinkHandle;
import dev.ebpf4j.testkit.KernelTest;
import dev.ebpf4j.testkit.TestCgroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

import static dev.ebpf4j.asm.Register.R0;
import static dev.ebpf4j.cli.MapCliKernelTest.ok;
import static dev.ebpf4j.cli.MapCliKernelTest.sameAsBpftool;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ebpf4j link ...} on links the test creates with raw syscalls (the link classes are written elsewhere): a
 * raw tracepoint link on {@code sys_enter} and a cgroup link; bpftool is the oracle.
 */
@KernelTest
class LinkCliKernelTest {
    private Path dir;

    @BeforeEach
    void pinDir() {
        dir = Cli.pinDir("link");
    }

    @AfterEach
    void cleanUp() {
        Cli.removeTree(dir);
    }

    private static Program returning(ProgramType type, int value, String name, AttachType expected) {
        var b = ProgramSpec.builder(type).name(name).license("GPL")
                .instructions(new Asm().mov64(R0, value).exit().build());
        if (expected != null) b.expectedAttachType(expected);
        return Program.load(b.build());
    }

    /** BPF_RAW_TRACEPOINT_OPEN: returns the link fd. */
    private static Fd rawTracepoint(Program prog, String tracepoint) {
        MemorySegment a = CallScratch.get().attr(BpfAttr.RAW_TP_SIZE);
        a.set(JAVA_LONG, BpfAttr.RAW_TP_NAME, CallScratch.get().cString(tracepoint).address());
        a.set(JAVA_INT, BpfAttr.RAW_TP_PROG_FD, prog.fd());
        return Bpf.fd(BpfCommand.RAW_TRACEPOINT_OPEN, a, BpfAttr.RAW_TP_SIZE, "raw tracepoint " + tracepoint);
    }

    /** BPF_LINK_CREATE on a cgroup directory. */
    private static Fd cgroupLink(Program prog, Path cgroup, AttachType type) {
        int dirFd = Libc.open(CallScratch.get().cString(cgroup.toString()), Libc.O_RDONLY | Libc.O_DIRECTORY
                | Libc.O_CLOEXEC, 0);
        if (dirFd < 0) throw new IllegalStateException("cannot open " + cgroup);
        try (Fd target = Fd.adopt(dirFd, "cgroup " + cgroup)) {
            MemorySegment a = CallScratch.get().attr(BpfAttr.LINK_CREATE_SIZE);
            a.set(JAVA_INT, BpfAttr.LINK_PROG_FD, prog.fd());
            a.set(JAVA_INT, BpfAttr.LINK_TARGET_FD, target.get());
            a.set(JAVA_INT, BpfAttr.LINK_ATTACH_TYPE, type.number());
            return Bpf.fd(BpfCommand.LINK_CREATE, a, BpfAttr.LINK_CREATE_SIZE, "cgroup link");
        }
    }

    private static int idOf(Fd link) {
        return dev.ebpf4j.link.LinkInfoReader.read(link.get(), "test link").id();
    }

    @Test
    void rawTracepointLinkShowsLikeBpftool() {
        try (Program prog = returning(ProgramType.RAW_TRACEPOINT, 0, "clirawtp", null);
             Fd link = rawTracepoint(prog, "sys_enter")) {
            String id = Integer.toString(idOf(link));
            Cli.Result plain = sameAsBpftool("link", "show", "id", id);
            assertEquals(id + ": raw_tracepoint  prog " + prog.id() + "  \n\ttp 'sys_enter'  \n", plain.out());
            Cli.Result json = sameAsBpftool("-j", "link", "show", "id", id);
            assertEquals("{\"id\":" + id + ",\"type\":\"raw_tracepoint\",\"prog_id\":" + prog.id()
                    + ",\"tp_name\":\"sys_enter\"}\n", json.out());
            sameAsBpftool("-p", "link", "show", "id", id);

            Cli.Result list = ok("link", "list");
            assertTrue(list.out().contains(plain.out()), list.out());
            Cli.Result listJson = ok("-j", "link");
            assertTrue(listJson.out().contains(json.out().trim()), listJson.out());

            String pin = dir.resolve("rawtp").toString();
            assertEquals("null\n", ok("-j", "link", "pin", "id", id, pin).out());
            Cli.Result pinned = sameAsBpftool("-f", "link", "show", "pinned", pin);
            assertTrue(pinned.out().endsWith("\n\tpinned " + pin + "\n"), pinned.out());
            sameAsBpftool("-f", "-j", "link", "show", "pinned", pin);

            Cli.Result detach = Cli.run("link", "detach", "pinned", pin);
            assertEquals(Main.EXIT_FAILURE, detach.exit(), detach.toString());
            assertTrue(detach.err().startsWith("Error: link pinned at " + pin + " (raw_tracepoint): detaching "
                    + "raw_tracepoint links is not supported by this kernel"), detach.err());
        }
    }

    @Test
    void cgroupLinkShowsAndDetaches() {
        try (TestCgroup cg = TestCgroup.create();
             Program prog = returning(ProgramType.CGROUP_SKB, 1, "clicgskb", AttachType.CGROUP_INET_INGRESS);
             Fd link = cgroupLink(prog, cg.path(), AttachType.CGROUP_INET_INGRESS)) {
            String id = Integer.toString(idOf(link));
            Cli.Result plain = sameAsBpftool("link", "show", "id", id);
            assertTrue(plain.out().matches(id + ": cgroup  prog " + prog.id() + "  \n\tcgroup_id \\d+  attach_type "
                    + "cgroup_inet_ingress  \n"), plain.out());
            sameAsBpftool("-j", "link", "show", "id", id);

            assertEquals("null\n", ok("-j", "link", "detach", "id", id).out());
            try (LinkHandle after = LinkHandle.fromId(Integer.parseInt(id))) {
                assertEquals(0L, after.info().details().get("cgroup_id"), "a detached cgroup link has no cgroup");
            }
            sameAsBpftool("link", "show", "id", id);
        }
    }

    @Test
    void badLinkReferences() {
        Cli.Result none = Cli.run("link", "show", "id", "999999999");
        assertEquals(Main.EXIT_FAILURE, none.exit());
        assertEquals("Error: there is no link with id 999999999 (it may have been unloaded)\n", none.err());
        Cli.Result grammar = Cli.run("link", "show", "name", "x");
        assertEquals(Main.EXIT_USAGE, grammar.exit());
        assertTrue(grammar.err().startsWith("Error: expected 'id' or 'pinned', got: 'name'?"), grammar.err());
    }
}
