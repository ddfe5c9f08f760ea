package dev.ebpf4j.cli;

import dev.ebpf4j.BpfArgumentException;
import dev.ebpf4j.BpfException;
import dev.ebpf4j.VerifierException;
import dev.ebpf4j.cli.execsnoop.ExecsnoopCommand;
import dev.ebpf4j.cli.output.JsonWriter;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Entry point of the {@code ebpf4j} command: bpftool-class subcommands for maps, programs, links and BTF, and the
 * tools ({@code veristat}, {@code execsnoop}). Errors print one {@code Error: ...} line on stderr (and bpftool's
 * {@code {"error": ...}} object on stdout in JSON mode); the exit status is 0 on success, 2 for usage errors and 254
 * when the operation failed. {@code --debug} adds the rest of multi-line messages (verifier logs) and stack traces.
 *
 * <pre>{@code
 * int status = Main.run(new String[] {"map", "list", "--json"}, System.out, System.err);
 * }</pre>
 */
public final class Main {
    /** Exit status of a command line that does not follow the grammar. */
    public static final int EXIT_USAGE = 2;
    /** Exit status of an operation that failed (bpftool exits with 254 for most failures). */
    public static final int EXIT_FAILURE = 254;

    private Main() {
    }

    public static void main(String[] args) {
        int status = run(args, System.in, System.out, System.err);
        System.exit(status);
    }

    /** Runs the command with {@code args}, printing to {@code out} and {@code err}; returns the exit status. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, System.in, out, err);
    }

    /** As {@link #run(String[], PrintStream, PrintStream)} with {@code in} as standard input. */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        PrintWriter o = new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), false);
        PrintWriter e = new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true);
        Session session = new Session(in, out, o, e);
        if (args.length > 0 && args[0].equals(ExecsnoopCommand.NAME)) {
            // Start-up matters for tools: run them without building the whole command model.
            try {
                return ExecsnoopCommand.execute(session, List.of(args).subList(1, args.length));
            } catch (Throwable t) {
                return report(session, t, " " + ExecsnoopCommand.NAME + " --help");
            } finally {
                o.flush();
                e.flush();
            }
        }
        RootCommand root = new RootCommand(session);
        CommandLine cl = new CommandLine(root);
        cl.setUnmatchedOptionsArePositionalParams(true);
        cl.setAbbreviatedSubcommandsAllowed(true);
        cl.setOut(o);
        cl.setErr(e);
        cl.setExecutionStrategy(parsed -> {
            root.applyOptions();
            return new CommandLine.RunLast().execute(parsed);
        });
        cl.setParameterExceptionHandler((ex, arguments) -> {
            root.applyOptions();
            return report(session, ex, ex.getCommandLine().getCommandSpec());
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parsed) ->
                report(session, ex, commandLine.getCommandSpec()));
        int status;
        try {
            status = cl.execute(args);
        } finally {
            JsonWriter w = session.jsonWriterOrNull();
            if (w != null && !w.isEmpty()) {
                w.closeAll();
                w.finish();
            }
            o.flush();
            e.flush();
        }
        return status;
    }

    /** Prints {@code failure} bpftool-style and returns the exit status for it. */
    static int report(Session session, Throwable failure, CommandLine.Model.CommandSpec where) {
        Throwable t = failure instanceof UncheckedIOException u ? u.getCause() : failure;
        if (t instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()
                && (where.userObject() instanceof CommandGroup || where.userObject() instanceof RootCommand)) {
            String message = "unknown " + (where.userObject() instanceof RootCommand ? "object" : where.name()
                    + " command") + " '" + u.getUnmatched().get(0) + "' (see '" + RootCommand.NAME
                    + commandPath(where) + " help')";
            return report(session, message, t, EXIT_USAGE);
        }
        String help = where.userObject() instanceof UsageText && !(where.userObject() instanceof CommandGroup)
                ? " " + where.name() + " --help" : commandPath(where) + " help";
        return report(session, failure, help);
    }

    /**
     * Prints {@code failure} and returns its exit status; {@code help} completes the hint of usage errors ("see
     * 'ebpf4j" + help + "'").
     */
    static int report(Session session, Throwable failure, String help) {
        Throwable t = failure instanceof UncheckedIOException u ? u.getCause() : failure;
        String message;
        int status;
        if (t instanceof ParameterException || t instanceof UsageException) {
            message = t.getMessage() + " (see '" + RootCommand.NAME + help + "')";
            status = EXIT_USAGE;
        } else if (t instanceof BpfArgumentException) {
            message = t.getMessage();
            status = EXIT_USAGE;
        } else if (t instanceof BpfException || t instanceof IOException) {
            message = t.getMessage();
            status = EXIT_FAILURE;
        } else {
            message = "internal error: " + t + (session.debug() ? "" : " (run with --debug for the stack trace)");
            status = EXIT_FAILURE;
        }
        return report(session, message, t, status);
    }

    /**
     * One {@code Error:} line: the message's first line (a verifier rejection's reason; the log tail that follows it
     * in the message is printed with {@code --debug}, as are stack traces). JSON mode gets the whole message.
     */
    private static int report(Session session, String message, Throwable t, int status) {
        JsonWriter w = session.jsonWriterOrNull();
        if (w != null) {
            w.closeAll();
            w.startObject().stringField("error", message).endObject();
        }
        int nl = message.indexOf('\n');
        if (nl < 0 || session.debug()) {
            session.err().println("Error: " + message);
        } else {
            session.err().println("Error: " + message.substring(0, nl)
                    + (t instanceof VerifierException ? " (--debug prints the verifier log)" : ""));
        }
        if (session.debug()) t.printStackTrace(session.err());
        return status;
    }

    private static String commandPath(CommandLine.Model.CommandSpec spec) {
        StringBuilder sb = new StringBuilder();
        for (CommandLine.Model.CommandSpec s = spec; s != null && s.parent() != null; s = s.parent()) {
            if (s.userObject() instanceof CommandGroup) sb.insert(0, " " + s.name());
        }
        return sb.toString();
    }
}
