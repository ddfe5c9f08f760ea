package dev.ebpf4j;

import dev.ebpf4j.internal.VerifierLog;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The verifier's statistics for one program load, from the summary lines the kernel appends to the verifier log
 * ("processed N insns (limit 1000000) max_states_per_insn M total_states T peak_states P mark_read R" and
 * "verification time U usec"). Values the log does not show are -1. Ask for them with
 * {@link Program.LoadOptions#STATS} (the log then holds these lines and, for a rejected program, the reason); for a
 * rejected program's instruction trace as well, use {@code new Program.LoadOptions(1 | 4)}.
 *
 * <pre>{@code
 * try (BpfObject obj = BpfObject.load(spec, BpfObject.LoadOptions.DEFAULT.withVerifierLog(Program.LoadOptions.STATS))) {
 *     VerifierStats s = obj.verifierStats("handle_exec");
 *     System.out.println(s.processedInstructions() + " insns, " + s.totalStates() + " states");
 * } catch (VerifierException e) {
 *     VerifierStats s = VerifierStats.parse(e.log());   // the same figures for a rejected program
 * }
 * }</pre>
 *
 * @param processedInstructions   instructions the verifier processed (veristat's "Insns")
 * @param totalStates             verifier states created (veristat's "States")
 * @param peakStates              the most states alive at once
 * @param verificationTimeMicros  the kernel's verification time in microseconds
 */
public record VerifierStats(int processedInstructions, int totalStates, int peakStates, long verificationTimeMicros) {
    private static final Pattern TIME = Pattern.compile("verification time (\\d+) usec");

    /** No statistics known. */
    public static final VerifierStats UNKNOWN = new VerifierStats(-1, -1, -1, -1);

    /** Reads the statistics from a verifier log (any log level); unknown values are -1. */
    public static VerifierStats parse(String log) {
        if (log == null || log.isEmpty()) return UNKNOWN;
        VerifierLog v = VerifierLog.parse(log);
        long micros = -1;
        Matcher m = TIME.matcher(log);
        while (m.find()) micros = Long.parseLong(m.group(1));
        return new VerifierStats(v.processedInstructions(), v.totalStates(), v.peakStates(), micros);
    }
}
