package dev.ebpf4j.objects;

import dev.ebpf4j.testkit.TestObjects;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

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

    private final Process process;
    private final BufferedReader out;
    final int pid;

    private MultiTargetProcess(Process process, BufferedReader out) {
        this.process = process;
        this.out = out;
        this.pid = (int) process.pid();
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
            return p.finish();
        }
    }

    /** Starts the binary paused before its calls (attach to {@link #pid}, then {@link #release()}). */
    static MultiTargetProcess startWaiting(int n) {
        return start(n, true);
    }

    private static MultiTargetProcess start(int n, boolean wait) {
        List<String> cmd = new ArrayList<>(List.of(binary().toString(), Integer.toString(n)));
        if (wait) cmd.add("wait");
        try {
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            MultiTargetProcess m = new MultiTargetProcess(p, new BufferedReader(new InputStreamReader(
                    p.getInputStream(), StandardCharsets.UTF_8)));
            if (wait) {
                String ready = m.out.readLine();
                if (!("ready " + m.pid).equals(ready)) {
                    p.destroyForcibly();
                    throw new IllegalStateException("uprobe_multi_target did not get ready: " + ready);
                }
            }
            return m;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Lets a waiting process make its calls; returns the sums it printed. */
    Sums release() {
        try {
            Writer w = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            w.write("go\n");
            w.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return finish();
    }

    private Sums finish() {
        try {
            String line = out.readLine();
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("uprobe_multi_target failed: " + line);
            }
            long[] v = new long[4];
            String[] parts = line.split(" ");
            for (int i = 0; i < 4; i++) v[i] = Long.parseLong(parts[i].substring(parts[i].indexOf('=') + 1));
            return new Sums(v[0], v[1], v[2], v[3]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) process.destroyForcibly();
    }
}
