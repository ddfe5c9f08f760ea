package dev.ebpf4j.link;

import dev.ebpf4j.AttachType;
import dev.ebpf4j.BpfArgumentException;
import dev.ebpf4j.BpfException;
import dev.ebpf4j.BpfMap;
import dev.ebpf4j.LinkType;
import dev.ebpf4j.MapSpec;
import dev.ebpf4j.NotSupportedException;
import dev.ebpf4j.Program;
import dev.ebpf4j.ProgramSpec;
import dev.ebpf4j.ProgramType;
import dev.ebpf4j.asm.Asm;
import dev.ebpf4j.asm.HelperFunction;
import dev.ebpf4j.testkit.KernelTest;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static dev.ebpf4j.asm.Register.*;
import static dev.ebpf4j.link.LinkTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

@KernelTest
class IterLinkKernelTest {

    /**
     * iter/task: ctx is struct bpf_iter__task { struct bpf_iter_meta *meta; struct task_struct *task; }; writes
     * (task->pid, task->tgid) as two u32 per task with bpf_seq_write(meta->seq, ...).
     */
    private static Program taskLister() {
        int pid = KernelStructOffsets.of("task_struct", "pid");
        int tgid = KernelStructOffsets.of("task_struct", "tgid");
        var insns = new Asm()
                .ldxdw(R6, R1, 0)          // meta
                .ldxdw(R7, R1, 8)          // task, NULL at the end
                .jeq(R7, 0, "out")
                .ldxw(R2, R7, pid).stxw(R10, -8, R2)
                .ldxw(R2, R7, tgid).stxw(R10, -4, R2)
                .ldxdw(R1, R6, 0)          // meta->seq
                .mov64(R2, R10).add64(R2, -8)
                .mov64(R3, 8)
                .call(HelperFunction.SEQ_WRITE)
                .label("out").mov64(R0, 0).exit().build();
        return Program.load(IterLink.programSpec("task").name("tasks").instructions(insns).build());
    }

    /** iter/bpf_map_elem: ctx { meta; map; key; value }; writes each u64 value. */
    private static Program valueLister() {
        var insns = new Asm()
                .ldxdw(R6, R1, 0)
                .ldxdw(R7, R1, 24)         // value, NULL at the end
                .jeq(R7, 0, "out")
                .ldxdw(R2, R7, 0).stxdw(R10, -8, R2)
                .ldxdw(R1, R6, 0)
                .mov64(R2, R10).add64(R2, -8)
                .mov64(R3, 8)
                .call(HelperFunction.SEQ_WRITE)
                .label("out").mov64(R0, 0).exit().build();
        return Program.load(IterLink.programSpec("bpf_map_elem").name("values").instructions(insns).build());
    }

    private record Task(int pid, int tgid) {
    }

    private static List<Task> tasks(byte[] raw) {
        assertEquals(0, raw.length % 8, "whole records");
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        List<Task> out = new ArrayList<>();
        while (b.remaining() >= 8) out.add(new Task(b.getInt(), b.getInt()));
        return out;
    }

