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
 * A run of the native test binary {@code usdt_target N [wait] [lib PATH]} (src/test/bpf/native/usdt_target.c): fires
 * every ebpf4j:* probe N times (and ebpf4j_lib:* of libusdt_lib with "lib"). {@link #start} with {@code wait} starts
 * it paused after it has loaded the library, so probes can be attached to its pid first; {@link #release()} lets it
 * run and returns what it printed.
 */
final class UsdtTargetProcess implements AutoCloseable {
    /** The process and what it printed at the end: how often the gated probe fired, its semaphore's last value. */
    record Result(int pid, int gated, int semaphore) {
    }

    private final Process process;
    private final BufferedReader out;
    final int pid;

    private UsdtTargetProcess(Process process, BufferedReader out, int pid) {
        this.process = process;
        this.out = out;
        this.pid = pid;
    }

    static Path binary() {
        return TestObjects.nativeBinary("usdt_target");
    }

    static Path library() {
        return TestObjects.nativeBinary("libusdt_lib");
    }

    /** Runs the binary to completion. */
    static Result run(int n, boolean withLibrary) {
        try (UsdtTargetProcess p = start(n, false, withLibrary)) {
            return p.finish();
        }
    }

    static UsdtTargetProcess start(int n, boolean wait, boolean withLibrary) {
        List<String> cmd = new ArrayList<>(List.of(binary().toString(), Integer.toString(n)));
        if (wait) cmd.add("wait");
        if (withLibrary) cmd.addAll(List.of("lib", library().toString()));
        try {
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            int pid = (int) p.pid();
            if (wait) {
                String ready = r.readLine();
                if (ready == null || !ready.equals("ready " + pid)) {
                    p.destroyForcibly();
                    throw new IllegalStateException("usdt_target did not get ready: " + ready);
                }
            }
            return new UsdtTargetProcess(p, r, pid);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Lets a waiting process fire its probes; returns what it printed. */
    Result release() {
        try {
            Writer w = new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            w.write("go\n");
            w.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return finish();
    }

    private Result finish() {
        try {
            int gated = -1;
            int semaphore = -1;
            for (String line; (line = out.readLine()) != null; ) {
                if (line.startsWith("gated ")) gated = Integer.parseInt(line.substring(6).trim());
                if (line.startsWith("semaphore ")) semaphore = Integer.parseInt(line.substring(10).trim());
            }
            if (!process.waitFor(30, TimeUnit.SECONDS)) throw new IllegalStateException("usdt_target hangs");
            if (process.exitValue() != 0) throw new IllegalStateException("usdt_target exit " + process.exitValue());
            return new Result(pid, gated, semaphore);
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
