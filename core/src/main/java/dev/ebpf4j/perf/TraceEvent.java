package dev.ebpf4j.perf;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One line of the kernel's trace output, as {@code bpf_trace_printk} produces it in {@code trace_pipe}:
 * {@code "<task>-<pid> [<cpu>] <flags> <seconds>.<micros>: bpf_trace_printk: <message>"}. Lines in another shape
 * keep their text in {@link #line()} and {@link #message()} with {@code pid} and {@code cpu} -1.
 *
 * <pre>{@code
 * TraceEvent e = TraceEvent.parse("  java-4242  [001] d..31  517.123456: bpf_trace_printk: hello 7");
 * e.task();      // "java"
 * e.pid();       // 4242
 * e.cpu();       // 1
 * e.message();   // "hello 7"
 * }</pre>
 *
 * @param task           the command name of the task that was running ({@code <...>} when the kernel did not know)
 * @param pid            its thread id
 * @param cpu            the CPU the line was written on
 * @param flags          the irq/preempt flags column ("d..31"), or "" when the line had none
 * @param timestampNanos the trace clock time in nanoseconds
 * @param event          the event name ("bpf_trace_printk"), or "" when the line carried none
 * @param message        the text after the event name
 * @param line           the whole line as read
 */
public record TraceEvent(String task, int pid, int cpu, String flags, long timestampNanos, String event,
                         String message, String line) {
    private static final Pattern LINE = Pattern.compile(
            "^\\s*(.{1,16}?)-(\\d+)\\s+(?:\\(\\s*(?:\\d+|-+)\\)\\s+)?\\[(\\d+)]\\s+(?:(\\S+)\\s+)?(\\d+)\\.(\\d+):\\s(.*)$");
    private static final Pattern EVENT = Pattern.compile("^(\\w+):\\s(.*)$", Pattern.DOTALL);

    /** Parses one line (without its newline). */
    public static TraceEvent parse(String line) {
        Matcher m = LINE.matcher(line);
        if (!m.matches()) return new TraceEvent("", -1, -1, "", 0, "", line, line);
        String fraction = m.group(6);
        long nanos;
        try {
            long seconds = Long.parseLong(m.group(5));
            long frac = Long.parseLong(fraction.length() > 9 ? fraction.substring(0, 9) : fraction);
            for (int i = fraction.length(); i < 9; i++) frac *= 10;
            nanos = seconds * 1_000_000_000L + frac;
        } catch (NumberFormatException e) {
            nanos = 0;
        }
        String rest = m.group(7);
        String event = "";
        Matcher em = EVENT.matcher(rest);
        if (em.matches()) {
            event = em.group(1);
            rest = em.group(2);
        }
        return new TraceEvent(m.group(1).trim(), parseInt(m.group(2)), parseInt(m.group(3)),
                m.group(4) == null ? "" : m.group(4), nanos, event, rest, line);
    }

    private static int parseInt(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
