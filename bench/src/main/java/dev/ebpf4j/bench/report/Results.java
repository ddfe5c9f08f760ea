package dev.ebpf4j.bench.report;

import dev.ebpf4j.bench.pairs.BenchLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a benchmark run collected: measurement lines ({@link BenchLine}), machine facts
 * ({@code META key=value with spaces}) and notes per pair ({@code NOTE pair=startup text with spaces}). Other lines
 * are ignored.
 *
 * <pre>{@code
 * Results r = Results.parse(Files.readAllLines(Path.of("bench/target/results.txt")));
 * List<BenchLine> ring = r.lines("ring");
 * }</pre>
 */
public record Results(List<BenchLine> lines, Map<String, String> meta, Map<String, List<String>> notes) {

    public static Results read(Path file) throws IOException {
        return parse(Files.readAllLines(file));
    }

    public static Results parse(List<String> text) {
        List<BenchLine> lines = new ArrayList<>();
        Map<String, String> meta = new LinkedHashMap<>();
        Map<String, List<String>> notes = new LinkedHashMap<>();
        for (String raw : text) {
            String line = raw.strip();
            if (line.startsWith(BenchLine.PREFIX)) {
                BenchLine.parse(line).ifPresent(lines::add);
            } else if (line.startsWith("META ")) {
                String rest = line.substring(5);
                int eq = rest.indexOf('=');
                if (eq > 0) meta.put(rest.substring(0, eq), rest.substring(eq + 1));
            } else if (line.startsWith("NOTE pair=")) {
                String rest = line.substring("NOTE pair=".length());
                int sp = rest.indexOf(' ');
                if (sp > 0) notes.computeIfAbsent(rest.substring(0, sp), k -> new ArrayList<>()).add(rest.substring(sp + 1));
            }
        }
        return new Results(lines, meta, notes);
    }

    /** The measurement lines of {@code pair}. */
    public List<BenchLine> lines(String pair) {
        return lines.stream().filter(l -> l.pair().equals(pair)).toList();
    }
}
