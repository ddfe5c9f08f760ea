package dev.ebpf4j.link;

import dev.ebpf4j.testkit.GatedProcess;
import dev.ebpf4j.testkit.TestObjects;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A run of the native test binary {@code uprobe_target N VALUE [wait]}: calls ebpf4j_uprobe_target(VALUE + i) N
 * times. {@link #startWaiting} starts it paused (so probes can be attached to its pid), {@link #release()} lets it
 * run and returns the results it printed.
 */
final class UprobeTargetProcess implements AutoCloseable {
    private final GatedProcess process;
    final int pid;

    private UprobeTargetProcess(GatedProcess process) {
        this.process = process;
        this.pid = process.pid();
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
            return results(p.process.finish());
        }
    }

    /** Starts the binary paused before its calls. */
    static UprobeTargetProcess startWaiting(int n, int value) {
        return start(n, value, true);
    }

    private static UprobeTargetProcess start(int n, int value, boolean wait) {
        List<String> cmd = new ArrayList<>(List.of(binary().toString(), Integer.toString(n), Integer.toString(value)));
        if (wait) cmd.add("wait");
        return new UprobeTargetProcess(GatedProcess.start(cmd, wait));
    }

    /** Lets a waiting process make its calls; returns the printed results. */
    List<Integer> release() {
        return results(process.release());
    }

    private static List<Integer> results(List<String> lines) {
        return lines.stream().map(l -> Integer.parseInt(l.trim())).toList();
    }

    @Override
    public void close() {
        process.close();
    }
}
