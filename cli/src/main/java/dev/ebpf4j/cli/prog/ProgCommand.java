package dev.ebpf4j.cli.prog;

import dev.ebpf4j.cli.CommandGroup;
import dev.ebpf4j.cli.HelpCommand;
import dev.ebpf4j.cli.HelpSpec;
import dev.ebpf4j.cli.Session;
import picocli.CommandLine.Command;

/**
 * {@code ebpf4j prog}: bpftool's program commands. Alone it lists every program, as {@code bpftool prog} does.
 *
 * <pre>{@code
 * ebpf4j prog show name xdp_pass
 * ebpf4j prog run pinned /sys/fs/bpf/xdp data_in packet.bin data_out - repeat 100
 * ebpf4j prog loadall prog.bpf.o /sys/fs/bpf/progs autoattach
 * }</pre>
 */
@Command(name = "prog", description = "Inspect and run BPF programs.",
        subcommands = {ProgShowCommand.class, ProgDumpCommand.class, ProgPinCommand.class, ProgLoadCommand.class,
                ProgLoadAllCommand.class, ProgRunCommand.class, HelpCommand.class})
public final class ProgCommand extends CommandGroup {
    @Override
    protected int runDefault(Session session) {
        return ProgShowCommand.showAll(session);
    }

    @Override
    public String usage(String bin) {
        String p = "       " + bin + " prog ";
        return "Usage: " + bin + " prog { show | list } [PROG]\n"
                + p + "dump xlated PROG [{ file FILE | opcodes }]\n"
                + p + "dump jited  PROG file FILE\n"
                + p + "pin   PROG FILE\n"
                + p + "{ load | loadall } OBJ  PATH \\\n"
                + "                         [type TYPE] [{ map { idx IDX | name NAME } MAP }] \\\n"
                + "                         [pinmaps MAP_DIR] [autoattach]\n"
                + p + "run PROG \\\n"
                + "                         data_in FILE \\\n"
                + "                         [data_out FILE [data_size_out L]] \\\n"
                + "                         [ctx_in FILE [ctx_out FILE [ctx_size_out M]]] \\\n"
                + "                         [repeat N]\n"
                + p + "run [--vm] OBJ [program NAME] data_in FILE ... (as above)\n"
                + p + "help\n"
                + "\n"
                + "       " + HelpSpec.PROGRAM + "\n"
                + "       " + HelpSpec.MAP + "\n"
                + "       TYPE := a section name prefix (xdp, tc, tracepoint, kprobe, cgroup/skb, ...)\n"
                + "       " + HelpSpec.OPTIONS + " |\n"
                + "                    {-f|--bpffs} }\n";
    }
}
