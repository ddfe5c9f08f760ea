package dev.ebpf4j.bench.pairs;

import dev.ebpf4j.btf.Btf;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Pair 5: parsing the running kernel's BTF; the mirror of {@code bench/src/main/c/btf.c}.
 * <ul>
 *   <li>warm: {@link Btf#read(Path)} of {@code /sys/kernel/btf/vmlinux}, N times in this process after unreported parses
 *   (N, and for at least a second), median per parse (libbpf: {@code btf__load_vmlinux_btf}, which reads the file the same way);
 *   "warm-find" adds a lookup of {@code struct task_struct} by name after each parse.</li>
 *   <li>cold ({@link #child(long)}): the first {@link Btf#vmlinux()} in a fresh JVM, what a tool pays; printed as a
 *   CHILD line for the anchor's {@code spawn}, which also times the JVM's start.</li>
 * </ul>
 * count is {@link Btf#typeCount()} (types including void), which must equal libbpf's {@code btf__type_cnt}.
 *
 * <pre>{@code
 * BtfPair.warm(10).forEach(BenchLine::print);
 * }</pre>
 */
public final class BtfPair {
    static final Path VMLINUX = Path.of("/sys/kernel/btf/vmlinux");
    /** Warm-up: N iterations and at least this long (both sides), so the JIT has compiled the parser. */
    static final long WARMUP_NANOS = 1_000_000_000L;

    private BtfPair() {
    }

    public static List<BenchLine> warm(int n) {
        List<BenchLine> out = new ArrayList<>();
        long[] times = new long[n];
        for (boolean find : new boolean[] {false, true}) {
            int count = 0;
            long warmUntil = System.nanoTime() + WARMUP_NANOS;
            for (int i = 0; i < n || System.nanoTime() < warmUntil; i++) parseOnce(find);
            for (int i = 0; i < n; i++) {
                long t0 = System.nanoTime();
                count = parseOnce(find);
                times[i] = System.nanoTime() - t0;
            }
            out.add(BenchLine.of("btf", find ? "warm-find" : "warm", "ms", RecordPair.median(times) / 1e6, count));
        }
        return out;
    }

    private static int parseOnce(boolean find) {
        Btf btf = Btf.read(VMLINUX);
        if (find && btf.findStruct("task_struct").isEmpty()) throw new IllegalStateException("no struct task_struct");
        return btf.typeCount();
    }

    /** One cold parse, as {@code CHILD main_ns=... work_ns=... count=...}; {@code mainNanos} is taken in main. */
    public static String child(long mainNanos) {
        long t0 = System.nanoTime();
        Btf btf = Btf.vmlinux();
        long t = System.nanoTime() - t0;
        return "CHILD main_ns=" + mainNanos + " work_ns=" + t + " count=" + btf.typeCount();
    }
}
