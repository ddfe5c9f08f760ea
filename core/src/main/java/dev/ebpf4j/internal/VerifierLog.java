package dev.ebpf4j.internal;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a kernel verifier log: the instruction it stopped at (the last "N: (op) ..." line), the reason (the last line
 * that is neither an instruction trace nor statistics), and the statistics line's counts.
 *
 * <pre>{@code
 * VerifierLog log = VerifierLog.parse(text);
 * log.failingInstruction();   // 3
 * log.reason();               // "R0 !read_ok"
 * log.totalStates();          // from "processed 4 insns ... total_states 0 ..."
 * }</pre>
 */
public record VerifierLog(String text, int failingInstruction, String reason, int processedInstructions,
                          int totalStates, int peakStates) {
    private static final Pattern INSN = Pattern.compile("^(\\d+): \\([0-9a-f]{2}\\)");
    private static final Pattern STATS = Pattern.compile(
            "processed (\\d+) insns \\(limit \\d+\\) max_states_per_insn \\d+ total_states (\\d+) peak_states (\\d+)");

    /** Parses {@code text} (may be empty). */
    public static VerifierLog parse(String text) {
        String t = text == null ? "" : text;
        List<String> lines = t.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        int insn = -1;
        String reason = "";
        int processed = -1;
        int states = -1;
        int peak = -1;
        for (String line : lines) {
            Matcher m = INSN.matcher(line);
            if (m.find()) {
                insn = Integer.parseInt(m.group(1));
                continue;
            }
            Matcher s = STATS.matcher(line);
            if (s.find()) {
                processed = Integer.parseInt(s.group(1));
                states = Integer.parseInt(s.group(2));
                peak = Integer.parseInt(s.group(3));
                continue;
            }
            if (isBookkeeping(line)) continue;
            reason = line;
        }
        return new VerifierLog(t, insn, reason, processed, states, peak);
    }

    private static boolean isBookkeeping(String line) {
        return line.startsWith("verification time") || line.startsWith("stack depth")
                || line.startsWith("processed ") || line.startsWith("func#") || line.startsWith("last_idx")
                || line.startsWith("regs=") || line.startsWith("parent ") || line.startsWith("from ")
                || line.startsWith(";") || line.startsWith("mark_precise") || line.startsWith("Validating")
                || line.startsWith("Func#") || line.startsWith("live regs") || line.matches("^\\d+:.*")
                || line.startsWith("-- END PROG LOAD LOG --");
    }
}
