package dev.ebpf4j.readertests;

import dev.ebpf4j.Program;
import dev.ebpf4j.internal.fs.KernelFilesystems;
import dev.ebpf4j.internal.sys.Fd;
import dev.ebpf4j.internal.sys.PerfEvents;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

/**
 * Minimal raw tracepoint attachment for reader tests (the public TracepointLink lives elsewhere): one perf event for
 * the tracepoint (pid -1, cpu 0; the program runs for every CPU because it hangs off the tracepoint itself), the
 * program set with PERF_EVENT_IOC_SET_BPF, then enabled. Closing detaches.
 */
public final class TestTracepoint implements AutoCloseable {
    private final Fd event;

    private TestTracepoint(Fd event) {
        this.event = event;
    }

    public static TestTracepoint attach(Program program, String category, String name) {
        long id;
        try {
            id = Long.parseLong(Files.readString(KernelFilesystems.tracefs().resolve("events").resolve(category)
                    .resolve(name).resolve("id")).trim());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Fd ev = PerfEvents.open(PerfEvents.Attr.tracepoint(id).samplePeriod(1).wakeupEvents(1), -1, 0, -1,
                "tracepoint " + category + "/" + name);
        try {
            PerfEvents.setBpf(ev.get(), program.fd());
            PerfEvents.enable(ev.get());
        } catch (RuntimeException e) {
            ev.close();
            throw e;
        }
        return new TestTracepoint(ev);
    }

    /** Attaches to {@code syscalls/sys_enter_getppid}, which {@link Syscalls#getppid(int)} fires. */
    public static TestTracepoint getppid(Program program) {
        return attach(program, "syscalls", "sys_enter_getppid");
    }

    @Override
    public void close() {
        try {
            if (!event.isClosed()) PerfEvents.disable(event.get());
        } finally {
            event.close();
        }
    }
}
