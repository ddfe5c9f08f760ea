package dev.ebpf4j.link;

import dev.ebpf4j.BpfException;
import dev.ebpf4j.internal.sys.Fd;
import dev.ebpf4j.internal.sys.PerfEvents;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A dynamic probe PMU ({@code /sys/bus/event_source/devices/kprobe} or {@code .../uprobe}, Linux 4.17+): its perf
 * event type number and where its {@code format/} files put the return-probe bit and the reference counter offset.
 * Opening an event needs no tracefs and leaves nothing behind when closed.
 *
 * <pre>{@code
 * ProbePmu uprobe = ProbePmu.find("uprobe").orElseThrow();
 * Fd ev = uprobe.open(false, "/usr/bin/bash", 0x4f2a0, 0, -1, "uprobe bash:readline");
 * }</pre>
 *
 * @param retprobeBit    bit of {@code config} that makes a return probe ({@code format/retprobe}, "config:0")
 * @param refCtrShift    first bit of {@code config} holding the USDT semaphore offset, or -1 when unsupported
 */
record ProbePmu(String name, int type, int retprobeBit, int refCtrShift) {
    static final Path DEVICES = Path.of("/sys/bus/event_source/devices");
    private static final Pattern CONFIG_BITS = Pattern.compile("config:(\\d+)(?:-(\\d+))?");

    /** The directory of PMU {@code name}. */
    static Path dir(String name) {
        return DEVICES.resolve(name);
    }

    /** The PMU {@code name} ("kprobe", "uprobe") when this kernel has it. */
    static Optional<ProbePmu> find(String name) {
        Path dir = dir(name);
        if (!Files.isRegularFile(dir.resolve("type"))) return Optional.empty();
        try {
            int type = Integer.parseInt(Files.readString(dir.resolve("type")).trim());
            int ret = bit(dir.resolve("format/retprobe"));
            int ref = bit(dir.resolve("format/ref_ctr_offset"));
            return Optional.of(new ProbePmu(name, type, ret, ref));
        } catch (IOException | NumberFormatException e) {
            throw new BpfException("cannot read the " + name + " PMU description in " + dir + ": " + e.getMessage());
        }
    }

    private static int bit(Path format) throws IOException {
        if (!Files.isRegularFile(format)) return -1;
        Matcher m = CONFIG_BITS.matcher(Files.readString(format).trim());
        if (!m.matches()) throw new IOException("unexpected format '" + Files.readString(format).trim() + "' in " + format);
        return Integer.parseInt(m.group(1));
    }

    /**
     * Opens a probe event: {@code target} is the kernel function (kprobe) or binary path (uprobe), or null with
     * {@code offset} an absolute kernel address; {@code offset} is the offset into the function or file. Events are
     * opened disabled; {@link PerfAttachment} enables them once the program is attached.
     */
    Fd open(boolean returnProbe, String target, long offset, long refCtrOffset, int pid, String what) {
        if (returnProbe && retprobeBit < 0) {
            throw new BpfException("the " + name + " PMU has no format/retprobe bit; return probes need the legacy "
                    + "tracefs interface here");
        }
        if (refCtrOffset != 0 && refCtrShift < 0) {
            throw new dev.ebpf4j.NotSupportedException("uprobe reference counters (USDT semaphores)", "4.20",
                    "the uprobe PMU has no format/ref_ctr_offset");
        }
        long config = (returnProbe ? 1L << retprobeBit : 0) | (refCtrOffset != 0 ? refCtrOffset << refCtrShift : 0);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment t = target == null ? MemorySegment.NULL : arena.allocateFrom(target);
            PerfEvents.Attr attr = PerfEvents.Attr.pmu(type, config, t.address(), offset).samplePeriod(1)
                    .wakeupEvents(1).withFlags(PerfEvents.Attr.DISABLED);
            return PerfEvents.open(attr, pid < 0 ? -1 : pid, pid < 0 ? 0 : -1, -1, what);
        }
    }

    /** Opens the perf event of a legacy tracefs probe, for {@code pid} (-1 = every process). */
    static Fd openTracefs(TracefsProbe probe, int pid, String what) {
        PerfEvents.Attr attr = PerfEvents.Attr.tracepoint(probe.id()).samplePeriod(1).wakeupEvents(1)
                .withFlags(PerfEvents.Attr.DISABLED);
        return PerfEvents.open(attr, pid < 0 ? -1 : pid, pid < 0 ? 0 : -1, -1, what);
    }
}
