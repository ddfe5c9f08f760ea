package dev.ebpf4j.objects;

import dev.ebpf4j.AttachOptions;
import dev.ebpf4j.AttachType;
import dev.ebpf4j.BpfArgumentException;
import dev.ebpf4j.BpfObject;
import dev.ebpf4j.NotSupportedException;
import dev.ebpf4j.ObjectSpec;
import dev.ebpf4j.link.KprobeLink;
import dev.ebpf4j.link.Link;
import dev.ebpf4j.link.LinkInfo;
import dev.ebpf4j.link.UprobeMultiLink;
import dev.ebpf4j.link.usdt.UsdtProbe;
import dev.ebpf4j.link.usdt.UsdtProbes;
import dev.ebpf4j.testkit.KernelTest;
import dev.ebpf4j.testkit.TestObjects;
import org.junit.jupiter.api.Test;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.*;

/**
 * uprobe.multi, uretprobe.multi and uprobe.session programs (loader_multi.bpf.c) on the native test binary
 * uprobe_multi_target and on libc, and kprobe.session (no fprobe on this kernel: a clear NotSupportedException).
 */
@KernelTest
class ObjectMultiProbeKernelTest {
    private static final int N = 5;
    private static final MethodHandle GETPGID = libc("getpgid");
    private static final MethodHandle GETSID = libc("getsid");

