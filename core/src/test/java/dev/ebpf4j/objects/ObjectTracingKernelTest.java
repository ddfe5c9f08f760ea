package dev.ebpf4j.objects;

import dev.ebpf4j.AttachOptions;
import dev.ebpf4j.BpfArgumentException;
import dev.ebpf4j.BpfObject;
import dev.ebpf4j.NotSupportedException;
import dev.ebpf4j.ObjectSpec;
import dev.ebpf4j.link.IterLink;
import dev.ebpf4j.link.KprobeLink;
import dev.ebpf4j.link.Link;
import dev.ebpf4j.link.PerfEventLink;
import dev.ebpf4j.link.RawTracepointLink;
import dev.ebpf4j.link.TracepointLink;
import dev.ebpf4j.link.UprobeLink;
import dev.ebpf4j.link.UsdtLink;
import dev.ebpf4j.testkit.KernelTest;
import dev.ebpf4j.testkit.TestObjects;
import org.junit.jupiter.api.Test;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.*;

/** Attaching programs from their section names (loader_tracing.bpf.c). */
@KernelTest
class ObjectTracingKernelTest {
    private static final MethodHandle GETPGID = libc("getpgid");
    private static final MethodHandle GETSID = libc("getsid");

    private static MethodHandle libc(String name) {
        Linker linker = Linker.nativeLinker();
        return linker.downcallHandle(linker.defaultLookup().find(name).orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    }

    private static void call(MethodHandle h, int times) throws Throwable {
        for (int i = 0; i < times; i++) {
            int r = (int) h.invokeExact(0);
            assertTrue(r >= 0, "the call failed; 0 is a leader in another pid namespace");
        }
    }

    private static ObjectSpec spec() {
        return Corpus.spec("loader_tracing").withVariable("target_tgid", Corpus.pid());
    }

    private static AttachOptions sampling() {
        return AttachOptions.NONE.perfEvent(PerfEventLink.Options.cpuClock().frequency(1000));
    }

    @Test
    void attachAllAttachesEverySectionKindAndSkipsWhatTheKernelLacksWhenAsked() throws Throwable {
        try (BpfObject obj = BpfObject.load(spec())) {
            List<Link> links = obj.attachAll(sampling().skipUnsupported());
            assertEquals(8, links.size(), "all but the kprobe: " + links);
            assertInstanceOf(TracepointLink.class, links.get(0));
            assertInstanceOf(RawTracepointLink.class, links.get(1));
            assertInstanceOf(RawTracepointLink.class, links.get(2), "tp_btf");
            assertInstanceOf(UprobeLink.class, links.get(3));
            assertInstanceOf(UprobeLink.class, links.get(4), "sleepable uprobe");
            assertInstanceOf(IterLink.class, links.get(5));
            assertInstanceOf(PerfEventLink.class, links.get(6));
            assertInstanceOf(UsdtLink.class, links.get(7), "hotspot:thread__start in this JVM's libjvm.so");
            assertEquals(links, obj.links());

            Corpus.getppid(5);
            assertEquals(5, obj.variable("tp_hits").getLong(), "tracepoint");
            assertEquals(5, obj.variable("raw_hits").getLong(), "raw_tp");
            assertEquals(5, obj.variable("btf_hits").getLong(), "tp_btf");
            call(GETPGID, 3);
            call(GETSID, 2);
            assertEquals(3, obj.variable("uprobe_hits").getLong(), "uprobe on libc getpgid");
            assertEquals(2, obj.variable("uprobe_sleepable_hits").getLong(), "uprobe.s on libc getsid");

            ((IterLink) links.get(5)).readAllBytes();
            assertTrue(obj.variable("iter_tasks").getLong() > 1, "the task iterator ran over the tasks");

            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            long spin = 0;
            while (obj.variable("perf_samples").getLong() == 0 && System.nanoTime() < deadline) spin += spin * 31 + 7;
            assertTrue(obj.variable("perf_samples").getLong() > 0, "cpu-clock samples " + spin);
            assertEquals(0, obj.variable("kprobe_hits").getLong());

            startAndJoinThread(obj);
            assertEquals(1, obj.variable("usdt_hits").getLong(), "USDT hotspot:thread__start of our thread");
        }
    }

    /** Starts a thread whose start the USDT program counts (it matches the Java thread id). */
    private static void startAndJoinThread(BpfObject obj) throws InterruptedException {
        Thread t = new Thread(() -> { }, "ebpf4j-usdt-test");
        obj.variable("usdt_java_tid").setLong(t.threadId());
        t.start();
        t.join();
    }

    @Test
    void attachAllFailsWholeOnAnUnsupportedHookAndClosesWhatItAttached() {
        try (BpfObject obj = BpfObject.load(spec())) {
            if (KprobeLink.mechanism().isPresent()) return;   // a kernel with kprobes attaches everything
            NotSupportedException e = assertThrows(NotSupportedException.class, () -> obj.attachAll(sampling()));
            assertTrue(e.getMessage().startsWith("object 'loader_tracing.bpf.o': "), e.getMessage());
            assertTrue(e.getMessage().contains("kprobe"), e.getMessage());
            assertTrue(obj.links().isEmpty());
            Corpus.getppid(3);
            assertEquals(0, obj.variable("tp_hits").getLong(), "the tracepoint link made before was closed");

            NotSupportedException one = assertThrows(NotSupportedException.class, () -> obj.attach("on_kprobe"));
            assertTrue(one.getMessage().contains("CONFIG_KPROBES"), one.getMessage());
        }
    }

    @Test
    void usdtProgramsAttachToTheProbeTheirSectionNames() throws InterruptedException {
        try (BpfObject obj = BpfObject.load(spec())) {
            UsdtLink l = (UsdtLink) obj.attach("on_usdt");
            Path libjvm = Path.of(System.getProperty("java.home"), "lib", "server", "libjvm.so");
            assertEquals(libjvm.toRealPath(), l.binary().toRealPath(), "libjvm.so is this JVM's own");
            assertEquals("hotspot", l.probes().get(0).provider());
            assertEquals("thread__start", l.probes().get(0).name());
            assertTrue(l.describe().startsWith("usdt " + l.binary() + ":hotspot:thread__start ("), l.describe());
            startAndJoinThread(obj);
            assertEquals(1, obj.variable("usdt_hits").getLong());
            l.close();
            startAndJoinThread(obj);
            assertEquals(1, obj.variable("usdt_hits").getLong(), "closed: no more hits");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void usdtProbesTheBinaryLacksAreNamedWithTheOnesItHas() {
        try (BpfObject obj = BpfObject.load(spec())) {
            BpfArgumentException e = assertThrows(BpfArgumentException.class,
                    () -> obj.attach("on_usdt", AttachOptions.NONE.usdt(null, null, "no__such__probe")));
            assertTrue(e.getMessage().startsWith("object 'loader_tracing.bpf.o': usdt "), e.getMessage());
            assertTrue(e.getMessage().contains("USDT probe hotspot:no__such__probe not found in "), e.getMessage());
            assertTrue(e.getMessage().contains("provider hotspot has "), e.getMessage());
            assertTrue(e.getMessage().contains("hotspot:thread__start"), e.getMessage());
            assertTrue(obj.links().isEmpty());
        }
    }

    @Test
    void programsNeedingOptionsSayWhich() {
        try (BpfObject obj = BpfObject.load(spec())) {
            BpfArgumentException e = assertThrows(BpfArgumentException.class, () -> obj.attach("on_sample"));
            assertTrue(e.getMessage().contains("AttachOptions.perfEvent"), e.getMessage());
            BpfArgumentException missing = assertThrows(BpfArgumentException.class, () -> obj.attach("nope"));
            assertTrue(missing.getMessage().contains("no program 'nope'"), missing.getMessage());
        }
    }

    @Test
    void uprobeTargetFromOptionsOverridesTheSection() throws Exception {
        String target = TestObjects.nativeBinary("uprobe_target") + ":main";
        try (BpfObject obj = BpfObject.load(spec())) {
            UprobeLink l = (UprobeLink) obj.attach("on_uprobe", AttachOptions.NONE.uprobeTarget(target));
            assertTrue(l.describe().contains("uprobe_target"), l.describe());
        }
    }

    @Test
    void fentryProgramsFailToLoadWhereTrampolinesAreMissing() {
        ObjectSpec spec = spec().withAutoload("on_fentry", true);
        if (dev.ebpf4j.features.Features.misc(dev.ebpf4j.features.MiscFeature.TRAMPOLINES).available()) {
            try (BpfObject obj = BpfObject.load(spec)) {
                assertNotNull(obj.program("on_fentry"));
            }
            return;
        }
        NotSupportedException e = assertThrows(NotSupportedException.class, () -> BpfObject.load(spec));
        assertTrue(e.getMessage().startsWith("object 'loader_tracing.bpf.o': "), e.getMessage());
        assertTrue(e.getMessage().contains("program 'on_fentry' (?fentry/do_sys_openat2)"), e.getMessage());
        assertTrue(e.getMessage().contains("trampolines"), e.getMessage());
    }
}
