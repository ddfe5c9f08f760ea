package dev.ebpf4j.perf;

import dev.ebpf4j.BpfArgumentException;
import dev.ebpf4j.BpfMap;
import dev.ebpf4j.ClosedException;
import dev.ebpf4j.MapSpec;
import dev.ebpf4j.Program;
import dev.ebpf4j.internal.sys.Cpus;
import dev.ebpf4j.readertests.EventProgram;
import dev.ebpf4j.readertests.Syscalls;
import dev.ebpf4j.readertests.TestTracepoint;
import dev.ebpf4j.ringbuf.DropCounter;
import dev.ebpf4j.testkit.KernelTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

@KernelTest
class PerfBufferKernelTest {

    /** Collects samples per CPU, checking each one's payload against the program's pattern. */
    static final class Collector implements SampleHandler {
        final int recordSize;
        final Map<Integer, List<Long>> perCpu = new HashMap<>();
        int count;

        Collector(int recordSize) {
            this.recordSize = recordSize;
        }

        @Override
        public void onSample(PerfSample s) {
            // the kernel pads raw data so that its 4-byte size field plus the data is a multiple of 8
            assertEquals(recordSize + 4, s.length(), "raw sample size");
            long seq = s.getLong(0);
            for (int k = 1; k < recordSize / 8; k++) {
                assertEquals(EventProgram.word(seq, k), s.getLong(8L * k), "word " + k + " of sample " + seq);
            }
            perCpu.computeIfAbsent(s.cpu(), c -> new ArrayList<>()).add(seq);
            count++;
        }

        /** Asserts per-CPU order and returns all sequence numbers seen. */
        TreeSet<Long> checkOrderedPerCpu() {
            TreeSet<Long> all = new TreeSet<>();
            for (Map.Entry<Integer, List<Long>> e : perCpu.entrySet()) {
                List<Long> l = e.getValue();
                for (int i = 1; i < l.size(); i++) {
                    assertTrue(l.get(i - 1) < l.get(i), "cpu " + e.getKey() + ": " + l.get(i - 1) + " before "
                            + l.get(i));
                }
                for (long seq : l) assertTrue(all.add(seq), "sample " + seq + " delivered twice");
            }
            return all;
        }
    }

    static void assertAll(long from, long to, TreeSet<Long> seen) {
        assertEquals(to - from, seen.size(), "number of distinct samples");
        assertEquals(from, seen.first());
        assertEquals(to - 1, seen.last());
    }

    private void everySampleInOrderPerCpu(int recordSize, int events) {
        try (BpfMap seq = EventProgram.sequenceMap();
             BpfMap perf = BpfMap.create(MapSpec.perfEventArray("pb"));
             DropCounter drops = DropCounter.create("pdrops");
             Program prog = EventProgram.forThisThread(seq).recordSize(recordSize).perf(perf).perfDrops(drops).load();
             TestTracepoint tp = TestTracepoint.getppid(prog)) {
            Collector c = new Collector(recordSize);
            try (PerfBufferReader reader = PerfBufferReader.builder(perf).pagesPerCpu(128).onSample(c)
                    .onLost((cpu, n) -> fail(n + " samples lost on cpu " + cpu)).build()) {
                assertEquals(Cpus.online(), reader.cpus());
                // spread the events over every CPU
                BitSet online = Cpus.online();
                try {
                    for (int cpu = online.nextSetBit(0); cpu >= 0; cpu = online.nextSetBit(cpu + 1)) {
                        Syscalls.pinTo(cpu);
                        Syscalls.getppid(events / online.cardinality());
                    }
                } finally {
                    Syscalls.pinTo(Cpus.possible());
                }
                int produced = events / online.cardinality() * online.cardinality();
                for (int i = 0; i < 200 && c.count < produced; i++) reader.poll(Duration.ofMillis(50));
                assertAll(0, produced, c.checkOrderedPerCpu());
                assertEquals(online.cardinality(), c.perCpu.size(), "samples from every CPU");
                assertEquals(0, reader.lostSamples());
                assertEquals(0, drops.total());
                assertEquals(produced, reader.samples());
            }
        }
    }

    @Test
    void eightByteSamplesArriveCompleteAndInOrderPerCpu() {
        everySampleInOrderPerCpu(8, 2000);
    }

    @Test
    void oneHundredTwentyEightByteSamplesArriveCompleteAndInOrderPerCpu() {
        everySampleInOrderPerCpu(128, 2000);
    }

