package dev.ebpf4j.internal.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The kernel's clocks, for turning BPF timestamps into wall-clock time: program load times
 * ({@code bpf_prog_info.load_time}) are nanoseconds of {@code CLOCK_BOOTTIME}, which keeps counting during suspend.
 *
 * <pre>{@code
 * long loadedAtEpochNs = Clocks.bootTimeEpochNanos() + info.loadTimeNs();
 * }</pre>
 */
public final class Clocks {
    public static final int CLOCK_REALTIME = 0;
    public static final int CLOCK_MONOTONIC = 1;
    public static final int CLOCK_BOOTTIME = 7;

    private Clocks() {
    }

    /** The current value of {@code clockId} in nanoseconds. */
    public static long nanos(int clockId) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ts = arena.allocate(16, 8);
            if (Libc.clockGettime(clockId, ts) != 0) {
                throw SysErrors.of("clock_gettime(" + clockId + ")", CallScratch.get().errno());
            }
            return ts.get(JAVA_LONG, 0) * 1_000_000_000L + ts.get(JAVA_LONG, 8);
        }
    }

    /**
     * The wall-clock time of boot in nanoseconds since the epoch, as {@code CLOCK_REALTIME − CLOCK_BOOTTIME} read
     * back to back: add a boot-time timestamp to get its wall-clock time.
     */
    public static long bootTimeEpochNanos() {
        long real = nanos(CLOCK_REALTIME);
        long boot = nanos(CLOCK_BOOTTIME);
        return real - boot;
    }
}
