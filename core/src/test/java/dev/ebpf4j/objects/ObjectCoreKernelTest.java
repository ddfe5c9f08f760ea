package dev.ebpf4j.objects;

import dev.ebpf4j.BpfObject;
import dev.ebpf4j.NotSupportedException;
import dev.ebpf4j.ObjectSpec;
import dev.ebpf4j.testkit.KernelTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * CO-RE relocations through BpfObject (loader_core.bpf.c): relocations in a subprogram shared by two tp_btf
 * programs, rebased into each linked program and applied against the running kernel's BTF. Runs once the CO-RE
 * relocator (branch corerelo) is merged; until then the stand-in refuses CO-RE and this test is skipped.
 */
@KernelTest
class ObjectCoreKernelTest {

    @Test
    void coreRelocationsInASharedSubprogramAreAppliedForEachProgram() throws InterruptedException {
        ObjectSpec spec = Corpus.spec("loader_core").withVariable("target_tgid", Corpus.pid());
        BpfObject loaded;
        try {
            loaded = BpfObject.load(spec);
        } catch (NotSupportedException e) {
            assumeFalse(e.feature().equals("CO-RE relocations"), "the CO-RE relocator is not merged yet");
            throw e;
        }
        try (BpfObject obj = loaded) {
            assertEquals(2, obj.attachAll().size());
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (obj.variable("switch_pids_seen").getLong() == 0 && System.nanoTime() < deadline) Thread.sleep(1);
            assertTrue(obj.variable("switch_pids_seen").getLong() > 0, "tgid read through CO-RE matched this process");
            assertEquals(1, obj.variable("pid_exists").getLong());
            assertTrue(obj.variable("task_size").getLong() > 100, "the kernel's task_struct size, not the local 8");
        }
    }
}