    @Test
    void samplesWrappingAroundTheBufferEndAreReassembled() {
        // one data page per CPU; 144-byte records (8 header + 4 size + 132 data) do not divide 4096, so records
        // straddle the end of the ring regularly.
        try (BpfMap seq = EventProgram.sequenceMap();
             BpfMap perf = BpfMap.create(MapSpec.perfEventArray("pbwrap"));
             Program prog = EventProgram.forThisThread(seq).recordSize(128).perf(perf).load();
             TestTracepoint tp = TestTracepoint.getppid(prog)) {
            Collector c = new Collector(128);
            try (PerfBufferReader reader = PerfBufferReader.builder(perf).pagesPerCpu(1).onSample(c).build()) {
                Syscalls.pinTo(Cpus.online().nextSetBit(0));
                try {
                    for (int round = 0; round < 100; round++) {
                        Syscalls.getppid(7);
                        assertEquals(7, reader.consume(), "round " + round);
                    }
                } finally {
                    Syscalls.pinTo(Cpus.possible());
                }
                assertAll(0, 700, c.checkOrderedPerCpu());
                assertEquals(0, reader.lostSamples());
            }
        }
    }

    @Test
    void lostSamplesAreCountedAndReported() {
        try (BpfMap seq = EventProgram.sequenceMap();
             BpfMap perf = BpfMap.create(MapSpec.perfEventArray("pblost"));
             DropCounter drops = DropCounter.create("pdrops");
             Program prog = EventProgram.forThisThread(seq).recordSize(128).perf(perf).perfDrops(drops).load();
             TestTracepoint tp = TestTracepoint.getppid(prog)) {
            Collector c = new Collector(128);
            Map<Integer, Long> reported = new HashMap<>();
            try (PerfBufferReader reader = PerfBufferReader.builder(perf).pagesPerCpu(1).onSample(c)
                    .onLost((cpu, n) -> reported.merge(cpu, n, Long::sum)).build()) {
                int cpu = Cpus.online().nextSetBit(0);
                Syscalls.pinTo(cpu);
                try {
                    Syscalls.getppid(300); // a burst into a 4 KiB buffer nobody reads meanwhile
                    reader.consume();
                    Syscalls.getppid(1);   // the kernel reports the loss with the next sample that fits
                    reader.consume();
                } finally {
                    Syscalls.pinTo(Cpus.possible());
                }
                long lost = reader.lostSamples();
                assertTrue(lost > 0, "samples were lost");
                assertEquals(301, c.count + lost, "samples + lost == produced");
                assertEquals(lost, reader.lostSamples(cpu));
                assertEquals(Map.of(cpu, lost), reported);
                assertEquals(lost, drops.total(), "the program saw the same failures");
                TreeSet<Long> seen = c.checkOrderedPerCpu();
                assertEquals(300, seen.last(), "the sample after the burst arrived");
            }
        }
    }

    @Test
    void wakeupEventsDelaysPollButConsumeReadsEverything() {
        try (BpfMap seq = EventProgram.sequenceMap();
             BpfMap perf = BpfMap.create(MapSpec.perfEventArray("pbwake"));
             Program prog = EventProgram.forThisThread(seq).perf(perf).load();
             TestTracepoint tp = TestTracepoint.getppid(prog)) {
            Collector c = new Collector(8);
            try (PerfBufferReader reader = PerfBufferReader.builder(perf).wakeupEvents(1000).onSample(c).build()) {
                Syscalls.getppid(10);
                assertEquals(0, reader.poll(Duration.ofMillis(50)), "10 samples are below the wake-up threshold");
                assertEquals(10, reader.consume());
                assertAll(0, 10, c.checkOrderedPerCpu());
            }
        }
    }

    @Test
    void pollTimesOutWithZeroAndCloseWakesABlockedPoll() throws Exception {
        try (BpfMap perf = BpfMap.create(MapSpec.perfEventArray("pbclose"))) {
            PerfBufferReader reader = PerfBufferReader.builder(perf).onSample(s -> fail("no samples expected")).build();
            assertEquals(0, reader.poll(Duration.ofMillis(20)));
            assertEquals(0, reader.consume());
            CountDownLatch polling = new CountDownLatch(1);
            CompletableFuture<Throwable> outcome = CompletableFuture.supplyAsync(() -> {
                polling.countDown();
                try {
                    reader.poll(-1);
                    return null;
                } catch (Throwable t) {
                    return t;
                }
            });
            assertTrue(polling.await(10, TimeUnit.SECONDS));
            Thread.sleep(100);
            reader.close();
            assertInstanceOf(ClosedException.class, outcome.get(10, TimeUnit.SECONDS));
            assertThrows(ClosedException.class, reader::consume);
            reader.close();
        }
    }

