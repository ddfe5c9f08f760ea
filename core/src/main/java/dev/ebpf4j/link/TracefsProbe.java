package dev.ebpf4j.link;

import dev.ebpf4j.BpfException;
import dev.ebpf4j.internal.fs.KernelFilesystems;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A dynamic trace event created the legacy way, by writing a probe definition to tracefs {@code kprobe_events} or
 * {@code uprobe_events}: the fallback for kernels without the kprobe/uprobe PMU. Names are unique per process
 * ({@code ebpf4j_<pid>_<n>_<target>}) so concurrent users never collide, and {@link #remove()} deletes the probe
 * again. The control files are always opened for appending: opening them with truncation would delete every probe
 * on the system.
 *
 * <pre>{@code
 * TracefsProbe p = TracefsProbe.create("uprobe_events", "p", "/bin/bash:0x4f2a0", "readline");
 * long id = p.id();          // for perf_event_open(PERF_TYPE_TRACEPOINT, config = id)
 * p.remove();
 * }</pre>
 */
final class TracefsProbe {
    static final String GROUP = "ebpf4j";
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final Path controlFile;
    private final String event;
    private volatile boolean removed;

    private TracefsProbe(Path controlFile, String event) {
        this.controlFile = controlFile;
        this.event = event;
    }

    /** True when tracefs (mounted if needed) has {@code controlFile}, e.g. "kprobe_events". */
    static boolean available(String controlFile) {
        try {
            return Files.exists(KernelFilesystems.tracefs().resolve(controlFile));
        } catch (BpfException e) {
            return false;
        }
    }

    /**
     * Creates probe {@code kind} ("p", "r", "r16" for a kretprobe with maxactive 16) at {@code location}
     * ("func+0x10", "/path:0x1234") in {@code controlFile}; {@code hint} becomes part of the unique name.
     */
    static TracefsProbe create(String controlFile, String kind, String location, String hint) {
        Path file = KernelFilesystems.tracefs().resolve(controlFile);
        String event = uniqueName(hint);
        write(file, kind + ":" + GROUP + "/" + event + " " + location + "\n",
                "creating the probe '" + kind + " " + location + "'");
        return new TracefsProbe(file, event);
    }

    /** "ebpf4j_<pid>_<n>_<sanitised hint>", at most 63 characters (the kernel's limit is 64 with the NUL). */
    static String uniqueName(String hint) {
        String base = GROUP + "_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet() + "_";
        String clean = hint.replaceAll("[^A-Za-z0-9_]", "_");
        int room = 63 - base.length();
        return base + (clean.length() > room ? clean.substring(0, Math.max(0, room)) : clean);
    }

    /** The event name inside the {@value #GROUP} group. */
    String event() {
        return event;
    }

    /** The trace event id of the probe. */
    long id() {
        Path idFile = controlFile.getParent().resolve("events").resolve(GROUP).resolve(event).resolve("id");
        return TracefsEvents.readId(idFile, () -> new BpfException("the probe " + GROUP + "/" + event
                + " was created but " + idFile + " does not exist"));
    }

    /** Deletes the probe; idempotent. Best effort: a probe still in use (a pinned link) stays. */
    void remove() {
        if (removed) return;
        removed = true;
        try {
            write(controlFile, "-:" + GROUP + "/" + event + "\n", "removing probe " + GROUP + "/" + event);
        } catch (BpfException e) {
            // still in use or already gone: nothing more to do
        }
    }

    private static void write(Path file, String line, String what) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ByteBuffer b = ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8));
            while (b.hasRemaining()) ch.write(b);
        } catch (IOException e) {
            throw new BpfException(what + " in " + file + " failed: " + e.getMessage() + "; the kernel explains why in "
                    + file.getParent().resolve("error_log"));
        }
    }
}
