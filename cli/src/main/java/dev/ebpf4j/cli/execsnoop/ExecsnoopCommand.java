package dev.ebpf4j.cli.execsnoop;

import dev.ebpf4j.cli.CliCommand;
import java.io.IOException;
import dev.ebpf4j.cli.Session;
import dev.ebpf4j.cli.UsageText;
import dev.ebpf4j.cli.Words;
import picocli.CommandLine.Command;

import java.util.List;

/**
 * {@code ebpf4j execsnoop [OPTIONS]}: the first of the libbpf-tools-class tools (see {@link Execsnoop}). When it is
 * the first word of the command line, {@link dev.ebpf4j.cli.Main} runs it directly through {@link #execute} without
 * building the picocli command model (start-up time); after global options ({@code ebpf4j -d execsnoop}) it runs
 * through picocli.
 *
 * <pre>{@code
 * ebpf4j execsnoop -t --max-args 5
 * }</pre>
 */
@Command(name = ExecsnoopCommand.NAME, description = "Trace exec syscalls (as libbpf-tools' execsnoop).")
public final class ExecsnoopCommand extends CliCommand implements UsageText {
    public static final String NAME = "execsnoop";

    @Override
    protected int run(Session session, Words unused) throws IOException {
        return execute(session, words);
    }

    /** Parses {@code args} (execsnoop's options) and runs the tool until it is stopped. */
    public static int execute(Session session, List<String> args) throws IOException {
        return Execsnoop.run(ExecsnoopOptions.parse(args), session.bytesOut(), session.err());
    }

    @Override
    public String usage(String bin) {
        return ExecsnoopOptions.USAGE;
    }
}