    private static long processCount() throws Exception {
        try (Stream<Path> s = Files.list(Path.of("/proc"))) {
            return s.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).count();
        }
    }

    @Test
    void taskIteratorListsEveryTask() throws Exception {
        int self = (int) ProcessHandle.current().pid();
        int tid = currentTid();
        Process child = new ProcessBuilder("sleep", "60").start();
        try (Program prog = taskLister(); IterLink it = IterLink.attach(prog)) {
            assertEquals("task", it.target());
            assertEquals("iterator task → program 'tasks' (iter/task)", it.describe());
            List<Task> tasks = tasks(it.readAllBytes());
            long processes = processCount();
            int childPid = (int) child.pid();
            assertTrue(tasks.contains(new Task(childPid, childPid)), "the child process " + childPid);
            assertTrue(tasks.contains(new Task(self, self)), "this JVM's main thread");
            assertTrue(tasks.contains(new Task(tid, self)), "this test's thread");
            Set<Integer> tgids = new HashSet<>();
            for (Task t : tasks) tgids.add(t.tgid());
            assertTrue(Math.abs(tgids.size() - processes) <= Math.max(10, processes / 5),
                    tgids.size() + " processes iterated, /proc lists " + processes);

            LinkInfo info = it.info().orElseThrow();
            assertEquals(LinkType.ITER, info.type());
            assertEquals("task", info.details().get("target_name"));
            assertEquals(prog.id(), info.programId());

            // Every open() is a new iteration; reading in small pieces works too.
            try (InputStream a = it.open(); InputStream b = it.open()) {
                byte[] first = new byte[8];
                assertEquals(8, a.readNBytes(first, 0, 8));
                assertFalse(tasks(b.readAllBytes()).isEmpty());
                assertTrue(a.readAllBytes().length > 0);
                assertEquals(-1, a.read());
            }
        } finally {
            child.destroyForcibly();
        }
    }

    @Test
    void taskIteratorLimitedToOneProcess() {
        int self = (int) ProcessHandle.current().pid();
        try (Program prog = taskLister(); IterLink it = IterLink.attachToProcess(prog, self)) {
            List<Task> tasks = tasks(it.readAllBytes());
            assertTrue(tasks.contains(new Task(currentTid(), self)));
            for (Task t : tasks) assertEquals(self, t.tgid(), "only this process's threads");
            assertTrue(it.describe().contains("of pid " + self), it.describe());
        }
    }

    @Test
    void mapElementIteratorReadsTheCurrentValues() throws Exception {
        Path pin = pinPath("iter");
        try (BpfMap map = BpfMap.create(MapSpec.array("vals", 8, 4)); Program prog = valueLister();
             IterLink it = IterLink.attach(prog, map)) {
            for (int i = 0; i < 4; i++) map.update(le32(i), le64(10L * (i + 1)));
            assertArrayEquals(concat(10, 20, 30, 40), it.readAllBytes());
            map.update(le32(2), le64(99));
            assertArrayEquals(concat(10, 20, 99, 40), it.readAllBytes(), "a new iteration sees the update");
            LinkInfo info = it.info().orElseThrow();
            assertEquals("bpf_map_elem", info.details().get("target_name"));
            assertEquals(map.id(), info.details().get("map_id"));
            assertTrue(it.describe().startsWith("iterator bpf_map_elem of map 'vals'"), it.describe());

            it.pin(pin);
            assertArrayEquals(concat(10, 20, 99, 40), Files.readAllBytes(pin), "reading the pin runs the iterator");
            it.unpin();
            assertFalse(Files.exists(pin));
        } finally {
            Files.deleteIfExists(pin);
        }
    }

    @Test
    void errorsAreExplained() {
        NotSupportedException unknown = assertThrows(NotSupportedException.class,
                () -> IterLink.programSpec("no_such_target"));
        assertTrue(unknown.getMessage().contains("bpf_iter_no_such_target"), unknown.getMessage());
        ProgramSpec.Builder spec = IterLink.programSpec("bpf_map");
        assertEquals(AttachType.TRACE_ITER, spec.build().expectedAttachType());
        assertEquals("iter/bpf_map", spec.build().sectionName());
        try (Program values = valueLister()) {
            BpfException noMap = assertThrows(BpfException.class, () -> IterLink.attach(values));
            assertTrue(noMap.getMessage().contains("map-element iterators need a map"), noMap.getMessage());
            assertThrows(BpfArgumentException.class, () -> IterLink.attach(values, null));
        }
        try (Program xdp = trivial(ProgramType.XDP)) {
            assertThrows(BpfArgumentException.class, () -> IterLink.attach(xdp));
        }
        try (BpfMap map = counters();
             Program tpBtf = Program.load(RawTracepointLink.tpBtfProgramSpec("sys_enter").name("tpbtf")
                     .instructions(counting(map, NO_FILTER, a -> { })).build())) {
            BpfArgumentException e = assertThrows(BpfArgumentException.class, () -> IterLink.attach(tpBtf));
            assertTrue(e.getMessage().contains("expected attach type trace_iter, got trace_raw_tp"), e.getMessage());
        }
    }

    @Test
    void aClosedIteratorCannotBeOpened() {
        try (Program prog = taskLister()) {
            IterLink it = IterLink.attach(prog);
            it.close();
            assertThrows(dev.ebpf4j.ClosedException.class, it::open);
        }
    }

    private static byte[] le64(long v) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
    }

    private static byte[] concat(long... values) {
        ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) b.putLong(v);
        return b.array();
    }
}