    @Test
    void eventsAreStoredInTheMapAtTheirCpuIndexAndRemovedOnClose() {
        // perf event arrays cannot be read from user space; a delete tells whether a slot is filled
        try (BpfMap perf = BpfMap.create(MapSpec.perfEventArray("pbslots"))) {
            BitSet online = Cpus.online();
            try (PerfBufferReader reader = PerfBufferReader.builder(perf).onSample(s -> { }).build()) {
                assertEquals(online, reader.cpus());
            }
            for (int cpu = online.nextSetBit(0); cpu >= 0; cpu = online.nextSetBit(cpu + 1)) {
                assertFalse(perf.delete(key(cpu)), "slot " + cpu + " emptied on close");
            }
            try (PerfBufferReader reader = PerfBufferReader.builder(perf).onSample(s -> { }).build()) {
                for (int cpu = online.nextSetBit(0); cpu >= 0; cpu = online.nextSetBit(cpu + 1)) {
                    assertTrue(perf.delete(key(cpu)), "slot " + cpu + " filled while open");
                }
            } // closing tolerates slots removed behind its back
        }
    }

    static byte[] key(int cpu) {
        return java.nio.ByteBuffer.allocate(4).order(java.nio.ByteOrder.nativeOrder()).putInt(cpu).array();
    }

    @Test
    void maxRecordsPerCpuBoundsEachBatchAndPollReturnsForTheRest() {
        try (BpfMap seq = EventProgram.sequenceMap();
             BpfMap perf = BpfMap.create(MapSpec.perfEventArray("pbmax"));
             Program prog = EventProgram.forThisThread(seq).perf(perf).load();
             TestTracepoint tp = TestTracepoint.getppid(prog)) {
            Collector c = new Collector(8);
            try (PerfBufferReader reader = PerfBufferReader.builder(perf).maxRecordsPerCpu(10).onSample(c).build()) {
                Syscalls.pinTo(Cpus.online().nextSetBit(0));
                try {
                    Syscalls.getppid(25);
                } finally {
                    Syscalls.pinTo(Cpus.possible());
                }
                assertEquals(10, reader.poll(Duration.ofSeconds(10)));
                assertEquals(10, reader.poll(Duration.ofSeconds(10)), "the rest is read without a new wake-up");
                assertEquals(5, reader.poll(Duration.ofSeconds(10)));
                assertEquals(0, reader.poll(Duration.ofMillis(20)));
                assertAll(0, 25, c.checkOrderedPerCpu());
            }
        }
    }

    @Test
    void readingSamplesAllocatesNothingPerSample() {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        threads.setThreadAllocatedMemoryEnabled(true);
        try (BpfMap seq = EventProgram.sequenceMap();
             BpfMap perf = BpfMap.create(MapSpec.perfEventArray("pballoc"));
             Program prog = EventProgram.forThisThread(seq).recordSize(128).perf(perf).load();
             TestTracepoint tp = TestTracepoint.getppid(prog)) {
            long[] sum = new long[1];
            // 4 pages: 144-byte records wrap around the end regularly, so the scratch path is measured too
            try (PerfBufferReader reader = PerfBufferReader.builder(perf).pagesPerCpu(4)
                    .onSample(s -> sum[0] += s.getLong(0) + s.getLong(120) + s.cpu()).build()) {
                Syscalls.pinTo(Cpus.online().nextSetBit(0));
                try {
                    // Rounds of 2000 polls (25 samples each) until the JIT has compiled the loop; steady state is
                    // the first round allocating under a byte per sample, or the last of 15.
                    long allocated = 0;
                    long samples = 0;
                    for (int round = 0; round < 15; round++) {
                        allocated = 0;
                        samples = 0;
                        for (int i = 0; i < 2000; i++) {
                            Syscalls.getppid(25);
                            long before = threads.getCurrentThreadAllocatedBytes();
                            samples += reader.poll(1000);
                            allocated += threads.getCurrentThreadAllocatedBytes() - before;
                        }
                        assertEquals(50_000, samples, "round " + round);
                        if ((double) allocated / samples < 1.0) break;
                    }
                    System.out.printf("perf buffer read loop: %d bytes allocated over %d samples%n", allocated, samples);
                    assertTrue((double) allocated / samples < 1.0, allocated + " bytes for " + samples + " samples");
                } finally {
                    Syscalls.pinTo(Cpus.possible());
                }
            }
        }
    }

    @Test
    void onlyPerfEventArraysAreAccepted() {
        try (BpfMap ring = BpfMap.create(MapSpec.ringBuffer("notperf", 4096))) {
            BpfArgumentException e = assertThrows(BpfArgumentException.class,
                    () -> PerfBufferReader.builder(ring).onSample(s -> { }).build());
            assertTrue(e.getMessage().contains("RingBufferReader"), e.getMessage());
            try (BpfMap perf = BpfMap.create(MapSpec.perfEventArray("p"))) {
                assertThrows(IllegalStateException.class, () -> PerfBufferReader.builder(perf).build());
                assertThrows(BpfArgumentException.class, () -> PerfBufferReader.builder(perf).pagesPerCpu(3));
            }
        }
    }
}
