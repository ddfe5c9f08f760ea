package dev.ebpf4j.features;

import dev.ebpf4j.AttachType;
import dev.ebpf4j.MapType;
import dev.ebpf4j.NotSupportedException;
import dev.ebpf4j.ProgramType;
import dev.ebpf4j.asm.HelperFunction;
import dev.ebpf4j.testkit.KernelTest;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

@KernelTest
class FeaturesKernelTest {

    @Test
    void basicTypesAreAvailableAndNameTheirMinimumKernel() {
        Feature xdp = Features.programType(ProgramType.XDP);
        assertTrue(xdp.available(), xdp.toString());
        assertEquals("4.8", xdp.minimumKernel());
        assertTrue(Features.mapType(MapType.RINGBUF).available());
        assertEquals("5.8", Features.mapType(MapType.RINGBUF).minimumKernel());
        assertTrue(Features.bpfSyscall().available());
        assertSame(xdp, Features.programType(ProgramType.XDP), "answers are memoised");
    }

    @Test
    void helperAvailabilityDependsOnProgramType() {
        assertTrue(Features.helper(ProgramType.SOCKET_FILTER, HelperFunction.MAP_LOOKUP_ELEM).available());
        Feature adjust = Features.helper(ProgramType.SOCKET_FILTER, HelperFunction.XDP_ADJUST_HEAD);
        assertFalse(adjust.available(), adjust.toString());
        assertTrue(Features.helper(ProgramType.XDP, HelperFunction.XDP_ADJUST_HEAD).available());
        List<HelperFunction> xdpHelpers = Features.helpers(ProgramType.XDP);
        assertTrue(xdpHelpers.contains(HelperFunction.REDIRECT_MAP));
        assertFalse(xdpHelpers.contains(HelperFunction.SKB_STORE_BYTES));
    }

    @Test
    void everyHelperAndAttachTypeNamesItsMinimumKernel() {
        for (HelperFunction h : HelperFunction.values()) {
            assertFalse(HelperVersions.minimumKernel(h).isEmpty(), h + " has no minimum kernel");
        }
        for (AttachType a : AttachType.values()) {
            assertFalse(AttachVersions.minimumKernel(a).isEmpty(), a + " has no minimum kernel");
        }
        assertEquals("5.8", HelperVersions.minimumKernel(HelperFunction.RINGBUF_OUTPUT));
        assertEquals("6.6", AttachVersions.minimumKernel(AttachType.TCX_INGRESS));
        assertEquals("5.8", Features.helper(ProgramType.XDP, HelperFunction.RINGBUF_OUTPUT).minimumKernel());
    }

    @Test
    void tracingTypeIsAvailableThroughTpBtfEvenWithoutTrampolines() {
        assertTrue(Features.programType(ProgramType.TRACING).available());
        assertTrue(Features.attachType(AttachType.TRACE_RAW_TP).available());
        assertTrue(Features.attachType(AttachType.TRACE_ITER).available());
    }

    @Test
    void hookFacilitiesMatchTheKernel() {
        boolean kprobePmu = Files.exists(Path.of("/sys/bus/event_source/devices/kprobe/type"));
        boolean kprobeEvents = Files.exists(dev.ebpf4j.internal.fs.KernelFilesystems.tracefs().resolve("kprobe_events"));
        Feature kprobes = Features.misc(MiscFeature.KPROBES);
        assertEquals(kprobePmu || kprobeEvents, kprobes.available(), kprobes.toString());
        if (!kprobes.available()) {
            NotSupportedException e = assertThrows(NotSupportedException.class, kprobes::require);
            assertTrue(e.getMessage().contains("CONFIG_KPROBES"), e.getMessage());
        }
        assertTrue(Features.misc(MiscFeature.UPROBES).available());
        Feature tramp = Features.misc(MiscFeature.TRAMPOLINES);
        if (!tramp.available()) {
            assertTrue(tramp.detail().contains("trampolines"), tramp.detail());
            assertFalse(Features.attachType(AttachType.TRACE_FENTRY).available());
            assertFalse(Features.programType(ProgramType.LSM).available());
        }
    }

    @Test
    void isaAndLinkFeaturesOfAModernKernel() {
        for (MiscFeature f : List.of(MiscFeature.LARGE_INSN_LIMIT, MiscFeature.BOUNDED_LOOPS, MiscFeature.ISA_V2,
                MiscFeature.ISA_V3, MiscFeature.ISA_V4, MiscFeature.PERF_LINK, MiscFeature.BPF_COOKIE,
                MiscFeature.TCX, MiscFeature.UPROBE_MULTI, MiscFeature.XDP_LINK)) {
            Feature feature = Features.misc(f);
            assertTrue(feature.available(), feature.toString());
        }
    }

    @Test
    void fullReportCoversEverySection() {
        FeatureReport r = Features.probeAll();
        assertEquals(ProgramType.values().length - 1, r.programTypes().size());
        assertEquals(MapType.values().length - 1, r.mapTypes().size());
        assertTrue(r.helpers().get(ProgramType.KPROBE).contains(HelperFunction.GET_CURRENT_PID_TGID));
        assertEquals(1L, r.system().sysctls().get("bpf_jit_enable"));
        assertNotNull(r.system().kernelOptions().get("CONFIG_BPF_SYSCALL"));
    }
}
