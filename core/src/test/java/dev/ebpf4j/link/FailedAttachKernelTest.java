package dev.ebpf4j.link;

import dev.ebpf4j.BpfException;
import dev.ebpf4j.BpfMap;
import dev.ebpf4j.Program;
import dev.ebpf4j.ProgramType;
import dev.ebpf4j.asm.Asm;
import dev.ebpf4j.testkit.KernelTest;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.ebpf4j.asm.Register.*;
import static dev.ebpf4j.link.LinkTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

/** Attaches that fail in the kernel, of every link kind here, release every descriptor they opened. */
@KernelTest
class FailedAttachKernelTest {

    private static void failing(Runnable attach) {
        assertThrows(BpfException.class, attach::run);
    }

    @Test
    void failedAttachesOfEveryKindLeakNoDescriptors() {
        var mapElem = new Asm().ldxdw(R6, R1, 0).mov64(R0, 0).exit().build();
        try (BpfMap map = counters();
             Program raw = trivial(ProgramType.RAW_TRACEPOINT);
             Program kprobe = trivial(ProgramType.KPROBE);
             Program tooFar = load(ProgramType.TRACEPOINT, "too_far",
                     counting(map, NO_FILTER, a -> a.ldxdw(R7, R6, 512)));
             Program iter = Program.load(IterLink.programSpec("bpf_map_elem").name("elems").instructions(mapElem)
                     .build());
             Program sampler = trivial(ProgramType.PERF_EVENT)) {
            List<Runnable> attaches = List.of(
                    () -> RawTracepointLink.attach(raw, "no_such_tracepoint_ebpf4j"),
                    () -> KprobeLink.attach(kprobe, "__x64_sys_getpid").close(),
                    () -> TracepointLink.attach(tooFar, "syscalls", "sys_enter_getpid"),
                    () -> IterLink.attach(iter),
                    () -> UprobeLink.attach(kprobe, UprobeLink.Options.symbol(UprobeTargetProcess.binary(),
                            "ebpf4j_uprobe_target").pid(Integer.MAX_VALUE)),
                    () -> PerfEventLink.attach(sampler, PerfEventLink.Options.cpuClock().pid(Integer.MAX_VALUE)));
            for (Runnable r : attaches) {
                if (r == attaches.get(1) && KprobeLink.mechanism().isPresent()) continue; // attaches there
                failing(r);
            }
            dev.ebpf4j.testkit.OpenFiles.Snapshot before = dev.ebpf4j.testkit.OpenFiles.snapshot();
            for (int i = 0; i < 10; i++) {
                for (int k = 0; k < attaches.size(); k++) {
                    if (k == 1 && KprobeLink.mechanism().isPresent()) continue;
                    failing(attaches.get(k));
                }
            }
            assertEquals(java.util.Map.of(), before.openedSince(), "failing attaches must not leak descriptors");
        }
    }
}
