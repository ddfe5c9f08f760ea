package dev.ebpf4j.bench.report;

import java.util.Map;

/**
 * What a metric name in the result lines means: its label, and whether a higher value is better (throughput) or a
 * lower one (time); {@code comparable} is false for informational figures that get no ratio.
 *
 * <pre>{@code
 * Metric m = Metric.of("events_per_s");   // "events/s", higher is better
 * }</pre>
 */
public record Metric(String name, String label, boolean higherIsBetter, boolean comparable) {
    private static final Map<String, Metric> KNOWN = Map.ofEntries(
            known("events_per_s", "events/s", true),
            known("cpu_ms_per_M", "consumer CPU ms per 1M events", false),
            Map.entry("dropped_pct", new Metric("dropped_pct", "% of records the producer dropped", false, false)),
            known("ops_per_s", "ops/s", true),
            known("entries_per_s", "entries/s", true),
            known("ms", "ms", false),
            known("first_ms", "ms, first in a fresh process", false),
            known("process_ms", "ms, process spawn to exit", false),
            known("to_main_ms", "ms, spawn to main()", false),
            known("first_event_ms", "ms, spawn to first event", false),
            known("first_output_ms", "ms, spawn to first output line", false),
            known("ns_per_insn", "ns per BPF instruction", false));

    private static Map.Entry<String, Metric> known(String name, String label, boolean higher) {
        return Map.entry(name, new Metric(name, label, higher, true));
    }

    /** The metric called {@code name}; unknown names are treated as times. */
    public static Metric of(String name) {
        return KNOWN.getOrDefault(name, new Metric(name, name, false, true));
    }

    /** "higher is better" or "lower is better". */
    public String better() {
        return !comparable ? "info" : higherIsBetter ? "higher" : "lower";
    }
}
