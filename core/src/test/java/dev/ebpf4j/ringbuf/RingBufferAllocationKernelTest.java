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
                long allocated = 0;
                long records = 0;
                for (int i = 0; i < 100; i++) {
                    Syscalls.getppid(BATCH);
                    long before = threads.getCurrentThreadAllocatedBytes();
                    int n = reader.poll(1000);
                    n += reader.consume();
                    allocated += threads.getCurrentThreadAllocatedBytes() - before;
                    records += n;
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
}
