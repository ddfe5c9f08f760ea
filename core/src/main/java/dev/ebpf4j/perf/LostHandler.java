package dev.ebpf4j.perf;

/**
 * Told when the kernel reports samples lost because a CPU's perf buffer was full ({@code PERF_RECORD_LOST}). The
 * kernel writes that report into the same buffer once space is free again, so losses are learnt after the fact, in
 * order with the samples around them.
 *
 * <pre>{@code
 * LostHandler lost = (cpu, count) -> log.warning(count + " samples lost on cpu " + cpu);
 * }</pre>
 */
@FunctionalInterface
public interface LostHandler {
    void onLost(int cpu, long count);
}
