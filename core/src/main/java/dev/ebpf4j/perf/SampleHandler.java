package dev.ebpf4j.perf;

/**
 * Receives perf buffer samples. The {@link PerfSample} is a reused view valid only during the call. An exception
 * thrown here stops the current poll and propagates; the sample that threw counts as consumed.
 *
 * <pre>{@code
 * SampleHandler handler = sample -> seen.add(sample.getLong(0));
 * }</pre>
 */
@FunctionalInterface
public interface SampleHandler {
    void onSample(PerfSample sample);
}
