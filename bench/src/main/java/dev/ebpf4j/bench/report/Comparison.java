package dev.ebpf4j.bench.report;

import dev.ebpf4j.bench.pairs.BenchLine;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One row of a pair's table: a case and metric measured on the ebpf4j side, set against the libbpf side's samples of
 * the same case (or, where the C side has a single case, that one: pair 7 compares every JVM variant with the one C
 * tool). Checks that both sides did the same work: every line valid, one count over all samples of both sides, and
 * equal checksums where the lines carry them.
 *
 * <pre>{@code
 * List<Comparison> rows = Comparison.of(results.lines("ring"));
 * rows.get(0).ratio();     // ebpf4j median ÷ libbpf median
 * }</pre>
 */
public record Comparison(String pair, String kase, String baselineCase, Metric metric, Stats java, Stats c,
                         long count, String problem, Optional<Goal> goal) {

    /** Median ratio ebpf4j ÷ libbpf, NaN without a libbpf side. */
    public double ratio() {
        return c == null || c.median() == 0 ? Double.NaN : java.median() / c.median();
    }

    public boolean valid() {
        return problem.isEmpty();
    }

    /** "met", "missed", or "" without a goal or a valid comparison. */
    public String goalStatus() {
        if (goal.isEmpty() || !valid() || Double.isNaN(ratio()) || !metric.comparable()) return "";
        return goal.get().met(ratio()) ? "met" : "missed";
    }

    /** Rows for the Java side's cases and metrics of one pair, in the order they first appear. */
    public static List<Comparison> of(List<BenchLine> lines) {
        Set<String> keys = new LinkedHashSet<>();
        for (BenchLine l : lines) if (l.side().equals("java")) keys.add(l.kase() + "\u0000" + l.metric());
        Set<String> cCases = new LinkedHashSet<>();
        for (BenchLine l : lines) if (l.side().equals("c")) cCases.add(l.kase());
        List<Comparison> out = new ArrayList<>();
        for (String key : keys) {
            String kase = key.substring(0, key.indexOf('\u0000'));
            String metric = key.substring(key.indexOf('\u0000') + 1);
            String baseline = cCases.contains(kase) ? kase : cCases.size() == 1 ? cCases.iterator().next() : null;
            List<BenchLine> j = select(lines, "java", kase, metric);
            List<BenchLine> c = baseline == null ? List.of() : select(lines, "c", baseline, metric);
            String pair = j.get(0).pair();
            out.add(new Comparison(pair, kase, baseline, Metric.of(metric), stats(j), c.isEmpty() ? null : stats(c),
                    j.get(0).count(), problem(j, c), Goal.find(pair, kase, metric)));
        }
        return out;
    }

    private static List<BenchLine> select(List<BenchLine> lines, String side, String kase, String metric) {
        return lines.stream().filter(l -> l.side().equals(side) && l.kase().equals(kase) && l.metric().equals(metric))
                .toList();
    }

    private static Stats stats(List<BenchLine> lines) {
        List<Double> ok = lines.stream().filter(BenchLine::ok).map(BenchLine::value).toList();
        return ok.isEmpty() ? Stats.of(lines.stream().map(BenchLine::value).toList()) : Stats.of(ok);
    }

    /** Why the two sides cannot be compared, or "" when they did the same work. */
    static String problem(List<BenchLine> java, List<BenchLine> c) {
        for (BenchLine l : java) if (!l.ok()) return "ebpf4j self-check failed: " + l.note();
        for (BenchLine l : c) if (!l.ok()) return "libbpf self-check failed: " + l.note();
        if (c.isEmpty()) return "";            // an ebpf4j-only figure (no ratio)
        Set<Long> jc = counts(java);
        Set<Long> cc = counts(c);
        if (jc.size() != 1 || !jc.equals(cc)) return "counts differ: ebpf4j " + jc + " vs libbpf " + cc;
        Set<Long> jk = checks(java);
        Set<Long> ck = checks(c);
        if (!jk.isEmpty() || !ck.isEmpty()) {
            if (jk.size() != 1 || !jk.equals(ck)) {
                return "checksums differ: ebpf4j " + hex(jk) + " vs libbpf " + hex(ck);
            }
        }
        return "";
    }

    private static Set<Long> counts(List<BenchLine> lines) {
        Set<Long> s = new LinkedHashSet<>();
        for (BenchLine l : lines) s.add(l.count());
        return s;
    }

    private static Set<Long> checks(List<BenchLine> lines) {
        Set<Long> s = new LinkedHashSet<>();
        for (BenchLine l : lines) if (l.check() != 0) s.add(l.check());
        return s;
    }

    private static String hex(Set<Long> s) {
        return s.stream().map(Long::toHexString).toList().toString();
    }
}
