package dev.ebpf4j.bench.pairs;

import dev.ebpf4j.BpfMap;
import dev.ebpf4j.BpfObject;
import dev.ebpf4j.ObjectSpec;
import dev.ebpf4j.Program;
import dev.ebpf4j.TestRun;
import dev.ebpf4j.perf.PerfBufferReader;
import dev.ebpf4j.ringbuf.RingBufferReader;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Pairs 1 and 2: ebpf4j's {@link RingBufferReader} and {@link PerfBufferReader} consuming what
 * {@code bench_producer.bpf.o} writes; the mirror of {@code bench/src/main/c/rings.c} (same object, record sizes,
 * buffer sizes, modes, warm-up and counts):
 * <ul>
 *   <li><b>drain</b>: the program fills the buffer to 3/4 (test run in this thread, untimed), the reader drains it
 *   with {@code consume()}; only draining is timed. Events/s and CPU ms per million events of the consumer, both
 *   from the median cycle (robust against other work on a shared machine).</li>
 *   <li><b>live</b>: a producer thread test-runs the program back to back while this thread {@code poll}s; the window
 *   ends at the EVENTS-th record after warm-up. Events/s, consumer CPU per million, and the producer's drop share.</li>
 * </ul>
 * After the run the reader must have received exactly the records the program reports as written.
 *
 * <pre>{@code
 * RecordPair.run(true, "drain", 8, 5_000_000, 1_000_000, BenchFiles.bpf("bench_producer"))
 *           .forEach(BenchLine::print);
 * }</pre>
 */
public final class RecordPair {
    static final int BATCH = 64;
    static final long RING_BYTES = 4L << 20;
    static final int PERF_PAGES = 256;
    static final int LIVE_REPEAT = 256;
    static final int PACKET_SIZE = 64;

    private RecordPair() {
    }

    /** A reader of either kind behind one face. */
    private interface Reader extends AutoCloseable {
        int consume();

        int poll(long millis);

        @Override
        void close();
    }

    /** Records per drain cycle: 3/4 of the buffer in whole program runs (as the anchor computes it). */
    static long cycleRecords(boolean ring, int size) {
        long capacity = ring ? RING_BYTES : (long) PERF_PAGES * 4096;
        long span = ring ? (8 + size + 7) / 8 * 8 : 8 + (4 + size + 7) / 8 * 8;
        return capacity * 3 / 4 / span / BATCH * BATCH;
    }

    /** Runs one case and returns its lines. */
    public static List<BenchLine> run(boolean ring, String mode, int size, long events, long warmup, Path object) {
        if (size != 8 && size != 128) throw new IllegalArgumentException("SIZE must be 8 or 128");
        if (!mode.equals("drain") && !mode.equals("live")) throw new IllegalArgumentException("mode must be drain or live");
        String pair = ring ? "ring" : "perf";
        String kase = mode + "-" + size + "B";
        try (BpfObject obj = BpfObject.load(ObjectSpec.read(object))) {
            Program prog = obj.program(pair + "_" + size);
            BpfMap map = obj.map(pair);
            MemorySegment counters = obj.variable("counters").segment();
            RecordConsumer c = new RecordConsumer();
            try (Reader r = ring ? ringReader(map, c) : perfReader(map, c)) {
                return mode.equals("drain")
                        ? drain(pair, kase, r, c, prog, counters, cycleRecords(ring, size), events, warmup)
                        : live(pair, kase, r, c, prog, counters, events, warmup);
            }
        }
    }

    private static Reader ringReader(BpfMap map, RecordConsumer c) {
        RingBufferReader r = RingBufferReader.open(map, c);
        return new Reader() {
            public int consume() {
                return r.consume();
            }

            public int poll(long millis) {
                return r.poll(millis);
            }

            public void close() {
                r.close();
            }
        };
    }

    private static Reader perfReader(BpfMap map, RecordConsumer c) {
        PerfBufferReader r = PerfBufferReader.builder(map).pagesPerCpu(PERF_PAGES).onSample(c)
                .onLost((cpu, n) -> c.lost += n).build();
        return new Reader() {
            public int consume() {
                return r.consume();
            }

            public int poll(long millis) {
                return r.poll(millis);
            }

            public void close() {
                r.close();
            }
        };
    }

    private static long produced(MemorySegment counters) {
        return counters.get(ValueLayout.JAVA_LONG, 0);
    }

    private static long dropped(MemorySegment counters) {
        return counters.get(ValueLayout.JAVA_LONG, 8);
    }

