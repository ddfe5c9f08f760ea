package dev.ebpf4j.ringbuf;

import dev.ebpf4j.BpfArgumentException;
import dev.ebpf4j.BpfMap;
import dev.ebpf4j.ClosedException;
import dev.ebpf4j.MapSpec;
import dev.ebpf4j.Program;
import dev.ebpf4j.readertests.EventProgram;
import dev.ebpf4j.readertests.Syscalls;
import dev.ebpf4j.readertests.TestTracepoint;
import dev.ebpf4j.testkit.KernelTest;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.*;

@KernelTest
class RingBufferKernelTest {

    /** Collects sequence numbers and checks each record's payload against the program's pattern. */
    static final class Collector implements RecordHandler {
        final int recordSize;
        final List<Long> seqs = new ArrayList<>();
        final List<Integer> ringsSeen = new ArrayList<>();

        Collector(int recordSize) {
            this.recordSize = recordSize;
        }

        @Override
        public void onRecord(RingRecord r) {
            assertEquals(recordSize, r.length(), "record length");
            long seq = r.getLong(0);
            for (int k = 1; k < recordSize / 8; k++) {
                assertEquals(EventProgram.word(seq, k), r.getLong(8L * k), "word " + k + " of record " + seq);
            }
            seqs.add(seq);
            ringsSeen.add(r.ring());
        }
    }

    /** Asserts {@code actual} is exactly from, from+1, ..., to-1, reporting the first difference briefly. */
    static void assertSequence(long from, long to, List<Long> actual, String what) {
        for (int i = 0; i < actual.size() && i < to - from; i++) {
            if (actual.get(i) != from + i) {
                fail(what + ": element " + i + " is " + actual.get(i) + ", expected " + (from + i));
            }
        }
        assertEquals(to - from, actual.size(), what + ": count (last seen " + (actual.isEmpty() ? "none"
                : actual.get(actual.size() - 1)) + ")");
    }

    static void pollUntil(RingBufferReader reader, Collector c, int count) {
        for (int i = 0; i < 200 && c.seqs.size() < count; i++) reader.poll(Duration.ofMillis(50));
    }

    private void everyRecordInOrder(int recordSize, int events) {
        try (BpfMap seq = EventProgram.sequenceMap();
             BpfMap ring = BpfMap.create(MapSpec.ringBuffer("rb", 512 * 1024));
             DropCounter drops = DropCounter.create("drops");
             Program prog = EventProgram.forThisThread(seq).recordSize(recordSize).ring(ring).ringDrops(drops).load();
             TestTracepoint tp = TestTracepoint.getppid(prog)) {
            Collector c = new Collector(recordSize);
            try (RingBufferReader reader = RingBufferReader.open(ring, c)) {
                Syscalls.getppid(events);
                pollUntil(reader, c, events);
                assertSequence(0, events, c.seqs, "every record, in order");
                assertEquals(0, drops.total());
                RingBufferReader.RingStats stats = reader.stats(0);
                assertEquals(events, stats.records());
                assertEquals(0, stats.discarded());
                assertEquals(0, stats.pendingBytes());
                assertEquals(512 * 1024, stats.capacity());
                assertEquals("ring buffer 'rb'", stats.name());
            }
        }
    }

    @Test
    void eightByteRecordsArriveCompleteAndInOrder() {
        everyRecordInOrder(8, 2000);
    }

    @Test
    void oneHundredTwentyEightByteRecordsArriveCompleteAndInOrder() {
        everyRecordInOrder(128, 2000);
    }

    @Test
    void recordsWrapAroundTheRingEndWithoutTearing() {
        // 4 KiB ring, 136-byte record spans: positions pass the end of the ring many times.
        try (BpfMap seq = EventProgram.sequenceMap();
             BpfMap ring = BpfMap.create(MapSpec.ringBuffer("rbwrap", 4096));
             DropCounter drops = DropCounter.create("drops");
             Program prog = EventProgram.forThisThread(seq).recordSize(128).ring(ring).ringDrops(drops).load();
             TestTracepoint tp = TestTracepoint.getppid(prog)) {
            Collector c = new Collector(128);
            try (RingBufferReader reader = RingBufferReader.open(ring, c)) {
                for (int round = 0; round < 100; round++) {
                    Syscalls.getppid(7);
                    assertEquals(7, reader.consume(), "round " + round);
                }
                assertSequence(0, 700, c.seqs, "records");
                assertEquals(0, drops.total());
            }
        }
    }

