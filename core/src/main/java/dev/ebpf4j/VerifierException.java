package dev.ebpf4j;

import java.util.List;

/**
 * The kernel's verifier (or ebpf4j's userspace verifier) rejected a program. Carries the whole verifier log, the
 * index of the instruction the verifier stopped at (when the log names one) and the log's last lines as the message.
 *
 * <pre>{@code
 * try { Program.load(spec); }
 * catch (VerifierException e) {
 *     System.err.println(e.getMessage());          // "program 'bad' (xdp): verifier rejected it at instruction 3: ..."
 *     System.err.println(e.log());                  // the full log
 * }
 * }</pre>
 */
public class VerifierException extends BpfException {
    private final String log;
    private final int instruction;
    private final String reason;

    public VerifierException(String program, String reason, int instruction, String log, int errno) {
        super(message(program, reason, instruction, log), errno);
        this.log = log == null ? "" : log;
        this.instruction = instruction;
        this.reason = reason;
    }

    private VerifierException(String message, VerifierException original) {
        super(message, original.errnoValue(), original);
        this.log = original.log;
        this.instruction = original.instruction;
        this.reason = original.reason;
    }

    private static String message(String program, String reason, int instruction, String log) {
        StringBuilder sb = new StringBuilder();
        sb.append(program).append(": verifier rejected the program");
        if (instruction >= 0) sb.append(" at instruction ").append(instruction);
        sb.append(": ").append(reason);
        List<String> tail = lastLines(log, 6);
        if (!tail.isEmpty()) {
            sb.append("\n  verifier log (last ").append(tail.size()).append(" lines; full log via log()):");
            for (String line : tail) sb.append("\n    ").append(line);
        }
        return sb.toString();
    }

    private static List<String> lastLines(String log, int n) {
        if (log == null || log.isBlank()) return List.of();
        List<String> lines = log.lines().filter(l -> !l.isBlank()).toList();
        return lines.subList(Math.max(0, lines.size() - n), lines.size());
    }

    /** The complete verifier log (empty when the kernel produced none). */
    public String log() {
        return log;
    }

    /** Index (in 8-byte instruction slots) of the instruction the verifier stopped at, or -1 when not known. */
    public int instruction() {
        return instruction;
    }

    /** The verifier's reason, usually the last non-statistics line of its log. */
    public String reason() {
        return reason;
    }

    @Override
    public VerifierException withContext(String context) {
        return new VerifierException(context + ": " + getMessage(), this);
    }
}
