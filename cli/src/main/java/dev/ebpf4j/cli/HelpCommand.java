package dev.ebpf4j.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code help}: prints the usage of the group it is in ({@code ebpf4j map help}), or at the top level the usage of
 * the whole command or of a named group ({@code ebpf4j help map}).
 *
 * <pre>{@code
 * ebpf4j map help
 * }</pre>
 */
@Command(name = "help", description = "Show usage.")
public final class HelpCommand extends CliCommand {
    @Override
    protected int run(Session session, Words words) {
        CommandSpec target = spec;
        if (spec.parent() != null && spec.parent().userObject() instanceof RootCommand && !words.atEnd()) {
            String group = words.next("group");
            for (var e : spec.parent().subcommands().entrySet()) {
                if (Words.isPrefix(group, e.getKey())) {
                    target = e.getValue().getCommandSpec();
                    break;
                }
            }
        }
        return CommandGroup.printUsage(target, session);
    }
}
