package dev.ebpf4j.cli.veristat;

import dev.ebpf4j.VerifierStats;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * All the statistics veristat reads from a verifier log: {@link VerifierStats} (instructions, states, peak states,
 * verification time) plus the two figures it does not keep, {@code max_states_per_insn} and {@code mark_read}, from
 * the kernel's summary line ("processed 39 insns (limit 1000000) max_states_per_insn 0 total_states 3 peak_states 3
 * mark_read 1"). Unknown values are -1.
 *
 * <pre>{@code
 * VerifierLogStats s = VerifierLogStats.parse(program.verifierLog());
 * long insns = s.stats().processedInstructions();
 * }</pre>
 */
record VerifierLogStats(VerifierStats stats, long maxStatesPerInsn, long markRead) {
    private static final Pattern SUMMARY = Pattern.compile(
            "processed \\d+ insns \\(limit \\d+\\) max_states_per_insn (\\d+) total_states \\d+ peak_states \\d+"
                    + " mark_read (\\d+)");

    static VerifierLogStats parse(String log) {
        VerifierStats s = VerifierStats.parse(log);
        long perInsn = -1;
        long markRead = -1;
        if (log != null) {
            Matcher m = SUMMARY.matcher(log);
            while (m.find()) {
                perInsn = Long.parseLong(m.group(1));
                markRead = Long.parseLong(m.group(2));
            }
        }
        return new VerifierLogStats(s, perInsn, markRead);
    }
}
