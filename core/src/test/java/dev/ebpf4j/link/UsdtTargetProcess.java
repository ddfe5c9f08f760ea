package dev.ebpf4j.link;

import dev.ebpf4j.testkit.GatedProcess;
import dev.ebpf4j.testkit.TestObjects;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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

    private final GatedProcess process;
    final int pid;

    private UsdtTargetProcess(GatedProcess process) {
        this.process = process;
        this.pid = process.pid();
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
            return p.result(p.process.finish());
        }
    }

    static UsdtTargetProcess start(int n, boolean wait, boolean withLibrary) {
        List<String> cmd = new ArrayList<>(List.of(binary().toString(), Integer.toString(n)));
        if (wait) cmd.add("wait");
        if (withLibrary) cmd.addAll(List.of("lib", library().toString()));
        return new UsdtTargetProcess(GatedProcess.start(cmd, wait));
    }

    /** Lets a waiting process fire its probes; returns what it printed. */
    Result release() {
        return result(process.release());
    }

    private Result result(List<String> lines) {
        int gated = -1;
        int semaphore = -1;
        for (String line : lines) {
            if (line.startsWith("gated ")) gated = Integer.parseInt(line.substring(6).trim());
            if (line.startsWith("semaphore ")) semaphore = Integer.parseInt(line.substring(10).trim());
        }
        return new Result(pid, gated, semaphore);
    }

    @Override
    public void close() {
        process.close();
    }
}
