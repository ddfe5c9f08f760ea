package dev.ebpf4j.link;

import dev.ebpf4j.BpfArgumentException;
import dev.ebpf4j.BpfMap;
import dev.ebpf4j.LinkType;
import dev.ebpf4j.Program;
import dev.ebpf4j.ProgramType;
import dev.ebpf4j.asm.HelperFunction;
import dev.ebpf4j.asm.Instruction;
import dev.ebpf4j.internal.fs.KernelFilesystems;
import dev.ebpf4j.internal.sys.Fd;
import dev.ebpf4j.internal.sys.ObjectPins;
import dev.ebpf4j.testkit.KernelTest;
import dev.ebpf4j.testkit.Shell;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import static dev.ebpf4j.asm.Register.*;
import static dev.ebpf4j.link.LinkTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * uprobes on the native test binary uprobe_target (x86_64: the program's context is struct pt_regs; di is at 112, ax
 * at 80). Each test probes the binary only its own test runs, so parallel test runs elsewhere do not interfere.
 */
@KernelTest
class UprobeLinkKernelTest {
    private static final String FUNC = "ebpf4j_uprobe_target";
    private static final int PT_REGS_DI = 112;
    private static final int PT_REGS_AX = 80;

    private static Path bin() {
        return UprobeTargetProcess.binary();
    }

    /** Counts hits and sums the low 32 bits of the pt_regs field at {@code off}. */
    private static List<Instruction> summing(BpfMap map, int off) {
        return counting(map, NO_FILTER, a -> a.ldxw(R7, R6, off));
    }

    private static long sum(int n, int value, boolean results) {
        return IntStream.range(0, n).map(i -> results ? UprobeTargetProcess.expected(value + i) : value + i).sum();
    }

