package dev.ebpf4j.bench.pairs;

import dev.ebpf4j.BpfObject;
import dev.ebpf4j.ObjectSpec;
import dev.ebpf4j.Program;

import java.nio.file.Path;

/**
 * Pair 6: opening and loading the CO-RE object {@code bench_core.bpf.o} (8 programs, 3 maps, .rodata, .bss) with
 * {@link ObjectSpec#read(Path)} + {@link BpfObject#load(ObjectSpec)}; closing is not timed. The mirror of
 * {@code bench/src/main/c/load.c}: warm is the median of N loads after unreported ones (N, and for at least a
 * second); cold ({@link #child}) is the first load in a fresh JVM. count is the number of programs loaded, check the sum of their translated instruction
 * counts (both loaders must produce the same code).
 *
 * <p>Note: ebpf4j parses the kernel's BTF once per process ({@code Btf.vmlinux()}) and reuses it for CO-RE, while
 * libbpf parses it in every {@code bpf_object__load}; warm loads therefore favour ebpf4j, cold loads do not.
 *
 * <pre>{@code
 * ObjectLoadPair.warm(10, BenchFiles.bpf("bench_core")).print();
 * }</pre>
 */
public final class ObjectLoadPair {
    private ObjectLoadPair() {
    }

    public static BenchLine warm(int n, Path object) {
        long[] result = new long[2];
        long[] times = new long[n];
        long warmUntil = System.nanoTime() + BtfPair.WARMUP_NANOS;
        for (int i = 0; i < n || System.nanoTime() < warmUntil; i++) loadOnce(object, result);
        for (int i = 0; i < n; i++) times[i] = loadOnce(object, result);
        return BenchLine.of("load", "warm", "ms", RecordPair.median(times) / 1e6, result[0]).withCheck(result[1]);
    }

    /** Loads once; returns the time taken and stores programs and instructions in {@code result}. */
    static long loadOnce(Path object, long[] result) {
        long t0 = System.nanoTime();
        try (BpfObject obj = BpfObject.load(ObjectSpec.read(object))) {
            long t = System.nanoTime() - t0;
            long insns = 0;
            for (Program p : obj.programs().values()) insns += p.info().xlatedLength() / 8;
            result[0] = obj.programs().size();
            result[1] = insns;
            return t;
        }
    }

    /** One cold load, as {@code CHILD main_ns=... work_ns=... count=... check=...}. */
    public static String child(long mainNanos, Path object) {
        long[] result = new long[2];
        long t = loadOnce(object, result);
        return "CHILD main_ns=" + mainNanos + " work_ns=" + t + " count=" + result[0] + " check="
                + Long.toHexString(result[1]);
    }
}
