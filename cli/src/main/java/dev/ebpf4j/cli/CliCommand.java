package dev.ebpf4j.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * Base of every leaf command: picocli collects the command's words (its bpftool-style grammar is parsed by the
 * command itself with {@link Words}) and the global options; {@link #run} does the work and returns the exit status.
 *
 * <pre>{@code
 * @Command(name = "freeze")
 * final class MapFreezeCommand extends CliCommand {
 *     protected int run(Session session, Words words) { ...; session.done(); return 0; }
 * }
 * }</pre>
 */
public abstract class CliCommand implements Callable<Integer> {
    @Spec
    protected CommandSpec spec;

    @Parameters(arity = "0..*", paramLabel = "ARG", description = "Arguments in bpftool's grammar (see help).")
    protected List<String> words = new ArrayList<>();

    @Override
    public final Integer call() throws Exception {
        Session session = RootCommand.session(spec);
        if (RootCommand.helpRequested(spec)) return CommandGroup.printUsage(spec, session);
        return run(session, new Words(words));
    }

    /** Does the command's work; returns the exit status (0 on success). */
    protected abstract int run(Session session, Words words) throws Exception;
}
