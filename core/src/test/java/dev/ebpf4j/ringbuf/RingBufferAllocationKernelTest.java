package dev.ebpf4j.ringbuf;

import dev.ebpf4j.BpfMap;
import dev.ebpf4j.MapSpec;
import dev.ebpf4j.Program;
import dev.ebpf4j.readertests.EventProgram;
import dev.ebpf4j.readertests.Syscalls;
import dev.ebpf4j.readertests.TestTracepoint;
import dev.ebpf4j.testkit.KernelTest;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.*;

/** The steady-state read loop allocates nothing per record (a behaviour, measured with the thread's allocation counter). */
@KernelTest
class RingBufferAllocationKernelTest {
    static final int BATCH = 1000;

    /** A handler that touches every record without allocating: sums and checks order. */
    static final class Summer implements RecordHandler {
        long next;
        long sum;
        boolean inOrder = true;

        @Override
        public void onRecord(RingRecord r) {
            long seq = r.getLong(0);
            if (seq != next) inOrder = false;
            next = seq + 1;
            sum += seq + r.getLong(8) + r.getInt(16) + r.length();
        }
    }

    @Test
    void readingRecordsAllocatesNothingPerRecord() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assertTrue(threads.isThreadAllocatedMemorySupported());
        threads.setThreadAllocatedMemoryEnabled(true);
        try (BpfMap seq = EventProgram.sequenceMap();
             BpfMap ring = BpfMap.create(MapSpec.ringBuffer("rballoc", 256 * 1024));
             Program prog = EventProgram.forThisThread(seq).recordSize(24).ring(ring).load();
             TestTracepoint tp = TestTracepoint.getppid(prog)) {
            Summer summer = new Summer();
            try (RingBufferReader reader = RingBufferReader.open(ring, summer)) {
                // warm-up: let the JIT compile the poll path
                for (int i = 0; i < 100; i++) {
                    Syscalls.getppid(BATCH);
                    reader.poll(1000);
                    reader.consume();
                }
                assertEquals(100L * BATCH, summer.next);
                // Steady state: the first round of 100 x 1000 records allocating under a byte per record (the JIT
                // may need a few rounds on a slow machine), or the last of 10.
                long allocated = 0;
                long records = 0;
                for (int round = 0; round < 10; round++) {
                    allocated = 0;
                    records = 0;
                    for (int i = 0; i < 100; i++) {
                        Syscalls.getppid(BATCH);
                        long before = threads.getCurrentThreadAllocatedBytes();
                        int n = reader.poll(1000);
                        n += reader.consume();
                        allocated += threads.getCurrentThreadAllocatedBytes() - before;
                        records += n;
                    }
                    if (records == 100L * BATCH && (double) allocated / records < 1.0) break;
                }
                assertEquals(100L * BATCH, records, "every record read");
                assertTrue(summer.inOrder);
                double perRecord = (double) allocated / records;
                System.out.printf("ring buffer read loop: %d bytes allocated over %d records (%.4f bytes/record)%n",
                        allocated, records, perRecord);
                assertTrue(perRecord < 1.0, allocated + " bytes allocated for " + records + " records");
            }
        }
    }

    @Test
    void writingUserRingRecordsAllocatesNothingPerRecord() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        threads.setThreadAllocatedMemoryEnabled(true);
        try (BpfMap ring = BpfMap.create(UserRingBufferKernelTest.userRing("urballoc", 256 * 1024));
             BpfMap results = BpfMap.create(MapSpec.array("results", 8, UserRingBufferKernelTest.SLOTS));
             BpfMap count = BpfMap.create(MapSpec.array("count", 8, 1));
             Program drainer = UserRingBufferKernelTest.drainer(ring, results, count);
             UserRingBuffer writer = UserRingBuffer.open(ring)) {
            long allocated = 0;
            long written = 0;
            for (int round = 0; round < 20; round++) {
                allocated = 0;
                written = 0;
                for (int batch = 0; batch < 10; batch++) {
                    long before = threads.getCurrentThreadAllocatedBytes();
                    for (int i = 0; i < 10_000; i++) {
                        UserRingRecord r = writer.tryReserve(16);
                        if (r == null) break;
                        r.putLong(0, i % UserRingBufferKernelTest.SLOTS).putLong(8, i).submit();
                        written++;
                    }
                    allocated += threads.getCurrentThreadAllocatedBytes() - before;
                    UserRingBufferKernelTest.drain(drainer); // not measured: test_run allocates its arguments
                }
                if (written == 100_000 && (double) allocated / written < 1.0) break;
            }
            assertEquals(100_000, written);
            System.out.printf("user ring buffer write loop: %d bytes allocated over %d records%n", allocated, written);
            assertTrue((double) allocated / written < 1.0, allocated + " bytes allocated for " + written + " records");
        }
    }
}
