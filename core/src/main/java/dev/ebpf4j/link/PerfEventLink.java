package dev.ebpf4j.link;

import dev.ebpf4j.BpfArgumentException;
import dev.ebpf4j.BpfException;
import dev.ebpf4j.Program;
import dev.ebpf4j.ProgramType;
import dev.ebpf4j.internal.sys.Cpus;
import dev.ebpf4j.internal.sys.Fd;
import dev.ebpf4j.internal.sys.PerfEvents;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * A {@code perf_event} program attached to sampling perf events, one per CPU (or one per process): the program runs
 * on every sample, e.g. to profile stacks. One {@code PerfEventLink} owns all the events and their attachments and
 * closes them together.
 *
 * <pre>{@code
 * try (Program p = Program.load(ProgramSpec.builder(ProgramType.PERF_EVENT).name("prof").instructions(insns).build());
 *      PerfEventLink l = PerfEventLink.attach(p, PerfEventLink.Options.cpuClock().frequency(99))) {
 *     System.out.println(l.describe());   // perf_event cpu-clock at 99 Hz on CPUs 0-1 → program 'prof' ...
 * }
 * }</pre>
 */
public final class PerfEventLink implements Link {
    private static final String KIND = "PerfEventLink";

    /**
     * Which event to sample, how often, and where.
     *
     * <pre>{@code
     * PerfEventLink.Options.cpuClock().period(100_000).pid(tid);   // one thread, every 100 µs of its CPU time
     * PerfEventLink.Options.cpuClock().frequency(99).cpu(0);        // CPU 0 only, 99 Hz
     * }</pre>
     *
     * @param type      perf event type ({@link PerfEvents#TYPE_SOFTWARE}, {@link PerfEvents#TYPE_HARDWARE}, ...)
     * @param config    event within the type ({@link PerfEvents#SW_CPU_CLOCK}, ...)
     * @param frequency samples per second (0 when {@code period} is used)
     * @param period    events between samples (0 when {@code frequency} is used)
     * @param cpus      CPUs to sample on; null = every online CPU (or any CPU the process runs on, with a pid)
     * @param pid       only this thread (a thread id; a process id names its main thread), -1 = everything on the CPUs
     */
    public record Options(int type, long config, long frequency, long period, BitSet cpus, int pid) {
        public Options {
            cpus = cpus == null ? null : (BitSet) cpus.clone();
        }

        /** The {@code cpu-clock} software event at 49 Hz on every online CPU. */
        public static Options cpuClock() {
            return new Options(PerfEvents.TYPE_SOFTWARE, PerfEvents.SW_CPU_CLOCK, 49, 0, null, -1);
        }

        /** Any perf event ({@code type}, {@code config}) at 49 Hz on every online CPU. */
        public static Options event(int type, long config) {
            return new Options(type, config, 49, 0, null, -1);
        }

        public Options frequency(long hz) { return new Options(type, config, hz, 0, cpus, pid); }
        public Options period(long events) { return new Options(type, config, 0, events, cpus, pid); }
        public Options cpus(BitSet v) { return new Options(type, config, frequency, period, v, pid); }
        public Options cpu(int cpu) {
            BitSet one = new BitSet();
            if (cpu >= 0) one.set(cpu);
            else throw new BpfArgumentException(KIND + ": cpu " + cpu + " is negative");
            return cpus(one);
        }
        public Options pid(int v) { return new Options(type, config, frequency, period, cpus, v); }

        @Override
        public BitSet cpus() {
            return cpus == null ? null : (BitSet) cpus.clone();
        }
    }

    private final List<PerfAttachment> attachments;
    private final List<String> pinNames;
    private final String what;
    private volatile Path pinDir;

    private PerfEventLink(List<PerfAttachment> attachments, List<String> pinNames, String what) {
        this.attachments = attachments;
        this.pinNames = pinNames;
        this.what = what;
    }

    /** Samples the {@code cpu-clock} at {@code frequencyHz} on every online CPU. */
    public static PerfEventLink sampleCpuClock(Program program, long frequencyHz) {
        return attach(program, Options.cpuClock().frequency(frequencyHz));
    }

