package dev.ebpf4j.objects;

import dev.ebpf4j.testkit.GatedProcess;
import dev.ebpf4j.testkit.TestObjects;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A run of the native test binary {@code uprobe_multi_target N [wait]}: calls ebpf4j_multi_add N times,
 * ebpf4j_multi_sub 2N times, ebpf4j_multi_mul 3N times and ebpf4j_other once, and prints the sums of their results.
 */
final class MultiTargetProcess implements AutoCloseable {
    /** The sums the process printed. */
    record Sums(long add, long sub, long mul, long other) {
        long total() {
            return add + sub + mul;
        }
    }

    private final GatedProcess process;
    final int pid;

    private MultiTargetProcess(GatedProcess process) {
        this.process = process;
        this.pid = process.pid();
    }

    static Path binary() {
        return TestObjects.nativeBinary("uprobe_multi_target");
    }

    /** The sums for {@code n}, as the binary computes them. */
    static Sums expected(int n) {
        long add = 0, sub = 0, mul = 0;
        for (long i = 0; i < n; i++) add += i + 100;
        for (long i = 0; i < 2L * n; i++) sub += i - 100;
        for (long i = 0; i < 3L * n; i++) mul += i * 3;
        return new Sums(add, sub, mul, 7);
    }

    /** Runs the binary to completion. */
    static Sums run(int n) {
        try (MultiTargetProcess p = start(n, false)) {
            return sums(p.process.finish());
        }
    }

    /** Starts the binary paused before its calls (attach to {@link #pid}, then {@link #release()}). */
    static MultiTargetProcess startWaiting(int n) {
        return start(n, true);
    }

    private static MultiTargetProcess start(int n, boolean wait) {
        List<String> cmd = new ArrayList<>(List.of(binary().toString(), Integer.toString(n)));
        if (wait) cmd.add("wait");
        return new MultiTargetProcess(GatedProcess.start(cmd, wait));
    }

    /** Lets a waiting process make its calls; returns the sums it printed. */
    Sums release() {
        return sums(process.release());
    }

    /** Parses the one line "add=A sub=S mul=M other=O". */
    private static Sums sums(List<String> lines) {
        if (lines.size() != 1) throw new IllegalStateException("uprobe_multi_target printed " + lines);
        long[] v = new long[4];
        String[] parts = lines.get(0).split(" ");
        for (int i = 0; i < 4; i++) v[i] = Long.parseLong(parts[i].substring(parts[i].indexOf('=') + 1));
        return new Sums(v[0], v[1], v[2], v[3]);
    }

    @Override
    public void close() {
        process.close();
    }
}
