package dev.ebpf4j.cli.veristat;

/**
 * The verdict and verifier statistics of one program loaded on its own (one row of veristat's table). Statistics
 * the verifier did not report are 0, as veristat shows them.
 *
 * <pre>{@code
 * VeristatRow r = VeristatRow.failure("broken.bpf.o", null, "ELF header at offset 0: ...");
 * }</pre>
 *
 * @param file             the object's file name
 * @param program          the program's name; null for an object that could not be parsed
 * @param success          true when the program loaded
 * @param durationMicros   the verifier's own time (its "verification time N usec" line), else the load call's time
 * @param insns            instructions processed
 * @param states           verifier states created
 * @param peakStates       the most states alive at once
 * @param maxStatesPerInsn the most states kept for one instruction
 * @param markRead         the longest mark_read chain
 * @param error            why it failed (first line of the error), null on success
 * @param log              the verifier log of a failure (with {@code --log}), else null
 */
public record VeristatRow(String file, String program, boolean success, long durationMicros, long insns, long states,
                          long peakStates, long maxStatesPerInsn, long markRead, String error, String log) {

    /** A failure without statistics (the object did not parse, or loading failed before verification). */
    public static VeristatRow failure(String file, String program, String error) {
        return new VeristatRow(file, program, false, 0, 0, 0, 0, 0, 0, error, null);
    }

    public String verdict() {
        return success ? "success" : "failure";
    }
}
