package dev.ebpf4j.bench.report;

import java.util.List;
import java.util.regex.Pattern;

/**
 * A goal for the ratio ebpf4j ÷ libbpf of one metric in the cases of a pair whose name matches {@code cases}: at
 * least {@code bound} for throughput, at most {@code bound} for time.
 *
 * <pre>{@code
 * Goal g = Goal.GOALS.get(0);                  // ring buffer drain events/s >= 1.2
 * boolean met = g.met(1.31);
 * }</pre>
 */
public record Goal(String pair, Pattern cases, String metric, double bound, String why) {

    /** The goals, applied to the cases that measure what they name. */
    public static final List<Goal> GOALS = List.of(
            new Goal("ring", Pattern.compile("drain-.*"), "events_per_s", 1.2,
                    "ring buffer ≥ 1.2× (consumer-bound drain)"),
            new Goal("perf", Pattern.compile("drain-.*"), "events_per_s", 1.0,
                    "perf buffer ≥ 1.0× (consumer-bound drain)"),
            new Goal("mapops", Pattern.compile(".*"), "ops_per_s", 0.9, "single map op ≥ 0.9×"),
            new Goal("dump", Pattern.compile("batch"), "entries_per_s", 1.0, "batch dump ≥ 1.0×"),
            new Goal("btf", Pattern.compile("warm|cold"), "ms", 1.0, "BTF parse ≤ 1.0× time"),
            new Goal("btf", Pattern.compile("cold"), "first_ms", 1.0, "BTF parse ≤ 1.0× time"),
            new Goal("load", Pattern.compile("warm"), "ms", 1.5, "object load ≤ 1.5× time"),
            new Goal("load", Pattern.compile("cold"), "first_ms", 1.5, "object load ≤ 1.5× time"),
            new Goal("startup", Pattern.compile(".*"), "first_event_ms", 2.0, "tool start-up ≤ 2× time"));

    /** The goal for this pair, case and metric, if any. */
    public static java.util.Optional<Goal> find(String pair, String kase, String metric) {
        return GOALS.stream().filter(g -> g.pair.equals(pair) && g.metric.equals(metric)
                && g.cases.matcher(kase).matches()).findFirst();
    }

    /** Whether {@code ratio} (ebpf4j ÷ libbpf) meets the goal. */
    public boolean met(double ratio) {
        return Metric.of(metric).higherIsBetter() ? ratio >= bound : ratio <= bound;
    }

    /** "≥ 1.2" or "≤ 1.5". */
    public String text() {
        return (Metric.of(metric).higherIsBetter() ? "≥ " : "≤ ") + trim(bound);
    }

    static String trim(double d) {
        return d == Math.rint(d) ? String.format(java.util.Locale.ROOT, "%.1f", d) : Double.toString(d);
    }
}
