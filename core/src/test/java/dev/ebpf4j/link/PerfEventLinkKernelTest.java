package dev.ebpf4j.link;

import dev.ebpf4j.BpfArgumentException;
import dev.ebpf4j.BpfMap;
import dev.ebpf4j.LinkType;
import dev.ebpf4j.MapSpec;
import dev.ebpf4j.MapType;
import dev.ebpf4j.Program;
import dev.ebpf4j.ProgramType;
import dev.ebpf4j.asm.Asm;
import dev.ebpf4j.asm.HelperFunction;
import dev.ebpf4j.internal.sys.Cpus;
import dev.ebpf4j.internal.sys.PerfEvents;
import dev.ebpf4j.testkit.KernelTest;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.BitSet;
import java.util.List;

import static dev.ebpf4j.asm.Register.*;
import static dev.ebpf4j.link.LinkTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

@KernelTest
class PerfEventLinkKernelTest {

    private static BpfMap perCpuCounter() {
        return BpfMap.create(MapSpec.builder(MapType.PERCPU_ARRAY).name("samples").keySize(4).valueSize(8)
                .maxEntries(1).build());
    }

    /** Counts samples per CPU: samples[0] += 1 on the sampling CPU. */
    private static Program sampler(BpfMap map, int tid) {
        Asm a = new Asm();
        if (tid != NO_FILTER) a.call(HelperFunction.GET_CURRENT_PID_TGID).mov32(R0, R0).jne(R0, tid, "out");
        a.stw(R10, -4, 0).mov64(R2, R10).add64(R2, -4).ldMapFd(R1, map.fd()).call(HelperFunction.MAP_LOOKUP_ELEM)
                .jeq(R0, 0, "out").mov64(R1, 1).atomicAdd64(R0, 0, R1)
                .label("out").mov64(R0, 0).exit();
        return load(ProgramType.PERF_EVENT, "sampler", a.build());
    }

    private static long[] perCpu(BpfMap map) {
        List<byte[]> values = map.lookupPerCpu(le32(0)).orElseThrow();
        long[] out = new long[values.size()];
        for (int i = 0; i < out.length; i++) out[i] = ByteBuffer.wrap(values.get(i)).order(ByteOrder.LITTLE_ENDIAN).getLong();
        return out;
    }

    private static long total(BpfMap map) {
        long s = 0;
        for (long v : perCpu(map)) s += v;
        return s;
    }

    @Test
    void samplesEveryOnlineCpuUntilClosed() {
        try (BpfMap map = perCpuCounter(); Program prog = sampler(map, NO_FILTER)) {
            BitSet online = Cpus.online();
            PerfEventLink link = PerfEventLink.sampleCpuClock(prog, 1000);
            try (link) {
                assertEquals(online.cardinality(), link.eventCount());
                assertTrue(eventually(Duration.ofSeconds(10), () -> {
                    spin(20);
                    return total(map) > 0;
                }), "cpu-clock samples reached the program");
                assertTrue(link.describe().startsWith("perf_event cpu-clock at 1000 Hz on CPUs "), link.describe());
                assertTrue(link.describe().endsWith("→ program 'sampler' (perf_event) via bpf_link"), link.describe());
                List<LinkInfo> infos = link.infos();
                assertEquals(online.cardinality(), infos.size());
                for (LinkInfo info : infos) {
                    assertEquals(LinkType.PERF_EVENT, info.type());
                    assertEquals("event", info.details().get("event_type"));
                    // "type" is the PMU the kernel chose: 6.18 reports cpu-clock's own PMU, not PERF_TYPE_SOFTWARE.
                    assertInstanceOf(Integer.class, info.details().get("type"));
                    assertEquals((long) PerfEvents.SW_CPU_CLOCK, info.details().get("config"));
                    assertEquals(prog.id(), info.programId());
                }
            }
            long after = total(map);
            spin(100);
            assertEquals(after, total(map), "no samples after close");
        }
    }

