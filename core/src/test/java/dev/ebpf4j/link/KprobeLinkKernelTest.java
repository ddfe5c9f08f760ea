package dev.ebpf4j.link;

import dev.ebpf4j.AttachType;
import dev.ebpf4j.BpfArgumentException;
import dev.ebpf4j.BpfMap;
import dev.ebpf4j.NotSupportedException;
import dev.ebpf4j.Program;
import dev.ebpf4j.ProgramSpec;
import dev.ebpf4j.ProgramType;
import dev.ebpf4j.internal.fs.KernelFilesystems;
import dev.ebpf4j.testkit.KernelTest;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.ebpf4j.link.LinkTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * kprobes where the kernel has them; on kernels without CONFIG_KPROBES (like the project's test machines) the
 * attach must fail with a NotSupportedException naming the cause. Argument checks run everywhere.
 */
@KernelTest
class KprobeLinkKernelTest {
    private static final String GETPID = "__x64_sys_getpid";
    private static final String NO_KPROBES = "the kernel has no kprobe PMU (/sys/bus/event_source/devices/kprobe) "
            + "and no tracefs kprobe_events; it was built without CONFIG_KPROBES";

    private static boolean kernelHasKprobes() {
        return Files.exists(Path.of("/sys/bus/event_source/devices/kprobe/type"))
                || Files.exists(KernelFilesystems.tracefs().resolve("kprobe_events"));
    }

    @Test
    void mechanismMatchesWhatTheKernelOffers() {
        boolean pmu = Files.exists(Path.of("/sys/bus/event_source/devices/kprobe/type"));
        if (pmu) assertEquals(KprobeLink.Mechanism.PMU, KprobeLink.mechanism().orElseThrow());
        else if (kernelHasKprobes()) assertEquals(KprobeLink.Mechanism.TRACEFS, KprobeLink.mechanism().orElseThrow());
        else assertTrue(KprobeLink.mechanism().isEmpty());
    }

    @Test
    void kprobeCountsCallsOrExplainsWhyItCannot() {
        try (BpfMap map = counters();
             Program prog = load(ProgramType.KPROBE, "kp_getpid", counting(map, currentTid(), a -> { }))) {
            try (KprobeLink link = KprobeLink.attach(prog, GETPID)) {
                assertTrue(kernelHasKprobes(), "attached although the kernel has no kprobes?");
                getpid(6);
                assertEquals(6, slot(map, 0));
                assertTrue(link.describe().startsWith("kprobe " + GETPID + " → program 'kp_getpid'"), link.describe());
                if (link.usesBpfLink()) assertEquals("kprobe", link.info().orElseThrow().details().get("event_type"));
            } catch (NotSupportedException e) {
                assertFalse(kernelHasKprobes(), e.getMessage());
                assertEquals("kprobes", e.feature());
                assertTrue(e.getMessage().contains(NO_KPROBES), e.getMessage());
                assertTrue(e.getMessage().startsWith("kprobe " + GETPID + " → program 'kp_getpid' (kprobe): "),
                        e.getMessage());
            }
        }
    }

    @Test
    void kretprobeCountsReturnsOrExplainsWhyItCannot() {
        try (BpfMap map = counters();
             Program prog = load(ProgramType.KPROBE, "kr_getpid", counting(map, currentTid(), a -> { }))) {
            try (KprobeLink link = KprobeLink.attachReturn(prog, GETPID)) {
                getpid(4);
                assertEquals(4, slot(map, 0));
                assertTrue(link.describe().startsWith("kretprobe " + GETPID), link.describe());
            } catch (NotSupportedException e) {
                assertFalse(kernelHasKprobes(), e.getMessage());
                assertTrue(e.getMessage().contains(NO_KPROBES), e.getMessage());
            }
            try (KprobeLink link = KprobeLink.attach(prog, KprobeLink.Options.function(GETPID).onReturn()
                    .maxActive(8))) {
                getpid(2);
                assertTrue(link.describe().contains("via tracefs kprobe_events"), link.describe());
            } catch (NotSupportedException e) {
                assertFalse(kernelHasKprobes() && Files.exists(KernelFilesystems.tracefs().resolve("kprobe_events")),
                        e.getMessage());
            }
        }
    }

    @Test
    void argumentsAreCheckedBeforeTheKernelIsAsked() {
        try (Program kp = trivial(ProgramType.KPROBE); Program tp = trivial(ProgramType.TRACEPOINT)) {
            BpfArgumentException type = assertThrows(BpfArgumentException.class, () -> KprobeLink.attach(tp, GETPID));
            assertEquals("KprobeLink needs a program of type kprobe, got tracepoint (program 'trivial' (tracepoint))",
                    type.getMessage());
            assertThrows(BpfArgumentException.class, () -> KprobeLink.attach(kp, "do sys open"));
            assertThrows(BpfArgumentException.class, () -> KprobeLink.attach(kp, ""));
            assertThrows(BpfArgumentException.class, () -> KprobeLink.attach(kp, (String) null));
            assertThrows(BpfArgumentException.class,
                    () -> KprobeLink.attach(kp, KprobeLink.Options.function(GETPID).offset(-4)));
            assertThrows(BpfArgumentException.class,
                    () -> KprobeLink.attach(kp, KprobeLink.Options.function(GETPID).maxActive(4)));
            assertThrows(BpfArgumentException.class,
                    () -> KprobeLink.attach(kp, KprobeLink.Options.function(GETPID).onReturn().maxActive(5000)));
            assertThrows(BpfArgumentException.class,
                    () -> KprobeLink.attach(kp, KprobeLink.Options.function(GETPID).onReturn().offset(8)));
            assertThrows(BpfArgumentException.class, () -> KprobeLink.attach(kp, KprobeLink.Options.address(0)));
            assertThrows(BpfArgumentException.class,
                    () -> KprobeLink.attach(kp, KprobeLink.Options.address(0xffffffff81000000L).offset(4)));
            assertThrows(BpfArgumentException.class, () -> KprobeLink.attachMulti(kp, List.of(), false));
        }
    }

    @Test
    void kprobeMultiAttachesOrExplainsWhyItCannot() {
        try (BpfMap map = counters()) {
            ProgramSpec spec = ProgramSpec.builder(ProgramType.KPROBE).name("multi")
                    .expectedAttachType(AttachType.TRACE_KPROBE_MULTI)
                    .instructions(counting(map, currentTid(), a -> { })).build();
            try (Program prog = Program.load(spec)) {
                BpfArgumentException single = assertThrows(BpfArgumentException.class,
                        () -> KprobeLink.attach(prog, GETPID));
                assertTrue(single.getMessage().contains("attach it with KprobeLink.attachMulti"), single.getMessage());
                assertThrows(BpfArgumentException.class, () -> KprobeLink.attachMulti(prog, List.of("a b"), false));
                try (KprobeLink link = KprobeLink.attachMulti(prog, List.of(GETPID, "__x64_sys_getppid"), false)) {
                    getpid(3);
                    assertEquals(3, slot(map, 0));
                    assertEquals("kprobe_multi", link.info().orElseThrow().typeName());
                } catch (NotSupportedException e) {
                    assertEquals("kprobe.multi", e.feature(), e.getMessage());
                    assertTrue(e.getMessage().contains("CONFIG_FPROBE"), e.getMessage());
                }
            }
            try (Program plain = trivial(ProgramType.KPROBE)) {
                // A kprobe program loaded without the multi attach type is refused by the kernel only if it knows it.
                assertThrows(dev.ebpf4j.BpfException.class,
                        () -> KprobeLink.attachMulti(plain, List.of(GETPID), false).close());
            }
        }
    }
}