    @Test
    void overrunIsCountedAsDropsAndTheReaderStaysConsistent() {
        try (BpfMap seq = EventProgram.sequenceMap();
             BpfMap ring = BpfMap.create(MapSpec.ringBuffer("rbsmall", 4096));
             DropCounter drops = DropCounter.create("drops");
             Program prog = EventProgram.forThisThread(seq).recordSize(128).ring(ring).ringDrops(drops).load();
             TestTracepoint tp = TestTracepoint.getppid(prog)) {
            Collector c = new Collector(128);
            try (RingBufferReader reader = RingBufferReader.open(ring, c)) {
                Syscalls.getppid(500); // nobody consumes meanwhile: the 4 KiB ring fills after ~30 records
                assertTrue(reader.stats(0).pendingBytes() > 4096 - 136, "ring is full");
                reader.consume();
                long dropped = drops.total();
                assertTrue(dropped > 0, "drops counted");
                assertEquals(500, c.seqs.size() + dropped, "every event is either received or counted as dropped");
                assertSequence(0, c.seqs.size(), c.seqs, "the records that fit are the first ones, in order");
                assertEquals(0, reader.stats(0).pendingBytes());

                c.seqs.clear();
                Syscalls.getppid(20);
                pollUntil(reader, c, 20);
                assertSequence(500, 520, c.seqs, "after the overrun, new records arrive complete");
                assertEquals(dropped, drops.total(), "no further drops");
            }
        }
    }

    @Test
    void producersSeeSpaceFreedDuringALongBatch() {
        // The consumer position is published once per batch, and also after every quarter of the ring: a program
        // writing while a long batch is being handled finds room before the batch ends.
        try (BpfMap seq = EventProgram.sequenceMap();
             BpfMap ring = BpfMap.create(MapSpec.ringBuffer("rbpub", 4096));
             DropCounter drops = DropCounter.create("drops");
             Program prog = EventProgram.forThisThread(seq).recordSize(128).ring(ring).ringDrops(drops).load();
             TestTracepoint tp = TestTracepoint.getppid(prog)) {
            List<Long> seen = new ArrayList<>();
            try (RingBufferReader reader = RingBufferReader.open(ring, r -> {
                seen.add(r.getLong(0));
                Syscalls.getppid(1); // the program writes one more record while this batch is in progress
            })) {
                Syscalls.getppid(100); // fill the ring: 30 records of 136 bytes fit in 4096
                int fitted = 100 - (int) drops.total();
                assertEquals(30, fitted);
                assertEquals(fitted, reader.consume(0), "the batch is what was there when it started");
                long droppedDuringBatch = drops.total() - (100 - fitted);
                assertTrue(droppedDuringBatch < fitted, "writes during the batch found freed space; dropped "
                        + droppedDuringBatch + " of " + fitted);
                assertTrue(droppedDuringBatch >= 6, "no room until a quarter of the ring was consumed; dropped "
                        + droppedDuringBatch);
            }
        }
    }

    @Test
    void discardedRecordsAreSkippedAndCounted() {
        try (BpfMap seq = EventProgram.sequenceMap();
             BpfMap ring = BpfMap.create(MapSpec.ringBuffer("rbdisc", 64 * 1024));
             Program prog = EventProgram.forThisThread(seq).recordSize(16).ring(ring).reserveDiscardOdd().load();
             TestTracepoint tp = TestTracepoint.getppid(prog)) {
            Collector c = new Collector(16);
            try (RingBufferReader reader = RingBufferReader.open(ring, c)) {
                Syscalls.getppid(100);
                assertEquals(50, reader.consume());
                List<Long> even = new ArrayList<>();
                for (long i = 0; i < 100; i += 2) even.add(i);
                assertEquals(even, c.seqs);
                assertEquals(50, reader.stats(0).records());
                assertEquals(50, reader.stats(0).discarded());
            }
        }
    }

