package dev.ebpf4j.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A run of one of the native test binaries (src/test/bpf/native) that take a trailing {@code wait} argument: started
 * that way, the binary prints {@code ready PID} and blocks until it reads a line on stdin, so that probes can be
 * attached to its pid first. {@link #release()} sends that line, {@link #finish()} collects what it printed and
 * checks that it exited with status 0 within 30 seconds. Standard error goes to the test's.
 *
 * <pre>{@code
 * try (GatedProcess p = GatedProcess.start(List.of(binary, "5", "wait"), true)) {
 *     attach(p.pid());
 *     List<String> printed = p.release();
 * }
 * }</pre>
 */
public final class GatedProcess implements AutoCloseable {
    private final Process process;
    private final BufferedReader out;
    private final String name;

    private GatedProcess(Process process, String name) {
        this.process = process;
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.name = name;
    }

    /** Starts {@code command}; with {@code gated}, waits for its {@code ready PID} line. */
    public static GatedProcess start(List<String> command, boolean gated) {
        String name = java.nio.file.Path.of(command.get(0)).getFileName().toString();
        Process p;
        try {
            p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
        GatedProcess g = new GatedProcess(p, name);
        if (gated) {
            String ready;
            try {
                ready = g.out.readLine();
            } catch (IOException e) {
                g.close();
                throw new UncheckedIOException(e);
            }
            if (!("ready " + g.pid()).equals(ready)) {
                g.close();
                throw new IllegalStateException(name + " did not get ready: " + ready);
            }
        }
        return g;
    }

    public int pid() {
        return (int) process.pid();
    }

    /** Lets a gated process go on; returns what it printed (see {@link #finish()}). */
    public List<String> release() {
        try {
            Writer w = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            w.write("go\n");
            w.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return finish();
    }

    /** Every line the process printed (after {@code ready}); throws unless it exited with status 0. */
    public List<String> finish() {
        try {
            List<String> lines = new ArrayList<>();
            for (String line; (line = out.readLine()) != null; ) lines.add(line);
            if (!process.waitFor(30, TimeUnit.SECONDS)) throw new IllegalStateException(name + " hangs: " + lines);
            if (process.exitValue() != 0) {
                throw new IllegalStateException(name + " exit " + process.exitValue() + ": " + lines);
            }
            return lines;
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
