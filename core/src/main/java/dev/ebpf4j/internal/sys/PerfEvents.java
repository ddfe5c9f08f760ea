package dev.ebpf4j.internal.sys;

import dev.ebpf4j.BpfException;
import dev.ebpf4j.Errno;
import dev.ebpf4j.NotSupportedException;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * {@code perf_event_open(2)} and the perf ioctls BPF needs. Opens software events (BPF output for perf buffers,
 * cpu-clock sampling), tracepoint events, and kprobe/uprobe PMU events described by an {@link Attr}.
 *
 * <pre>{@code
 * Fd ev = PerfEvents.open(PerfEvents.Attr.software(PerfEvents.SW_BPF_OUTPUT).sampleType(PerfEvents.SAMPLE_RAW)
 *         .wakeupEvents(1), -1, cpu, -1, "perf buffer cpu " + cpu);
 * PerfEvents.enable(ev.get());
 * }</pre>
 */
public final class PerfEvents {
    public static final int TYPE_HARDWARE = 0;
    public static final int TYPE_SOFTWARE = 1;
    public static final int TYPE_TRACEPOINT = 2;

    public static final int SW_CPU_CLOCK = 0;
    public static final int SW_TASK_CLOCK = 1;
    public static final int SW_DUMMY = 9;
    public static final int SW_BPF_OUTPUT = 10;

    public static final long SAMPLE_RAW = 1L << 10;

    public static final long IOC_ENABLE = 0x2400;
    public static final long IOC_DISABLE = 0x2401;
    public static final long IOC_SET_BPF = 0x40042408L;

    private static final int FLAG_FD_CLOEXEC = 8;
    /** PERF_ATTR_SIZE_VER5: covers every field ebpf4j sets. */
    public static final int ATTR_SIZE = 112;

    private static final long NR = SyscallNumbers.current().perfEventOpen();

    private PerfEvents() {
    }

    /**
     * A {@code struct perf_event_attr} in the making; immutable, each method returns a changed copy.
     *
     * @param flags the bitfield word: bit 0 disabled, 1 inherit, 5 exclude_kernel, 10 freq, 14 watermark ...
     */
    public record Attr(int type, long config, long samplePeriodOrFreq, long sampleType, long flags, int wakeup,
                       int bpType, long config1, long config2) {
        public static final long DISABLED = 1;
        public static final long FREQ = 1L << 10;
        public static final long WATERMARK = 1L << 14;

        public static Attr software(int config) {
            return new Attr(TYPE_SOFTWARE, config, 0, 0, 0, 0, 0, 0, 0);
        }

        public static Attr tracepoint(long tracepointId) {
            return new Attr(TYPE_TRACEPOINT, tracepointId, 0, 0, 0, 0, 0, 0, 0);
        }

        public static Attr pmu(int pmuType, long config, long config1, long config2) {
            return new Attr(pmuType, config, 0, 0, 0, 0, 0, config1, config2);
        }

        public Attr sampleType(long v) { return new Attr(type, config, samplePeriodOrFreq, v, flags, wakeup, bpType, config1, config2); }
        public Attr samplePeriod(long v) { return new Attr(type, config, v, sampleType, flags & ~FREQ, wakeup, bpType, config1, config2); }
        public Attr sampleFrequency(long v) { return new Attr(type, config, v, sampleType, flags | FREQ, wakeup, bpType, config1, config2); }
        public Attr wakeupEvents(int v) { return new Attr(type, config, samplePeriodOrFreq, sampleType, flags & ~WATERMARK, v, bpType, config1, config2); }
        public Attr wakeupWatermark(int bytes) { return new Attr(type, config, samplePeriodOrFreq, sampleType, flags | WATERMARK, bytes, bpType, config1, config2); }
        public Attr withFlags(long v) { return new Attr(type, config, samplePeriodOrFreq, sampleType, flags | v, wakeup, bpType, config1, config2); }

        void writeTo(MemorySegment a) {
            a.set(JAVA_INT, 0, type);
            a.set(JAVA_INT, 4, ATTR_SIZE);
            a.set(JAVA_LONG, 8, config);
            a.set(JAVA_LONG, 16, samplePeriodOrFreq);
            a.set(JAVA_LONG, 24, sampleType);
            a.set(JAVA_LONG, 40, flags);
            a.set(JAVA_INT, 48, wakeup);
            a.set(JAVA_INT, 52, bpType);
            a.set(JAVA_LONG, 56, config1);
            a.set(JAVA_LONG, 64, config2);
        }
    }

    /**
     * Opens a perf event for {@code pid} (-1 = any) on {@code cpu} (-1 = any), grouped under {@code groupFd}
     * (-1 = none); close-on-exec. {@code what} names the event in errors.
     */
    public static Fd open(Attr attr, int pid, int cpu, int groupFd, String what) {
        MemorySegment a = CallScratch.get().attr(ATTR_SIZE);
        attr.writeTo(a);
        long r;
        int errno;
        do {
            r = Libc.syscall(NR, a.address(), pid, cpu, groupFd, FLAG_FD_CLOEXEC);
            errno = r < 0 ? CallScratch.get().errno() : 0;
        } while (r < 0 && errno == Errno.EINTR.number());
        if (r < 0) {
            if (errno == Errno.ENOENT.number() || errno == Errno.EOPNOTSUPP.number()) {
                throw new NotSupportedException("perf event " + what, "",
                        "perf_event_open failed with " + Errno.describe(errno), errno);
            }
            throw SysErrors.of("perf_event_open for " + what, errno, Capabilities.CAP_PERFMON);
        }
        return Fd.adopt((int) r, "perf event " + what);
    }

    /** {@code ioctl(fd, PERF_EVENT_IOC_ENABLE)}. */
    public static void enable(int fd) {
        ioctl(fd, IOC_ENABLE, 0, "enabling perf event");
    }

    /** {@code ioctl(fd, PERF_EVENT_IOC_DISABLE)}. */
    public static void disable(int fd) {
        ioctl(fd, IOC_DISABLE, 0, "disabling perf event");
    }

    /** {@code ioctl(fd, PERF_EVENT_IOC_SET_BPF, progFd)}: the pre-bpf_link way to attach to a perf event. */
    public static void setBpf(int fd, int progFd) {
        ioctl(fd, IOC_SET_BPF, progFd, "attaching a BPF program to perf event");
    }

    private static void ioctl(int fd, long request, long arg, String what) {
        if (Libc.ioctl(fd, request, arg) < 0) {
            int errno = CallScratch.get().errno();
            throw new BpfException(what + " (fd " + fd + ") failed: " + Errno.describe(errno), errno);
        }
    }
}
