package dev.ebpf4j.cli.veristat;

import dev.ebpf4j.cli.output.JsonWriter;

import java.io.PrintWriter;
import java.util.List;

/**
 * Prints veristat's results: its default table (header, a line of dashes, one row per program with strings
 * left-aligned and numbers right-aligned, columns two spaces apart, dashes again and the {@code Done.} summary), or
 * one JSON array of objects with veristat's stat names.
 *
 * <pre>{@code
 * VeristatTable.print(result, out);
 * // File          Program  Verdict  Duration (us)  Insns  States
 * // ------------  -------  -------  -------------  -----  ------
 * // xdp.bpf.o     pass     success             42      2       0
 * }</pre>
 */
final class VeristatTable {
    private static final String SEPARATOR = "  ";
    private static final String[] HEADERS = {"File", "Program", "Verdict", "Duration (us)", "Insns", "States"};
    private static final boolean[] LEFT = {true, true, true, false, false, false};
    /** veristat's placeholder for a value that does not exist (the program of an object that did not parse). */
    private static final String NOT_AVAILABLE = "N/A";

    private VeristatTable() {
    }

    static void print(Veristat.Result result, PrintWriter out) {
        List<VeristatRow> rows = result.rows();
        String[][] cells = new String[rows.size()][];
        int[] widths = new int[HEADERS.length];
        for (int c = 0; c < HEADERS.length; c++) widths[c] = HEADERS[c].length();
        for (int r = 0; r < rows.size(); r++) {
            VeristatRow row = rows.get(r);
            cells[r] = new String[] {row.file(), row.program() == null ? NOT_AVAILABLE : row.program(), row.verdict(),
                    Long.toString(row.durationMicros()), Long.toString(row.insns()), Long.toString(row.states())};
            for (int c = 0; c < HEADERS.length; c++) widths[c] = Math.max(widths[c], cells[r][c].length());
        }
        line(out, HEADERS, widths);
        dashes(out, widths);
        for (String[] row : cells) line(out, row, widths);
        dashes(out, widths);
        int programs = (int) rows.stream().filter(r -> r.program() != null).count();
        out.print("Done. Processed " + result.filesProcessed() + " files, " + programs + " programs. Skipped "
                + result.filesSkipped() + " files, 0 programs.\n");
    }

    private static void line(PrintWriter out, String[] values, int[] widths) {
        StringBuilder sb = new StringBuilder();
        for (int c = 0; c < values.length; c++) {
            if (c > 0) sb.append(SEPARATOR);
            String v = values[c];
            int pad = widths[c] - v.length();
            if (LEFT[c]) {
                sb.append(v);
                if (c < values.length - 1) sb.repeat(' ', pad);
            } else {
                sb.repeat(' ', pad).append(v);
            }
        }
        out.print(sb.append('\n'));
    }

    private static void dashes(PrintWriter out, int[] widths) {
        StringBuilder sb = new StringBuilder();
        for (int c = 0; c < widths.length; c++) {
            if (c > 0) sb.append(SEPARATOR);
            sb.repeat('-', widths[c]);
        }
        out.print(sb.append('\n'));
    }

    /** The results as one JSON array; failures carry {@code error} (and {@code log} with --log). */
    static void json(Veristat.Result result, JsonWriter w) {
        w.startArray();
        for (VeristatRow r : result.rows()) {
            w.startObject().stringField("file_name", r.file());
            if (r.program() == null) w.nullField("prog_name");
            else w.stringField("prog_name", r.program());
            w.stringField("verdict", r.verdict())
                    .uintField("duration", r.durationMicros())
                    .uintField("total_insns", r.insns())
                    .uintField("total_states", r.states())
                    .uintField("peak_states", r.peakStates())
                    .uintField("max_states_per_insn", r.maxStatesPerInsn())
                    .uintField("mark_read", r.markRead());
            if (r.error() != null) w.stringField("error", r.error());
            if (r.log() != null) w.stringField("log", r.log());
            w.endObject();
        }
        w.endArray();
    }
}
