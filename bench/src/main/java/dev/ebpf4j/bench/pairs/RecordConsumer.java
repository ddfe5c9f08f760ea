package dev.ebpf4j.bench.pairs;

import dev.ebpf4j.perf.PerfSample;
import dev.ebpf4j.perf.SampleHandler;
import dev.ebpf4j.ringbuf.RecordHandler;
import dev.ebpf4j.ringbuf.RingRecord;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * The handler of pairs 1 and 2, the same on both sides: read each record's first 8 bytes (its sequence number) into a
 * sum, count it, and note the time and the thread's CPU time when the count reaches {@link #target}.
 *
 * <pre>{@code
 * RecordConsumer c = new RecordConsumer();
 * RingBufferReader reader = RingBufferReader.open(ring, c);
 * }</pre>
 */
public final class RecordConsumer implements RecordHandler, SampleHandler {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    long received;
    long sum;
    long target = -1;
    long endNanos;
    long endCpu;
    long lost;

    @Override
    public void onRecord(RingRecord record) {
        add(record.getLong(0));
    }

    @Override
    public void onSample(PerfSample sample) {
        add(sample.getLong(0));
    }

    private void add(long seq) {
        sum += seq;
        if (++received == target) {
            endNanos = System.nanoTime();
            endCpu = THREADS.getCurrentThreadCpuTime();
        }
    }

    /** CPU time of the calling thread in nanoseconds (user + system, as CLOCK_THREAD_CPUTIME_ID). */
    static long threadCpu() {
        return THREADS.getCurrentThreadCpuTime();
    }
}