    private static MethodHandle libc(String name) {
        Linker linker = Linker.nativeLinker();
        return linker.downcallHandle(linker.defaultLookup().find(name).orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    }

    private static ObjectSpec spec() {
        return Corpus.spec("loader_multi").withVariable("target_tgid", Corpus.pid());
    }

    private static String target(String pattern) {
        return MultiTargetProcess.binary() + ":" + pattern;
    }

    private static List<String> sorted(List<String> l) {
        return l.stream().sorted().toList();
    }

    @Test
    void aPatternProbesEveryMatchingFunctionWithOneLink() {
        try (BpfObject obj = BpfObject.load(spec())) {
            UprobeMultiLink l = (UprobeMultiLink) obj.attach("on_multi_entry",
                    AttachOptions.NONE.uprobeTarget(target("ebpf4j_multi_*")));
            assertEquals(List.of("ebpf4j_multi_add", "ebpf4j_multi_mul", "ebpf4j_multi_sub"), sorted(l.symbols()));
            assertEquals(3, l.offsets().size());
            assertEquals(MultiTargetProcess.binary().toAbsolutePath().normalize(), l.binary());
            assertFalse(l.isReturnProbe());
            assertFalse(l.isSession());
            assertTrue(l.describe().startsWith("uprobe.multi " + l.binary() + ":ebpf4j_multi_* (3 places) → program "
                    + "'on_multi_entry' (uprobe.multi) via bpf_link"), l.describe());
            LinkInfo info = l.info().orElseThrow();
            assertEquals("uprobe_multi", info.typeName());
            assertEquals(3, info.details().get("count"));
            assertEquals(l.binary().toString(), info.details().get("path"));
            assertEquals(0, info.details().get("flags"));

            assertEquals(MultiTargetProcess.expected(N), MultiTargetProcess.run(N));
            assertEquals(6L * N, obj.variable("entry_hits").getLong(), "add N, sub 2N, mul 3N; ebpf4j_other not");
            l.close();
            MultiTargetProcess.run(N);
            assertEquals(6L * N, obj.variable("entry_hits").getLong(), "closed: detached");
        }
    }

    @Test
    void eachSymbolGetsItsOwnCookie() {
        try (BpfObject obj = BpfObject.load(spec());
             UprobeMultiLink l = UprobeMultiLink.attach(obj.program("on_multi_entry"),
                     UprobeMultiLink.Options.symbols(MultiTargetProcess.binary(),
                             List.of("ebpf4j_multi_add", "ebpf4j_multi_sub", "ebpf4j_multi_mul")).cookies(1, 2, 3))) {
            assertEquals(List.of("ebpf4j_multi_add", "ebpf4j_multi_sub", "ebpf4j_multi_mul"), l.symbols());
            MultiTargetProcess.run(N);
            MemorySegment hits = obj.variable("cookie_hits").segment();
            assertEquals(0, hits.getAtIndex(JAVA_LONG, 0));
            assertEquals(N, hits.getAtIndex(JAVA_LONG, 1), "add");
            assertEquals(2L * N, hits.getAtIndex(JAVA_LONG, 2), "sub");
            assertEquals(3L * N, hits.getAtIndex(JAVA_LONG, 3), "mul");
        }
    }

    @Test
    void rawFileOffsetsWorkLikeTheirSymbols() {
        try (BpfObject obj = BpfObject.load(spec())) {
            List<Long> offsets;
            try (UprobeMultiLink bySymbol = UprobeMultiLink.attach(obj.program("on_multi_entry"),
                    UprobeMultiLink.Options.symbols(MultiTargetProcess.binary(), List.of("ebpf4j_multi_sub")))) {
                offsets = bySymbol.offsets();
            }
            try (UprobeMultiLink l = UprobeMultiLink.attach(obj.program("on_multi_entry"),
                    UprobeMultiLink.Options.offsets(MultiTargetProcess.binary(), offsets).cookies(5))) {
                assertTrue(l.symbols().isEmpty());
                assertTrue(l.describe().contains(":0x" + Long.toHexString(offsets.getFirst()) + " (1 place)"),
                        l.describe());
                MultiTargetProcess.run(N);
                assertEquals(2L * N, obj.variable("cookie_hits").segment().getAtIndex(JAVA_LONG, 5));
            }
        }
    }

    @Test
    void referenceCounterOffsetsRaiseUsdtSemaphoresWhileAttached() throws Exception {
        Path bin = TestObjects.nativeBinary("usdt_target");
        UsdtProbe gated = UsdtProbes.find(bin, "ebpf4j", "gated").getFirst();
        assertTrue(gated.hasSemaphore());
        try (BpfObject obj = BpfObject.load(spec());
             UprobeMultiLink l = UprobeMultiLink.attach(obj.program("on_multi_entry"),
                     UprobeMultiLink.Options.offsets(bin, List.of(gated.fileOffset())).cookies(7)
                             .refCtrOffsets(gated.semaphoreOffset()))) {
            Process p = new ProcessBuilder(bin.toString(), "3").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertEquals(0, p.waitFor());
            assertTrue(out.contains("gated 3\n"), "the kernel raised the semaphore, so the probe fired: " + out);
            assertEquals(3, obj.variable("cookie_hits").segment().getAtIndex(JAVA_LONG, 7));
        }
    }

    @Test
    void returnProbesSeeEveryReturnValue() {
        try (BpfObject obj = BpfObject.load(spec())) {
            UprobeMultiLink l = (UprobeMultiLink) obj.attach("on_multi_return",
                    AttachOptions.NONE.uprobeTarget(target("ebpf4j_multi_*")));
            assertTrue(l.isReturnProbe());
            assertEquals(1, l.info().orElseThrow().details().get("flags"), "BPF_F_UPROBE_MULTI_RETURN");
            MultiTargetProcess.Sums sums = MultiTargetProcess.run(N);
            assertEquals(6L * N, obj.variable("return_hits").getLong());
            assertEquals(sums.total(), obj.variable("return_sum").getLong(), "sum of add, sub and mul results");
        }
    }

    @Test
    void aPidFilterLimitsTheProbesToOneProcess() {
        try (BpfObject obj = BpfObject.load(spec());
             MultiTargetProcess waiting = MultiTargetProcess.startWaiting(N)) {
            UprobeMultiLink l = (UprobeMultiLink) obj.attach("on_multi_entry",
                    AttachOptions.NONE.uprobeTarget(target("ebpf4j_multi_*")).pid(waiting.pid));
            assertEquals(waiting.pid, l.pid());
            assertEquals(waiting.pid, l.info().orElseThrow().details().get("pid"));
            assertTrue(l.describe().contains(" pid " + waiting.pid + " → "), l.describe());
            MultiTargetProcess.run(N);
            assertEquals(0, obj.variable("entry_hits").getLong(), "another process running the same binary");
            waiting.release();
            assertEquals(6L * N, obj.variable("entry_hits").getLong());
        }
    }

    @Test
    void aSessionProgramRunsAtEntryAndAtReturnUnlessTheEntryDeclined() {
        try (BpfObject obj = BpfObject.load(spec());
             UprobeMultiLink l = UprobeMultiLink.attach(obj.program("on_session"),
                     UprobeMultiLink.Options.symbols(MultiTargetProcess.binary(),
                             List.of("ebpf4j_multi_add", "ebpf4j_multi_sub", "ebpf4j_multi_mul")).cookies(1, 2, 3))) {
            assertTrue(l.isSession());
            assertEquals(AttachType.TRACE_UPROBE_SESSION, obj.program("on_session").expectedAttachType());
            assertTrue(l.describe().startsWith("uprobe.session "), l.describe());
            MultiTargetProcess.run(N);
            assertEquals(6L * N, obj.variable("session_entries").getLong());
            assertEquals(3L * N, obj.variable("session_returns").getLong(), "mul's entry returned 1: no return run");
            assertEquals(3L * N, obj.variable("session_cookie_ok").getLong(),
                    "each return saw the session cookie its own entry stored");
        }
    }

    @Test
    void sectionTargetsNameALibraryAndAPattern() throws Throwable {
        try (BpfObject obj = BpfObject.load(spec())) {
            UprobeMultiLink l = (UprobeMultiLink) obj.attach("on_libc_multi");
            UprobeMultiLink s = (UprobeMultiLink) obj.attach("on_libc_multi_sleepable");
            assertEquals(List.of("getpgid"), l.symbols(), "getpgi? in libc's .dynsym");
            assertEquals(List.of("getsid"), s.symbols());
            assertEquals("libc.so.6", l.binary().getFileName().toString());
            for (int i = 0; i < 3; i++) assertTrue((int) GETPGID.invokeExact(0) >= 0, "getpgid failed");
            for (int i = 0; i < 2; i++) assertTrue((int) GETSID.invokeExact(0) >= 0, "getsid failed (0 means the session leader is in another pid namespace)");
            assertEquals(3, obj.variable("libc_hits").getLong());
            assertEquals(2, obj.variable("libc_sleepable_hits").getLong(), "uprobe.multi.s");
        }
    }

    @Test
    void attachAllAttachesTheSectionTargetsAndSkipsKprobeSessionsWhenAsked() {
        ObjectSpec spec = spec().withAutoloadOnly("on_libc_multi", "on_libc_multi_sleepable", "on_kprobe_session");
        try (BpfObject obj = BpfObject.load(spec)) {
            List<Link> links = obj.attachAll(AttachOptions.NONE.skipUnsupported());
            assertEquals(2, links.size(), links.toString());
            assertTrue(links.stream().allMatch(UprobeMultiLink.class::isInstance));
            if (KprobeLink.mechanism().isPresent()) return;
            NotSupportedException e = assertThrows(NotSupportedException.class, obj::attachAll);
            assertEquals("kprobe.session", e.feature());
            assertEquals(2, obj.links().size(), "the failed call closed what it attached");
        }
    }

    @Test
    void kprobeSessionsNeedFprobe() {
        try (BpfObject obj = BpfObject.load(spec())) {
            assertEquals(AttachType.TRACE_KPROBE_SESSION, obj.program("on_kprobe_session").expectedAttachType());
            NotSupportedException e = assertThrows(NotSupportedException.class, () -> obj.attach("on_kprobe_session"));
            assertEquals("kprobe.session", e.feature());
            assertEquals("6.10", e.minimumKernel());
            assertTrue(e.getMessage().startsWith("object 'loader_multi.bpf.o': kprobe.session do_sys_openat2 → "
                    + "program 'on_kprobe_session' (kprobe.session/do_sys_openat2): "), e.getMessage());
            assertTrue(e.getMessage().contains("BPF_LINK_CREATE(BPF_TRACE_KPROBE_SESSION) returned EOPNOTSUPP"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("CONFIG_FPROBE"), e.getMessage());
            assertTrue(obj.links().isEmpty());
        }
    }

    @Test
    void badTargetsAreNamed() {
        try (BpfObject obj = BpfObject.load(spec())) {
            BpfArgumentException none = assertThrows(BpfArgumentException.class, () -> obj.attach("on_multi_entry",
                    AttachOptions.NONE.uprobeTarget(target("no_such_*"))));
            assertTrue(none.getMessage().contains("no function of " + MultiTargetProcess.binary() + " matches "
                    + "'no_such_*'"), none.getMessage());
            BpfArgumentException bare = assertThrows(BpfArgumentException.class, () -> obj.attach("on_multi_entry"));
            assertTrue(bare.getMessage().contains("the section names no attach target (expected 'binary:pattern (or "
                    + "AttachOptions.uprobeTarget)')"), bare.getMessage());
            Path bin = MultiTargetProcess.binary();
            BpfArgumentException cookies = assertThrows(BpfArgumentException.class, () -> UprobeMultiLink.attach(
                    obj.program("on_multi_entry"), UprobeMultiLink.Options.pattern(bin, "ebpf4j_*").cookies(1)));
            assertTrue(cookies.getMessage().contains("not with pattern 'ebpf4j_*'"), cookies.getMessage());
            BpfArgumentException count = assertThrows(BpfArgumentException.class, () -> UprobeMultiLink.attach(
                    obj.program("on_multi_entry"), UprobeMultiLink.Options.symbols(bin, List.of("ebpf4j_other"))
                            .cookies(1, 2)));
            assertTrue(count.getMessage().contains("2 cookies for 1 places"), count.getMessage());
            BpfArgumentException session = assertThrows(BpfArgumentException.class, () -> UprobeMultiLink.attach(
                    obj.program("on_session"), UprobeMultiLink.Options.pattern(bin, "ebpf4j_*").onReturn()));
            assertTrue(session.getMessage().contains("onReturn() does not apply"), session.getMessage());
            BpfArgumentException type = assertThrows(BpfArgumentException.class, () -> UprobeMultiLink.attach(
                    obj.program("on_kprobe_session"), UprobeMultiLink.Options.pattern(bin, "ebpf4j_*")));
            assertTrue(type.getMessage().contains("trace_uprobe_multi or trace_uprobe_session, got "
                    + "trace_kprobe_session"), type.getMessage());
            BpfArgumentException pid = assertThrows(BpfArgumentException.class, () -> UprobeMultiLink.attach(
                    obj.program("on_multi_entry"), UprobeMultiLink.Options.pattern(bin, "ebpf4j_*").pid(999_999_999)));
            assertTrue(pid.getMessage().endsWith("there is no process 999999999"), pid.getMessage());
            assertEquals(Set.of(), Set.copyOf(obj.links()));
        }
    }
}