    private static List<BenchLine> drain(String pair, String kase, Reader r, RecordConsumer c, Program prog,
                                         MemorySegment counters, long perCycle, long events, long warmup) {
        int cycles = (int) ((events + perCycle - 1) / perCycle);
        long warmCycles = (warmup + perCycle - 1) / perCycle;
        long[] wall = new long[cycles];
        long[] cpu = new long[cycles];
        TestRun fill = TestRun.withData(new byte[PACKET_SIZE]).repeat((int) (perCycle / BATCH));
        String failure = "";
        for (long i = 0; i < warmCycles + cycles; i++) {
            if (i == warmCycles) {
                c.received = 0;
                c.sum = 0;
            }
            long before = c.received;
            prog.testRun(fill);
            long t0 = System.nanoTime();
            long cpu0 = RecordConsumer.threadCpu();
            while (c.received - before < perCycle) {
                if (r.consume() == 0) break;
            }
            long t1 = System.nanoTime();
            long cpu1 = RecordConsumer.threadCpu();
            if (i >= warmCycles) {
                wall[(int) (i - warmCycles)] = t1 - t0;
                cpu[(int) (i - warmCycles)] = cpu1 - cpu0;
            }
            if (c.received - before != perCycle && failure.isEmpty()) {
                failure = "cycle_got_" + (c.received - before) + "_of_" + perCycle;
            }
        }
        if (dropped(counters) != 0 && failure.isEmpty()) failure = "producer_dropped_" + dropped(counters);
        long n = c.received;
        List<BenchLine> out = new ArrayList<>();
        out.add(BenchLine.of(pair, kase, "events_per_s", perCycle / (median(wall) / 1e9), n).withCheck(c.sum)
                .failedIf(failure));
        out.add(BenchLine.of(pair, kase, "cpu_ms_per_M", median(cpu) / 1e6 / (perCycle / 1e6), n).failedIf(failure));
        return out;
    }

    /** The median, as the anchor computes it (mean of the middle two for an even count). */
    static double median(long[] v) {
        long[] s = v.clone();
        java.util.Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    private static List<BenchLine> live(String pair, String kase, Reader r, RecordConsumer c, Program prog,
                                        MemorySegment counters, long events, long warmup) {
        TestRun burst = TestRun.withData(new byte[PACKET_SIZE]).repeat(LIVE_REPEAT);
        Producer p = new Producer(prog, burst);
        p.start();
        try {
            while (c.received < warmup) {
                p.check();
                r.poll(100);
            }
            long start = c.received;
            long produced0 = produced(counters);
            long dropped0 = dropped(counters);
            c.target = start + events;
            c.endNanos = 0;
            long t0 = System.nanoTime();
            long cpu0 = RecordConsumer.threadCpu();
            while (c.endNanos == 0) {
                p.check();
                r.poll(100);
            }
            long produced1 = produced(counters);
            long dropped1 = dropped(counters);
            p.stopAndJoin();
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (c.received < produced(counters) && System.nanoTime() < deadline) r.poll(10);
            String failure = c.received != produced(counters) || c.lost != 0
                    ? "received_" + c.received + "_of_" + produced(counters) + "_lost_" + c.lost : "";
            double seconds = (c.endNanos - t0) / 1e9;
            double written = produced1 - produced0;
            double dropped = dropped1 - dropped0;
            List<BenchLine> out = new ArrayList<>();
            out.add(BenchLine.of(pair, kase, "events_per_s", events / seconds, events).failedIf(failure));
            out.add(BenchLine.of(pair, kase, "cpu_ms_per_M", (c.endCpu - cpu0) / 1e6 / (events / 1e6), events)
                    .failedIf(failure));
            out.add(BenchLine.of(pair, kase, "dropped_pct", 100.0 * dropped / Math.max(1, written + dropped), events)
                    .failedIf(failure));
            return out;
        } finally {
            p.stopAndJoin();
        }
    }

    /** Test-runs the producer program back to back until stopped. */
    private static final class Producer extends Thread {
        private final Program prog;
        private final TestRun run;
        private volatile boolean stop;
        private volatile RuntimeException error;

        Producer(Program prog, TestRun run) {
            super("bench-producer");
            setDaemon(true);
            this.prog = prog;
            this.run = run;
        }

        @Override
        public void run() {
            try {
                while (!stop) prog.testRun(run);
            } catch (RuntimeException e) {
                error = e;
            }
        }

        /** Rethrows what stopped the producer, if anything did. */
        void check() {
            if (error != null) throw error;
        }

        void stopAndJoin() {
            stop = true;
            try {
                join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (error != null) throw error;
        }
    }
}
