package dev.ebpf4j.cli.execsnoop;

import dev.ebpf4j.cli.UsageException;

import java.util.List;

/**
 * The options of {@code ebpf4j execsnoop}, as libbpf-tools' execsnoop takes them (GNU style: {@code -Tx},
 * {@code -u 1000}, {@code -u1000}, {@code --uid=1000}, {@code --max-args 5}).
 *
 * <pre>{@code
 * ExecsnoopOptions o = ExecsnoopOptions.parse(List.of("-t", "--max-args", "5"));
 * o.timestamp();   // true
 * }</pre>
 *
 * @param time      {@code -T}: a HH:MM:SS column
 * @param timestamp {@code -t}: seconds since the tool started
 * @param fails     {@code -x}: report failed execs too
 * @param uid       {@code -u UID}: only this user's execs; -1 for all
 * @param quote     {@code -q}: arguments in double quotes
 * @param name      {@code -n NAME}: only commands whose name contains NAME; null for all
 * @param line      {@code -l LINE}: only commands whose arguments contain LINE; null for all
 * @param printUid  {@code -U}: a UID column
 * @param maxArgs   {@code --max-args N}: arguments copied (1..60, default 20)
 * @param cgroup    {@code -c PATH}: only tasks in this cgroup (v2 directory); null for all
 * @param verbose   {@code -v}: loader notes on stderr
 * @param help      {@code -h}: print the usage
 */
public record ExecsnoopOptions(boolean time, boolean timestamp, boolean fails, long uid, boolean quote, String name,
                               String line, boolean printUid, int maxArgs, String cgroup, boolean verbose,
                               boolean help) {
    /** Most arguments the BPF side can copy (its buffer holds 60 of 128 bytes). */
    public static final int MAX_ARGS_LIMIT = 60;
    public static final int DEFAULT_MAX_ARGS = 20;
    private static final long INVALID_UID = 0xffff_ffffL;

    public static final String USAGE = """
            Usage: ebpf4j execsnoop [-h] [-T] [-t] [-x] [-u UID] [-q] [-n NAME] [-l LINE] [-U] [-c CG]
                                    [--max-args MAX_ARGS] [-v]
            Trace exec syscalls: one line per execve() with the command, its pid and parent pid, execve's return
            value and the arguments.

              -T, --time              include time column on output (HH:MM:SS)
              -t, --timestamp         include timestamp on output (seconds since start)
              -x, --fails             include failed exec()s
              -u, --uid=UID           trace this UID only
              -q, --quote             add quotemarks (") around arguments
              -n, --name=NAME         only print commands whose name contains NAME
              -l, --line=LINE         only print commands where an argument contains LINE
              -U, --print-uid         print UID column
              -c, --cgroup=PATH       trace processes in this cgroup (v2 directory) only
                  --max-args=MAX_ARGS maximum number of arguments parsed and displayed (1-60, default 20)
              -v, --verbose           print what the loader noted
              -h, --help              show this help
            """;

    /** Parses the command line; mistakes raise {@link UsageException}. */
    public static ExecsnoopOptions parse(List<String> args) {
        Builder b = new Builder();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.startsWith("--")) {
                int eq = a.indexOf('=');
                String opt = eq < 0 ? a.substring(2) : a.substring(2, eq);
                String value = eq < 0 ? null : a.substring(eq + 1);
                LongOption o = LongOption.of(opt);
                if (o.takesValue && value == null) {
                    if (i + 1 >= args.size()) throw new UsageException("option '--" + o.name + "' requires an argument");
                    value = args.get(++i);
                } else if (!o.takesValue && value != null) {
                    throw new UsageException("option '--" + o.name + "' doesn't allow an argument");
                }
                b.apply(o.shortName, value);
            } else if (a.startsWith("-") && a.length() > 1) {
                for (int k = 1; k < a.length(); k++) {
                    char c = a.charAt(k);
                    if ("uncl".indexOf(c) >= 0) {
                        String value = a.substring(k + 1);
                        if (value.isEmpty()) {
                            if (i + 1 >= args.size()) throw new UsageException("option requires an argument -- '" + c + "'");
                            value = args.get(++i);
                        }
                        b.apply(c, value);
                        break;
                    }
                    b.apply(c, null);
                }
            } else {
                throw new UsageException("unexpected argument '" + a + "' (execsnoop takes options only)");
            }
        }
        return b.build();
    }

    private enum LongOption {
        TIME("time", 'T', false), TIMESTAMP("timestamp", 't', false), FAILS("fails", 'x', false),
        UID("uid", 'u', true), QUOTE("quote", 'q', false), NAME("name", 'n', true), LINE("line", 'l', true),
        PRINT_UID("print-uid", 'U', false), MAX_ARGS("max-args", 'M', true), CGROUP("cgroup", 'c', true),
        VERBOSE("verbose", 'v', false), HELP("help", 'h', false);

        final String name;
        final char shortName;
        final boolean takesValue;

        LongOption(String name, char shortName, boolean takesValue) {
            this.name = name;
            this.shortName = shortName;
            this.takesValue = takesValue;
        }

        /** The option {@code text} names, or abbreviates unambiguously (as getopt_long allows). */
        static LongOption of(String text) {
            LongOption found = null;
            for (LongOption o : values()) {
                if (o.name.equals(text)) return o;
                if (!text.isEmpty() && o.name.startsWith(text)) {
                    if (found != null) throw new UsageException("option '--" + text + "' is ambiguous");
                    found = o;
                }
            }
            if (found == null) throw new UsageException("unrecognized option '--" + text + "'");
            return found;
        }
    }

    private static final class Builder {
        boolean time, timestamp, fails, quote, printUid, verbose, help;
        long uid = -1;
        String name, line, cgroup;
        int maxArgs = DEFAULT_MAX_ARGS;

        void apply(char option, String value) {
            switch (option) {
                case 'T' -> time = true;
                case 't' -> timestamp = true;
                case 'x' -> fails = true;
                case 'q' -> quote = true;
                case 'U' -> printUid = true;
                case 'v' -> verbose = true;
                case 'h' -> help = true;
                case 'u' -> uid = parseUid(value);
                case 'n' -> name = value;
                case 'l' -> line = value;
                case 'c' -> cgroup = value;
                case 'M' -> maxArgs = parseMaxArgs(value);
                default -> throw new UsageException("invalid option -- '" + option + "'");
            }
        }

        ExecsnoopOptions build() {
            return new ExecsnoopOptions(time, timestamp, fails, uid, quote, name, line, printUid, maxArgs, cgroup,
                    verbose, help);
        }
    }

    private static long parseUid(String value) {
        long uid = parseLong(value);
        if (uid < 0 || uid >= INVALID_UID) throw new UsageException("Invalid UID " + value);
        return uid;
    }

    private static int parseMaxArgs(String value) {
        long n = parseLong(value);
        if (n < 1 || n > MAX_ARGS_LIMIT) {
            throw new UsageException("Invalid MAX_ARGS " + value + ", should be in [1, " + MAX_ARGS_LIMIT + "] range");
        }
        return (int) n;
    }

    private static long parseLong(String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
