package dev.ebpf4j.cli.btf;

import dev.ebpf4j.cli.CommandGroup;
import dev.ebpf4j.cli.HelpCommand;
import dev.ebpf4j.cli.HelpSpec;
import dev.ebpf4j.cli.Session;
import picocli.CommandLine.Command;

/**
 * {@code ebpf4j btf}: bpftool's BTF commands: list the kernel's BTF objects ({@code show}/{@code list}) and dump
 * BTF from the kernel or from a file ({@code dump}). Alone it lists, as {@code bpftool btf} does.
 *
 * <pre>{@code
 * ebpf4j btf list
 * ebpf4j btf dump file /sys/kernel/btf/vmlinux
 * ebpf4j btf dump file prog.bpf.o format raw
 * }</pre>
 */
@Command(name = "btf", description = "Inspect BTF (BPF Type Format) data.",
        subcommands = {BtfShowCommand.class, BtfDumpCommand.class, HelpCommand.class})
public final class BtfCommand extends CommandGroup {
    @Override
    protected int runDefault(Session session) {
        return BtfShowCommand.show(session, null);
    }

    @Override
    public String usage(String bin) {
        return "Usage: " + bin + " btf { show | list } [id BTF_ID]\n"
                + "       " + bin + " btf dump BTF_SRC [format FORMAT] [root_id ID]\n"
                + "       " + bin + " btf help\n"
                + "\n"
                + "       BTF_SRC := { id BTF_ID | prog PROG | map MAP [{key | value | kv | all}] | file FILE }\n"
                + "       FORMAT  := { raw }   (c: not implemented yet)\n"
                + "       FILE    := a raw BTF file (/sys/kernel/btf/vmlinux, a module's) or an ELF object (.BTF)\n"
                + "       " + HelpSpec.MAP + "\n"
                + "       " + HelpSpec.PROGRAM + "\n"
                + "       " + HelpSpec.OPTIONS + " }\n";
    }
}
