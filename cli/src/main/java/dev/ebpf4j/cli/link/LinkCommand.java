package dev.ebpf4j.cli.link;

import dev.ebpf4j.cli.CommandGroup;
import dev.ebpf4j.cli.HelpCommand;
import dev.ebpf4j.cli.HelpSpec;
import dev.ebpf4j.cli.Session;
import picocli.CommandLine.Command;

/**
 * {@code ebpf4j link}: bpftool's link commands. Alone it lists every link, as {@code bpftool link} does.
 *
 * <pre>{@code
 * ebpf4j link list
 * ebpf4j link detach pinned /sys/fs/bpf/my_link
 * }</pre>
 */
@Command(name = "link", description = "Inspect and manage BPF links.",
        subcommands = {LinkShowCommand.class, LinkPinCommand.class, LinkDetachCommand.class, HelpCommand.class})
public final class LinkCommand extends CommandGroup {
    @Override
    protected int runDefault(Session session) {
        return LinkShowCommand.showAll(session);
    }

    @Override
    public String usage(String bin) {
        String p = "       " + bin + " link ";
        return "Usage: " + bin + " link { show | list }   [LINK]\n"
                + p + "pin        LINK  FILE\n"
                + p + "detach     LINK\n"
                + p + "help\n"
                + "\n"
                + "       " + HelpSpec.LINK + "\n"
                + "       " + HelpSpec.OPTIONS + " |\n"
                + "                    {-f|--bpffs} }\n";
    }
}