    @Test
    void severalRingsInOneReaderGoToTheirOwnHandlers() {
        try (BpfMap seq = EventProgram.sequenceMap();
             BpfMap ringA = BpfMap.create(MapSpec.ringBuffer("rba", 16 * 1024));
             BpfMap ringB = BpfMap.create(MapSpec.ringBuffer("rbb", 32 * 1024));
             Program prog = EventProgram.forThisThread(seq).recordSize(24).ring(ringA).ring(ringB).load();
             TestTracepoint tp = TestTracepoint.getppid(prog)) {
            Collector a = new Collector(24);
            Collector b = new Collector(24);
            try (RingBufferReader reader = RingBufferReader.builder().add(ringA, a).add(ringB, b).build()) {
                assertEquals(2, reader.ringCount());
                Syscalls.getppid(300);
                for (int i = 0; i < 200 && (a.seqs.size() < 300 || b.seqs.size() < 300); i++) {
                    reader.poll(Duration.ofMillis(50));
                }
                assertSequence(0, 300, a.seqs, "records");
                assertSequence(0, 300, b.seqs, "records");
                assertTrue(a.ringsSeen.stream().allMatch(r -> r == 0));
                assertTrue(b.ringsSeen.stream().allMatch(r -> r == 1));
                assertEquals(300, reader.stats(1).records());
                assertEquals("ring buffer 'rbb'", reader.stats(1).name());
            }
        }
    }

    @Test
    void maxRecordsPerRingBoundsEachBatch() {
        try (BpfMap seq = EventProgram.sequenceMap();
             BpfMap ring = BpfMap.create(MapSpec.ringBuffer("rbmax", 16 * 1024));
             Program prog = EventProgram.forThisThread(seq).ring(ring).load();
             TestTracepoint tp = TestTracepoint.getppid(prog)) {
            Collector c = new Collector(8);
            try (RingBufferReader reader = RingBufferReader.builder().add(ring, c).maxRecordsPerRing(10).build()) {
                Syscalls.getppid(25);
                assertEquals(10, reader.consume());
                assertEquals(10, reader.poll(Duration.ofSeconds(5)));
                assertEquals(5, reader.consume(0));
                assertEquals(0, reader.consume());
                assertSequence(0, 25, c.seqs, "records");
            }
        }
    }

    @Test
    void pollTimesOutWithZeroWhenNothingArrives() {
        try (BpfMap ring = BpfMap.create(MapSpec.ringBuffer("rbidle", 4096));
             RingBufferReader reader = RingBufferReader.open(ring, r -> fail("no records expected"))) {
            assertEquals(0, reader.poll(Duration.ofMillis(30)));
            assertEquals(0, reader.poll(0));
            assertEquals(0, reader.consume());
        }
    }

    @Test
    void closeFromAnotherThreadWakesABlockedPoll() throws Exception {
        try (BpfMap ring = BpfMap.create(MapSpec.ringBuffer("rbclose", 4096))) {
            RingBufferReader reader = RingBufferReader.open(ring, r -> fail("no records expected"));
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
            Thread.sleep(100); // let it block in epoll_wait (if not yet, the closed check fires instead)
            reader.close();
            Throwable t = outcome.get(10, TimeUnit.SECONDS);
            assertInstanceOf(ClosedException.class, t);
            assertTrue(t.getMessage().contains("ring buffer reader is closed"), t.getMessage());
            assertTrue(reader.isClosed());
            assertThrows(ClosedException.class, () -> reader.poll(10));
            assertThrows(ClosedException.class, reader::consume);
            assertThrows(ClosedException.class, () -> reader.stats(0));
            reader.close(); // idempotent
        }
    }

