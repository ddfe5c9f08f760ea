package dev.ebpf4j.bench.report;

import java.util.Arrays;
import java.util.List;

/**
 * Median and range of a sample.
 *
 * <pre>{@code
 * Stats s = Stats.of(List.of(3.0, 1.0, 2.0));   // median 2, min 1, max 3, n 3
 * }</pre>
 */
public record Stats(double median, double min, double max, int n) {

    public static Stats of(List<Double> values) {
        if (values.isEmpty()) throw new IllegalArgumentException("no values");
        double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(v);
        int n = v.length;
        double median = n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
        return new Stats(median, v[0], v[n - 1], n);
    }
}
