package dev.ebpf4j.bench.pairs;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One measurement, printed as one line in the format the libbpf anchor ({@code bench/src/main/c}) prints too:
 *
 * <pre>
 * BENCH pair=ring case=drain-8B side=java metric=events_per_s value=1.2e+07 count=5111808 check=115dffd90000 ok=1
 * </pre>
 *
 * {@code count} is what the side saw (events, entries, programs) and must equal the other side's; {@code check} is an
 * optional checksum (hex) that must agree as well; {@code ok=0} with a {@code note} marks a failed self-check (for
 * example records lost by the reader).
 *
 * <pre>{@code
 * BenchLine.of("mapops", "hash-lookup", "ops_per_s", 1.0e6, 200_000).withCheck(sum).print();
 * BenchLine parsed = BenchLine.parse("BENCH pair=... ").orElseThrow();
 * }</pre>
 */
public record BenchLine(String pair, String kase, String side, String metric, double value, long count, long check,
                        boolean ok, String note) {

    /** The prefix of every measurement line. */
    public static final String PREFIX = "BENCH ";

    /** A valid Java-side measurement without checksum. */
    public static BenchLine of(String pair, String kase, String metric, double value, long count) {
        return new BenchLine(pair, kase, "java", metric, value, count, 0, true, "");
    }

    public BenchLine withCheck(long c) {
        return new BenchLine(pair, kase, side, metric, value, count, c, ok, note);
    }

    public BenchLine withSide(String s) {
        return new BenchLine(pair, kase, s, metric, value, count, check, ok, note);
    }

    /** Marks the line invalid, or keeps it valid when {@code why} is null or empty. */
    public BenchLine failedIf(String why) {
        return why == null || why.isEmpty() ? this : new BenchLine(pair, kase, side, metric, value, count, check, false, why);
    }

    /** The line as printed. */
    public String format() {
        StringBuilder b = new StringBuilder(PREFIX).append("pair=").append(pair).append(" case=").append(kase)
                .append(" side=").append(side).append(" metric=").append(metric)
                .append(" value=").append(String.format(Locale.ROOT, "%.6g", value))
                .append(" count=").append(Long.toUnsignedString(count));
        if (check != 0) b.append(" check=").append(Long.toHexString(check));
        b.append(" ok=").append(ok ? 1 : 0);
        if (!note.isEmpty()) b.append(" note=").append(note.replace(' ', '_'));
        return b.toString();
    }

    /** Prints the line on standard output and flushes. */
    public void print() {
        System.out.println(format());
        System.out.flush();
    }

    /** Parses a line printed by either side; empty for other lines. */
    public static java.util.Optional<BenchLine> parse(String line) {
        if (!line.startsWith(PREFIX)) return java.util.Optional.empty();
        Map<String, String> f = fields(line.substring(PREFIX.length()));
        try {
            return java.util.Optional.of(new BenchLine(f.get("pair"), f.get("case"), f.get("side"), f.get("metric"),
                    Double.parseDouble(f.get("value")), Long.parseUnsignedLong(f.getOrDefault("count", "0")),
                    Long.parseUnsignedLong(f.getOrDefault("check", "0"), 16), !"0".equals(f.get("ok")),
                    f.getOrDefault("note", "")));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("malformed benchmark line: " + line, e);
        }
    }

    /** Space-separated key=value fields. */
    public static Map<String, String> fields(String text) {
        Map<String, String> f = new LinkedHashMap<>();
        for (String part : text.trim().split("\\s+")) {
            int eq = part.indexOf('=');
            if (eq > 0) f.put(part.substring(0, eq), part.substring(eq + 1));
        }
        return f;
    }
}
