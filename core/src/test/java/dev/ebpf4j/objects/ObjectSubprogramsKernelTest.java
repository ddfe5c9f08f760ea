package dev.ebpf4j.objects;

import dev.ebpf4j.BpfObject;
import dev.ebpf4j.TestRun;
import dev.ebpf4j.testkit.KernelTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.*;

/** Subprograms and callbacks (loader_subprogs.bpf.c, loader_section_static.bpf.c). */
@KernelTest
class ObjectSubprogramsKernelTest {

    private static long result(BpfObject obj, int index) {
        byte[] all = obj.variable("results").get();
        return Corpus.asLong(java.util.Arrays.copyOfRange(all, index * 8, index * 8 + 8));
    }

    @Test
    void staticAndGlobalSubprogramsSharedByTwoProgramsAndLoopCallbacks() {
        try (BpfObject obj = BpfObject.load(Corpus.spec("loader_subprogs"))) {
            obj.map("values").update(Corpus.u32(0), Corpus.u64(5));
            obj.map("values").update(Corpus.u32(3), Corpus.u64(30));
            obj.program("first").testRun(TestRun.withContext(new byte[8]));
            obj.program("second").testRun(TestRun.withContext(new byte[8]));
            assertEquals(3 * 3 + 1, result(obj, 0), "global add_square calling static square");
            assertEquals(0 + 1 + 2 + 3 + 4, result(obj, 1), "bpf_loop callback");
            assertEquals(7 * 7 + 2 * 2 + 2, result(obj, 2), "the same subprograms linked into the second program");
            assertEquals(35, result(obj, 3), "bpf_for_each_map_elem callback");
            assertTrue(obj.program("first").info().funcInfoCount() >= 4, "func_info for every linked function");
        }
    }

    @Test
    void timerCallbackFires() throws InterruptedException {
        try (BpfObject obj = BpfObject.load(Corpus.spec("loader_subprogs"))) {
            assertEquals(2, obj.program("arm_timer").testRun(TestRun.withData(new byte[64])).returnValue());
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (obj.variable("timer_fired").getLong() == 0 && System.nanoTime() < deadline) Thread.sleep(5);
            assertEquals(0xf1, obj.variable("timer_fired").getLong(), "the timer's callback ran");
        }
    }

    @Test
    void staticFunctionInAProgramSectionIsCalledAsASubprogram() {
        try (BpfObject obj = BpfObject.load(Corpus.spec("loader_section_static"))) {
            assertEquals(3, obj.program("uses_section_static").testRun(TestRun.withData(new byte[64])).returnValue(),
                    "XDP_TX: triple(1) == 3");
            obj.variable("input").setInt(2);
            assertEquals(0, obj.program("uses_section_static").testRun(TestRun.withData(new byte[64])).returnValue());
        }
    }
}
