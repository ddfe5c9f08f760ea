package dev.ebpf4j.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/**
 * Base of an object group ({@code map}, {@code prog}, {@code link}, ...): holds the group's usage text in bpftool's
 * style and runs the group's default command when none is given ({@code ebpf4j map} lists maps, as {@code bpftool
 * map} does). Adding a group: subclass this, list the leaf commands in its {@code @Command(subcommands = ...)} (with
 * {@link HelpCommand} among them), and add the group to {@link RootCommand}'s subcommands.
 *
 * <pre>{@code
 * @Command(name = "map", subcommands = {MapShowCommand.class, ..., HelpCommand.class})
 * public final class MapCommand extends CommandGroup {
 *     public String usage(String bin) { return "Usage: " + bin + " map { show | list } [MAP]\n..."; }
 *     protected int runDefault(Session session) throws Exception { return MapShowCommand.showAll(session); }
 * }
 * }</pre>
 */
public abstract class CommandGroup implements Callable<Integer>, UsageText {
    @Spec
    protected CommandSpec spec;

    /** The group's usage text; {@code bin} is the command name ("ebpf4j"). */
    @Override
    public abstract String usage(String bin);

    /** The command run when the group is given alone. */
    protected abstract int runDefault(Session session) throws Exception;

    @Override
    public final Integer call() throws Exception {
        Session session = RootCommand.session(spec);
        if (RootCommand.helpRequested(spec)) return printUsage(spec, session);
        return runDefault(session);
    }

    /** Prints the usage of the group {@code spec} belongs to (or the top-level usage) on stdout. */
    static int printUsage(CommandSpec spec, Session session) {
        if (session.json()) {
            session.jsonWriter().nullValue();
            return 0;
        }
        session.out().print(usageOf(spec));
        return 0;
    }

    /** The usage text for the command {@code spec}: its own (tools), its group's, or the top-level one. */
    static String usageOf(CommandSpec spec) {
        for (CommandSpec s = spec; s != null; s = s.parent()) {
            if (s.userObject() instanceof UsageText g) return g.usage(RootCommand.NAME);
        }
        return RootCommand.usage();
    }
}