    @Test
    void recordsAndSegmentsKeptPastTheirLifetimeFailCleanly() {
        try (BpfMap seq = EventProgram.sequenceMap();
             BpfMap ring = BpfMap.create(MapSpec.ringBuffer("rbkeep", 4096));
             Program prog = EventProgram.forThisThread(seq).recordSize(16).ring(ring).load();
             TestTracepoint tp = TestTracepoint.getppid(prog)) {
            AtomicReference<RingRecord> kept = new AtomicReference<>();
            AtomicReference<MemorySegment> slice = new AtomicReference<>();
            RingBufferReader reader = RingBufferReader.open(ring, r -> {
                kept.set(r);
                slice.set(r.segment());
                assertEquals(16, slice.get().byteSize());
                assertEquals(r.getLong(8), slice.get().get(JAVA_LONG, 8));
                assertThrows(IndexOutOfBoundsException.class, () -> r.getLong(12));
                assertTrue(slice.get().isReadOnly());
            });
            Syscalls.getppid(1);
            assertEquals(1, reader.consume());
            assertThrows(IllegalStateException.class, () -> kept.get().getLong(0), "record outside its handler");
            reader.close();
            assertThrows(IllegalStateException.class, () -> slice.get().get(JAVA_LONG, 0), "segment after close");
        }
    }

    @Test
    void closeFromInsideAHandlerStopsThePoll() {
        try (BpfMap seq = EventProgram.sequenceMap();
             BpfMap ring = BpfMap.create(MapSpec.ringBuffer("rbself", 4096));
             Program prog = EventProgram.forThisThread(seq).ring(ring).load();
             TestTracepoint tp = TestTracepoint.getppid(prog)) {
            AtomicReference<RingBufferReader> self = new AtomicReference<>();
            List<Long> seen = new ArrayList<>();
            RingBufferReader reader = RingBufferReader.open(ring, r -> {
                seen.add(r.getLong(0));
                self.get().close();
            });
            self.set(reader);
            Syscalls.getppid(5);
            assertEquals(1, reader.consume(), "stops after the record whose handler closed the reader");
            assertEquals(List.of(0L), seen);
            assertTrue(reader.isClosed());
            assertThrows(ClosedException.class, reader::consume);
        }
    }

    @Test
    void handlerExceptionsPropagateAndTheRecordCountsAsConsumed() {
        try (BpfMap seq = EventProgram.sequenceMap();
             BpfMap ring = BpfMap.create(MapSpec.ringBuffer("rbthrow", 4096));
             Program prog = EventProgram.forThisThread(seq).ring(ring).load();
             TestTracepoint tp = TestTracepoint.getppid(prog)) {
            List<Long> seen = new ArrayList<>();
            try (RingBufferReader reader = RingBufferReader.open(ring, r -> {
                long s = r.getLong(0);
                if (s == 2 && !seen.contains(-2L)) {
                    seen.add(-2L);
                    throw new IllegalArgumentException("bad record " + s);
                }
                seen.add(s);
            })) {
                Syscalls.getppid(5);
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, reader::consume);
                assertEquals("bad record 2", e.getMessage());
                assertEquals(2, reader.consume());
                assertEquals(List.of(0L, 1L, -2L, 3L, 4L), seen);
            }
        }
    }

    @Test
    void onlyRingBufferMapsAreAccepted() {
        try (BpfMap perf = BpfMap.create(MapSpec.perfEventArray("notring"));
             BpfMap hash = BpfMap.create(MapSpec.hash("h", 4, 4, 4))) {
            BpfArgumentException e = assertThrows(BpfArgumentException.class,
                    () -> RingBufferReader.open(perf, r -> { }));
            assertTrue(e.getMessage().contains("not a ring buffer") && e.getMessage().contains("PerfBufferReader"),
                    e.getMessage());
            assertThrows(BpfArgumentException.class, () -> RingBufferReader.open(hash, r -> { }));
            assertThrows(IllegalStateException.class, () -> RingBufferReader.builder().build());
        }
    }

    @Test
    void readerOutlivesTheMapObject() {
        try (BpfMap seq = EventProgram.sequenceMap()) {
            BpfMap ring = BpfMap.create(MapSpec.ringBuffer("rbown", 4096));
            Collector c = new Collector(8);
            try (Program prog = EventProgram.forThisThread(seq).ring(ring).load();
                 RingBufferReader reader = RingBufferReader.open(ring, c)) {
                ring.close(); // the program and the reader's own descriptor keep the ring alive
                try (TestTracepoint tp = TestTracepoint.getppid(prog)) {
                    Syscalls.getppid(3);
                    pollUntil(reader, c, 3);
                }
                assertSequence(0, 3, c.seqs, "records");
            }
        }
    }
}