    @Test
    void uprobeCountsCallsAndReadsTheArgument() {
        try (BpfMap map = counters(); Program prog = load(ProgramType.KPROBE, "up_arg", summing(map, PT_REGS_DI))) {
            UprobeLink link = UprobeLink.attach(prog, bin(), FUNC);
            try (link) {
                List<Integer> results = UprobeTargetProcess.run(5, 100);
                assertEquals(List.of(201, 203, 205, 207, 209), results);
                assertEquals(5, slot(map, 0));
                assertEquals(sum(5, 100, false), slot(map, 1), "the arguments seen in rdi");
                assertEquals(UprobeTargets.symbolOffset(bin(), FUNC), link.fileOffset());
                assertEquals(-1, link.pid());
                assertTrue(link.usesBpfLink());
                assertEquals("uprobe " + bin().toAbsolutePath().normalize() + ":" + FUNC + " (0x"
                        + Long.toHexString(link.fileOffset()) + ") → program 'up_arg' (kprobe) via uprobe PMU, bpf_link",
                        link.describe());
                LinkInfo info = link.info().orElseThrow();
                assertEquals(LinkType.PERF_EVENT, info.type());
                assertEquals("uprobe", info.details().get("event_type"));
                assertEquals(bin().toRealPath().toString(), info.details().get("file"));
                assertEquals(link.fileOffset(), info.details().get("offset"));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            UprobeTargetProcess.run(3, 1);
            assertEquals(5, slot(map, 0), "no hits after close");
        }
    }

    @Test
    void uretprobeReadsTheReturnValue() {
        try (BpfMap map = counters(); Program prog = load(ProgramType.KPROBE, "up_ret", summing(map, PT_REGS_AX));
             UprobeLink link = UprobeLink.attachReturn(prog, bin(), FUNC)) {
            UprobeTargetProcess.run(4, 10);
            assertEquals(4, slot(map, 0));
            assertEquals(sum(4, 10, true), slot(map, 1), "the return values seen in rax");
            assertTrue(link.describe().startsWith("uretprobe "), link.describe());
            assertEquals("uretprobe", link.info().orElseThrow().details().get("event_type"));
        }
    }

    @Test
    void pidFilterCountsOnlyTheChosenProcess() {
        try (BpfMap map = counters(); Program prog = load(ProgramType.KPROBE, "up_pid", summing(map, PT_REGS_DI));
             UprobeTargetProcess chosen = UprobeTargetProcess.startWaiting(3, 1000);
             UprobeTargetProcess other = UprobeTargetProcess.startWaiting(5, 2000);
             UprobeLink link = UprobeLink.attach(prog, UprobeLink.Options.symbol(bin(), FUNC).pid(chosen.pid))) {
            assertTrue(link.describe().contains(" pid " + chosen.pid + " → "), link.describe());
            other.release();
            chosen.release();
            assertEquals(3, slot(map, 0), "only the chosen process's calls");
            assertEquals(sum(3, 1000, false), slot(map, 1));
        }
    }

    @Test
    void uretprobePidFilterToo() {
        try (BpfMap map = counters(); Program prog = load(ProgramType.KPROBE, "ur_pid", summing(map, PT_REGS_AX));
             UprobeTargetProcess chosen = UprobeTargetProcess.startWaiting(2, 7);
             UprobeTargetProcess other = UprobeTargetProcess.startWaiting(4, 70);
             UprobeLink link = UprobeLink.attach(prog,
                     UprobeLink.Options.symbol(bin(), FUNC).onReturn().pid(chosen.pid))) {
            other.release();
            chosen.release();
            assertEquals(2, slot(map, 0));
            assertEquals(sum(2, 7, true), slot(map, 1));
        }
    }

    @Test
    void libcFunctionInOneProcess() throws Exception {
        Path libc = libcOfThisProcess();
        try (BpfMap map = counters(); Program prog = load(ProgramType.KPROBE, "getpid", counting(map, NO_FILTER, a -> { }));
             UprobeTargetProcess target = UprobeTargetProcess.startWaiting(6, 0);
             UprobeLink link = UprobeLink.attach(prog, UprobeLink.Options.symbol(libc, "getpid").pid(target.pid))) {
            getpid(10); // this JVM's calls are filtered out
            target.release();
            assertEquals(6, slot(map, 0), "the target calls getpid once per iteration");
            assertTrue(link.describe().contains(libc.getFileName() + ":getpid"), link.describe());
        }
    }

    @Test
    void attachByFileOffsetVirtualAddressAndProcessAddress() throws Exception {
        long vaddr = nmAddress(bin(), FUNC);
        long fileOffset = UprobeTargets.symbolOffset(bin(), FUNC);
        try (BpfMap map = counters(); Program prog = load(ProgramType.KPROBE, "up_addr", summing(map, PT_REGS_DI))) {
            try (UprobeLink l = UprobeLink.attach(prog, UprobeLink.Options.fileOffset(bin(), fileOffset))) {
                UprobeTargetProcess.run(2, 5);
                assertEquals(2, slot(map, 0));
                assertTrue(l.describe().contains(":0x" + Long.toHexString(fileOffset) + " → "), l.describe());
            }
            try (UprobeLink l = UprobeLink.attach(prog, UprobeLink.Options.virtualAddress(bin(), vaddr))) {
                assertEquals(fileOffset, l.fileOffset());
                UprobeTargetProcess.run(3, 5);
                assertEquals(5, slot(map, 0));
            }
            try (UprobeTargetProcess target = UprobeTargetProcess.startWaiting(4, 5)) {
                long runtime = loadBase(target.pid, bin()) + vaddr;
                UprobeLink.Options o = UprobeLink.Options.processAddress(target.pid, runtime);
                assertEquals(fileOffset, o.offset());
                assertEquals(target.pid, o.pid());
                try (UprobeLink l = UprobeLink.attach(prog, o)) {
                    target.release();
                    assertEquals(9, slot(map, 0));
                    assertEquals(target.pid, l.pid());
                }
            }
        }
    }

    @Test
    void cookieReachesTheProgram() {
        try (BpfMap map = counters();
             Program prog = load(ProgramType.KPROBE, "cookie", counting(map, NO_FILTER,
                     a -> a.mov64(R1, R6).call(HelperFunction.GET_ATTACH_COOKIE).mov64(R7, R0)));
             UprobeLink link = UprobeLink.attach(prog, UprobeLink.Options.symbol(bin(), FUNC).cookie(0x5eed))) {
            UprobeTargetProcess.run(3, 0);
            assertEquals(3, slot(map, 0));
            assertEquals(3L * 0x5eed, slot(map, 1));
        }
    }

    @Test
    void legacyTracefsProbeIsCreatedAndRemoved() throws Exception {
        Path events = KernelFilesystems.tracefs().resolve("uprobe_events");
        try (BpfMap map = counters(); Program prog = load(ProgramType.KPROBE, "legacy", summing(map, PT_REGS_DI))) {
            String probe;
            try (UprobeLink link = UprobeLink.attach(prog, UprobeLink.Options.symbol(bin(), FUNC), true)) {
                Matcher m = Pattern.compile("legacy tracefs probe (ebpf4j/ebpf4j_" + ProcessHandle.current().pid()
                        + "_\\w+)").matcher(link.describe());
                assertTrue(m.find(), link.describe());
                probe = m.group(1);
                assertTrue(Files.readString(events).contains(probe), "the probe is listed while attached");
                UprobeTargetProcess.run(3, 20);
                assertEquals(3, slot(map, 0));
                assertEquals(sum(3, 20, false), slot(map, 1));
                assertEquals("uprobe", link.info().orElseThrow().details().get("event_type"));
            }
            assertFalse(Files.readString(events).contains(probe), "close removes the probe");
            // return probe with a pid filter, the legacy way
            try (UprobeTargetProcess chosen = UprobeTargetProcess.startWaiting(2, 3);
                 UprobeTargetProcess other = UprobeTargetProcess.startWaiting(3, 3);
                 UprobeLink link = UprobeLink.attach(prog, UprobeLink.Options.symbol(bin(), FUNC).onReturn()
                         .pid(chosen.pid), true)) {
                assertTrue(link.describe().contains("via tracefs uprobe_events"), link.describe());
                other.release();
                chosen.release();
                assertEquals(5, slot(map, 0));
            }
        }
    }

    @Test
    void failedAttachesLeakNeitherFdsNorProbes() throws Exception {
        Path events = KernelFilesystems.tracefs().resolve("uprobe_events");
        String ours = "ebpf4j_" + ProcessHandle.current().pid() + "_";
        try (Program prog = trivial(ProgramType.KPROBE)) {
            UprobeLink.Options noSuchProcess = UprobeLink.Options.symbol(bin(), FUNC).pid(Integer.MAX_VALUE);
            assertThrows(BpfArgumentException.class, () -> UprobeLink.attach(prog, noSuchProcess));
            dev.ebpf4j.testkit.OpenFiles.Snapshot before = dev.ebpf4j.testkit.OpenFiles.snapshot();
            for (int i = 0; i < 10; i++) {
                BpfArgumentException e = assertThrows(BpfArgumentException.class,
                        () -> UprobeLink.attach(prog, noSuchProcess));
                assertTrue(e.getMessage().contains("there is no process " + Integer.MAX_VALUE), e.getMessage());
                assertThrows(BpfArgumentException.class, () -> UprobeLink.attach(prog, noSuchProcess, true));
                assertThrows(BpfArgumentException.class, () -> UprobeLink.attach(prog, bin(), "no_such_function"));
            }
            assertEquals(java.util.Map.of(), before.openedSince(), "failing attaches must not leak descriptors");
            assertFalse(Files.readString(events).contains(ours), Files.readString(events));
        }
    }

    @Test
    void argumentsAreChecked() {
        try (Program kp = trivial(ProgramType.KPROBE); Program tp = trivial(ProgramType.TRACEPOINT)) {
            BpfArgumentException type = assertThrows(BpfArgumentException.class, () -> UprobeLink.attach(tp, bin(), FUNC));
            assertEquals("UprobeLink needs a program of type kprobe, got tracepoint (program 'trivial' (tracepoint))",
                    type.getMessage());
            BpfArgumentException sym = assertThrows(BpfArgumentException.class,
                    () -> UprobeLink.attach(kp, bin(), "ebpf4j_uprobe_targe"));
            assertTrue(sym.getMessage().contains("symbol 'ebpf4j_uprobe_targe' not found"), sym.getMessage());
            assertTrue(sym.getMessage().contains("nearby: ebpf4j_uprobe_target"), sym.getMessage());
            assertThrows(BpfArgumentException.class, () -> UprobeLink.attach(kp, Path.of("/no/such/file"), FUNC));
            assertThrows(BpfArgumentException.class,
                    () -> UprobeLink.attach(kp, UprobeLink.Options.symbol(bin(), FUNC).pid(0)));
            assertThrows(BpfArgumentException.class,
                    () -> UprobeLink.attach(kp, UprobeLink.Options.symbol(bin(), FUNC).offset(-1)));
            assertThrows(BpfArgumentException.class,
                    () -> UprobeLink.attach(kp, UprobeLink.Options.symbol(bin(), FUNC).onReturn().offset(4)));
            assertThrows(BpfArgumentException.class, () -> UprobeLink.Options.processAddress(-5, 0x1000));
            assertThrows(BpfArgumentException.class,
                    () -> UprobeLink.Options.processAddress((int) ProcessHandle.current().pid(), 0x10));
        }
    }

    @Test
    void aPinnedUprobeKeepsCountingAfterClose() throws Exception {
        Path pin = pinPath("uprobe");
        try (BpfMap map = counters(); Program prog = load(ProgramType.KPROBE, "up_pin", summing(map, PT_REGS_DI))) {
            UprobeLink link = UprobeLink.attach(prog, bin(), FUNC);
            long offset = link.fileOffset();
            link.pin(pin);
            link.close();
            UprobeTargetProcess.run(2, 1);
            assertEquals(2, slot(map, 0));
            try (Fd fd = ObjectPins.open(pin, 0, "pinned uprobe link")) {
                LinkInfo info = LinkInfoReader.read(fd.get(), "pinned uprobe");
                assertEquals(offset, info.details().get("offset"));
                assertEquals(prog.id(), info.programId());
            }
            Files.delete(pin);
            assertTrue(eventually(Duration.ofSeconds(10), () -> {
                long before = slot(map, 0);
                UprobeTargetProcess.run(1, 1);
                return slot(map, 0) == before;
            }), "removing the pin detaches the uprobe");
        } finally {
            Files.deleteIfExists(pin);
        }
    }

    @Test
    void mechanismIsThePmuHere() {
        assertEquals(Files.exists(Path.of("/sys/bus/event_source/devices/uprobe/type"))
                ? UprobeLink.Mechanism.PMU : UprobeLink.Mechanism.TRACEFS, UprobeLink.mechanism().orElseThrow());
    }

    // ---- oracles ---------------------------------------------------------------------------------------------

    /** The symbol's value as nm prints it. */
    static long nmAddress(Path binary, String symbol) {
        for (String line : Shell.run("nm", binary.toString()).split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 3 && f[2].equals(symbol)) return Long.parseLong(f[0], 16);
        }
        throw new AssertionError("nm does not list " + symbol);
    }

    /** Start of the mapping of {@code binary} at file offset 0 in process {@code pid} (the PIE load base). */
    private static long loadBase(int pid, Path binary) throws Exception {
        String real = binary.toRealPath().toString();
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/maps"))) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 6 && f[5].equals(real) && Long.parseLong(f[2], 16) == 0) {
                return Long.parseUnsignedLong(f[0].substring(0, f[0].indexOf('-')), 16);
            }
        }
        throw new AssertionError("no mapping of " + real + " in process " + pid);
    }

    /** The C library this JVM uses. */
    static Path libcOfThisProcess() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 6 && f[5].matches(".*/libc\\.so\\.6$")) return Path.of(f[5]);
        }
        throw new AssertionError("libc.so.6 is not mapped into this JVM");
    }
}