    /** Opens the events {@code options} describe and attaches {@code program} to each. */
    public static PerfEventLink attach(Program program, Options options) {
        ProgramChecks.requireType(program, KIND, ProgramType.PERF_EVENT);
        if (options == null) throw new BpfArgumentException(KIND + ": options must not be null");
        if ((options.frequency() <= 0) == (options.period() <= 0)) {
            throw new BpfArgumentException(KIND + ": give either a positive frequency or a positive period "
                    + "(frequency " + options.frequency() + ", period " + options.period() + ")");
        }
        if (options.pid() < -1) throw new BpfArgumentException(KIND + ": pid " + options.pid() + " is invalid");
        BitSet online = Cpus.online();
        List<Integer> cpus = new ArrayList<>();
        BitSet wanted = options.cpus();
        if (wanted == null) {
            if (options.pid() >= 0) cpus.add(-1);
            else online.stream().forEach(cpus::add);
        } else {
            if (wanted.isEmpty()) throw new BpfArgumentException(KIND + ": the CPU set is empty");
            BitSet offline = (BitSet) wanted.clone();
            offline.andNot(online);
            if (!offline.isEmpty()) {
                throw new BpfArgumentException(KIND + ": CPUs " + offline + " are not online (online: " + online + ")");
            }
            wanted.stream().forEach(cpus::add);
        }
        String rate = options.frequency() > 0 ? options.frequency() + " Hz" : "every " + options.period() + " events";
        String event = eventName(options.type(), options.config());
        String where = options.pid() >= 0 ? "pid " + options.pid() + (cpus.get(0) >= 0 ? " on CPUs " + cpus : "")
                : "CPUs " + cpus;
        PerfEvents.Attr attr = new PerfEvents.Attr(options.type(), options.config(), 0, 0, 0, 0, 0, 0, 0)
                .withFlags(PerfEvents.Attr.DISABLED);
        attr = options.frequency() > 0 ? attr.sampleFrequency(options.frequency()) : attr.samplePeriod(options.period());
        List<PerfAttachment> done = new ArrayList<>();
        List<String> names = new ArrayList<>();
        try {
            for (int cpu : cpus) {
                String one = "perf_event " + event + (cpu >= 0 ? " cpu " + cpu : "")
                        + (options.pid() >= 0 ? " pid " + options.pid() : "");
                Fd ev = PerfEvents.open(attr, options.pid(), cpu, -1, one);
                done.add(PerfAttachment.attach(ev, program, 0, one, null));
                names.add(cpu >= 0 ? "cpu" + cpu : "pid" + options.pid());
            }
        } catch (RuntimeException e) {
            for (PerfAttachment a : done) a.close();
            throw e;
        }
        String mode = done.get(0).describeMode();
        return new PerfEventLink(Collections.unmodifiableList(done), List.copyOf(names),
                "perf_event " + event + " at " + rate + " on " + where + " → " + program.describe() + " via " + mode);
    }

    private static String eventName(int type, long config) {
        if (type == PerfEvents.TYPE_SOFTWARE) {
            return switch ((int) config) {
                case PerfEvents.SW_CPU_CLOCK -> "cpu-clock";
                case PerfEvents.SW_TASK_CLOCK -> "task-clock";
                default -> "software event " + config;
            };
        }
        if (type == PerfEvents.TYPE_HARDWARE) return config == 0 ? "cpu-cycles" : "hardware event " + config;
        return "event type " + type + " config " + config;
    }

    /** Number of perf events (one per CPU, or one for a process). */
    public int eventCount() {
        return attachments.size();
    }

    @Override
    public String describe() {
        return what;
    }

    /** The link info of the first event's {@code bpf_link} (they differ only in the event). */
    @Override
    public Optional<LinkInfo> info() {
        return attachments.get(0).info();
    }

    /** The link info of every event's {@code bpf_link}, in CPU order; empty for ioctl attachments. */
    public List<LinkInfo> infos() {
        List<LinkInfo> all = new ArrayList<>();
        for (PerfAttachment a : attachments) a.info().ifPresent(all::add);
        return all;
    }

    /**
     * Pins every event's link under directory {@code path} on bpffs, as {@code cpu0}, {@code cpu1}, ... (or
     * {@code pid<N>}); {@link #unpin()} removes them and the directory.
     */
    @Override
    public void pin(Path path) {
        try {
            for (int i = 0; i < attachments.size(); i++) attachments.get(i).pin(path.resolve(pinNames.get(i)));
        } catch (RuntimeException e) {
            for (PerfAttachment a : attachments) a.unpin();
            try {
                removeDir(path);
            } catch (RuntimeException ignored) {
                // the directory held other pins already; leave it
            }
            throw e;
        }
        pinDir = path;
    }

    @Override
    public void unpin() {
        for (PerfAttachment a : attachments) a.unpin();
        Path d = pinDir;
        pinDir = null;
        if (d != null) removeDir(d);
    }

    private static void removeDir(Path dir) {
        try {
            Files.deleteIfExists(dir);
        } catch (java.io.IOException e) {
            throw new BpfException("cannot remove the pin directory " + dir + ": " + e.getMessage());
        }
    }

    @Override
    public void detach() {
        RuntimeException first = null;
        for (PerfAttachment a : attachments) {
            try {
                a.detach();
            } catch (RuntimeException e) {
                if (first == null) first = e;
            }
        }
        Path d = pinDir;
        pinDir = null;
        if (d != null) {
            try {
                removeDir(d);
            } catch (RuntimeException e) {
                if (first == null) first = e;
            }
        }
        if (first != null) throw first;
    }

    @Override
    public void close() {
        for (PerfAttachment a : attachments) a.close();
    }

    @Override
    public String toString() {
        return "PerfEventLink[" + what + "]";
    }
}
