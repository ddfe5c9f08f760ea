package dev.ebpf4j.internal;

import java.time.Duration;

/**
 * Timeout arithmetic shared by the blocking readers: durations to epoll milliseconds (rounded up, so a wait never ends
 * early; negative or zero means "don't wait"; beyond what a long of nanoseconds holds means "forever") and deadlines.
 *
 * <pre>{@code
 * long deadline = Timeouts.deadline(Timeouts.millis(Duration.ofSeconds(1)));
 * int wait = Timeouts.remainingMillis(deadline);   // -1 forever, 0 expired, else milliseconds left
 * }</pre>
 */
public final class Timeouts {
    private static final long FOREVER = Long.MAX_VALUE;

    private Timeouts() {
    }

    /** {@code timeout} in milliseconds, rounded up; 0 for zero or negative, -1 for "practically forever". */
    public static long millis(Duration timeout) {
        long nanos;
        try {
            nanos = timeout.toNanos();
        } catch (ArithmeticException tooLong) {
            return -1;
        }
        return nanos <= 0 ? 0 : Math.max(1, (nanos + 999_999) / 1_000_000);
    }

    /** The {@link System#nanoTime()} deadline of a wait of {@code timeoutMillis} (-1 or other negatives: none). */
    public static long deadline(long timeoutMillis) {
        if (timeoutMillis < 0 || timeoutMillis >= FOREVER / 2_000_000) return FOREVER;
        return System.nanoTime() + timeoutMillis * 1_000_000L;
    }

    /** Milliseconds left until {@code deadline} for epoll_wait: -1 without deadline, 0 once passed. */
    public static int remainingMillis(long deadline) {
        if (deadline == FOREVER) return -1;
        long left = deadline - System.nanoTime();
        if (left <= 0) return 0;
        return (int) Math.min(Integer.MAX_VALUE, (left + 999_999) / 1_000_000);
    }
}
