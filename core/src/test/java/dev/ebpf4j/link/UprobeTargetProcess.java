package dev.ebpf4j.link;

import dev.ebpf4j.testkit.TestObjects;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A run of the native test binary {@code uprobe_target N VALUE [wait]}: calls ebpf4j_uprobe_target(VALUE + i) N
 * times. {@link #startWaiting} starts it paused (so probes can be attached to its pid), {@link #release()} lets it
 * run and returns the results it printed.
 */
final class UprobeTargetProcess implements AutoCloseable {
    private final Process process;
    private final BufferedReader out;
    final int pid;

    private UprobeTargetProcess(Process process, BufferedReader out, int pid) {
        this.process = process;
        this.out = out;
        this.pid = pid;
    }

    static Path binary() {
        return TestObjects.nativeBinary("uprobe_target");
    }

    /** ebpf4j_uprobe_target's result for {@code x}. */
    static int expected(int x) {
        return x * 2 + 1;
    }

    /** Runs the binary to completion and returns the printed results. */
    static List<Integer> run(int n, int value) {
        try (UprobeTargetProcess p = start(n, value, false)) {
            return p.finish();
        }
    }

    /** Starts the binary paused before its calls. */
    static UprobeTargetProcess startWaiting(int n, int value) {
        return start(n, value, true);
    }

    private static UprobeTargetProcess start(int n, int value, boolean wait) {
        List<String> cmd = new ArrayList<>(List.of(binary().toString(), Integer.toString(n), Integer.toString(value)));
        if (wait) cmd.add("wait");
        try {
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            int pid = (int) p.pid();
            if (wait) {
                String ready = r.readLine();
                if (ready == null || !ready.equals("ready " + pid)) {
                    p.destroyForcibly();
                    throw new IllegalStateException("uprobe_target did not get ready: " + ready);
                }
            }
            return new UprobeTargetProcess(p, r, pid);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Lets a waiting process make its calls; returns the printed results. */
    List<Integer> release() {
        try {
            Writer w = new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            w.write("go\n");
            w.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return finish();
    }

    private List<Integer> finish() {
        try {
            List<Integer> results = new ArrayList<>();
            for (String line; (line = out.readLine()) != null; ) results.add(Integer.parseInt(line.trim()));
            if (!process.waitFor(30, TimeUnit.SECONDS)) throw new IllegalStateException("uprobe_target hangs");
            if (process.exitValue() != 0) throw new IllegalStateException("uprobe_target exit " + process.exitValue());
            return results;
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