    @Test
    void oneCpuOnlyFillsThatCpusSlot() {
        try (BpfMap map = perCpuCounter(); Program prog = sampler(map, NO_FILTER);
             PerfEventLink link = PerfEventLink.attach(prog, PerfEventLink.Options.cpuClock().frequency(1000).cpu(0))) {
            assertEquals(1, link.eventCount());
            assertTrue(eventually(Duration.ofSeconds(10), () -> {
                spin(20);
                return perCpu(map)[0] > 0;
            }));
            long[] v = perCpu(map);
            for (int cpu = 1; cpu < v.length; cpu++) assertEquals(0, v[cpu], "cpu " + cpu);
        }
    }

    @Test
    void oneThreadIsSampledWhereverItRuns() {
        int tid = currentTid();
        try (BpfMap map = perCpuCounter(); Program prog = sampler(map, tid);
             PerfEventLink link = PerfEventLink.attach(prog, PerfEventLink.Options.cpuClock().period(100_000)
                     .pid(tid))) {
            assertEquals(1, link.eventCount());
            assertTrue(link.describe().contains("on pid " + tid + " "), link.describe());
            assertTrue(eventually(Duration.ofSeconds(10), () -> {
                spin(20);
                return total(map) > 0;
            }), "samples of the spinning thread");
        }
    }

    @Test
    void pinsOneLinkPerCpuUnderADirectory() throws Exception {
        Path dir = pinPath("perf");
        try (BpfMap map = perCpuCounter(); Program prog = sampler(map, NO_FILTER);
             PerfEventLink link = PerfEventLink.sampleCpuClock(prog, 100)) {
            link.pin(dir);
            for (int cpu : Cpus.online().stream().toArray()) assertTrue(Files.exists(dir.resolve("cpu" + cpu)));
            link.unpin();
            assertFalse(Files.exists(dir));
        } finally {
            if (Files.isDirectory(dir)) {
                try (var s = Files.list(dir)) {
                    for (Path p : s.toList()) Files.delete(p);
                }
                Files.delete(dir);
            }
        }
    }

    @Test
    void argumentsAreChecked() {
        try (BpfMap map = perCpuCounter(); Program prog = sampler(map, NO_FILTER);
             Program tp = trivial(ProgramType.TRACEPOINT)) {
            BpfArgumentException type = assertThrows(BpfArgumentException.class,
                    () -> PerfEventLink.sampleCpuClock(tp, 99));
            assertTrue(type.getMessage().startsWith("PerfEventLink needs a program of type perf_event, got tracepoint"),
                    type.getMessage());
            assertThrows(BpfArgumentException.class, () -> PerfEventLink.sampleCpuClock(prog, 0));
            assertThrows(BpfArgumentException.class,
                    () -> PerfEventLink.attach(prog, PerfEventLink.Options.cpuClock().cpu(-1)));
            BpfArgumentException offline = assertThrows(BpfArgumentException.class,
                    () -> PerfEventLink.attach(prog, PerfEventLink.Options.cpuClock().cpu(4095)));
            assertTrue(offline.getMessage().contains("are not online"), offline.getMessage());
            assertThrows(BpfArgumentException.class,
                    () -> PerfEventLink.attach(prog, PerfEventLink.Options.cpuClock().cpus(new BitSet())));
            dev.ebpf4j.testkit.OpenFiles.Snapshot before = dev.ebpf4j.testkit.OpenFiles.snapshot();
            for (int i = 0; i < 10; i++) {
                // a process that does not exist: perf_event_open fails after nothing was opened
                assertThrows(dev.ebpf4j.BpfException.class,
                        () -> PerfEventLink.attach(prog, PerfEventLink.Options.cpuClock().pid(Integer.MAX_VALUE)));
            }
            assertEquals(java.util.Map.of(), before.openedSince(), "failing attaches must not leak descriptors");
        }
    }
}
