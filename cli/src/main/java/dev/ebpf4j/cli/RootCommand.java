package dev.ebpf4j.cli;

import dev.ebpf4j.cli.btf.BtfCommand;
import dev.ebpf4j.cli.execsnoop.ExecsnoopCommand;
import dev.ebpf4j.cli.feature.FeatureCommand;
import dev.ebpf4j.cli.link.LinkCommand;
import dev.ebpf4j.cli.map.MapCommand;
import dev.ebpf4j.cli.prog.ProgCommand;
import dev.ebpf4j.cli.veristat.VeristatCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

import java.util.concurrent.Callable;

/**
 * The {@code ebpf4j} command: global options (bpftool's {@code -j/--json}, {@code -p/--pretty}, {@code -d/--debug},
 * {@code -f/--bpffs}), accepted before or after the subcommand, and the object groups. New groups ({@code feature},
 * {@code btf}, ...) and the tools ({@code veristat}, {@code execsnoop}) are listed in {@code subcommands} below.
 *
 * <pre>{@code
 * ebpf4j -j map show id 12
 * ebpf4j prog list --pretty
 * }</pre>
 */
@Command(name = RootCommand.NAME,
        subcommands = {MapCommand.class, ProgCommand.class, LinkCommand.class, BtfCommand.class, FeatureCommand.class,
                VeristatCommand.class, ExecsnoopCommand.class, VersionCommand.class, HelpCommand.class})
public final class RootCommand implements Callable<Integer> {
    /** The command's name in usage texts. */
    public static final String NAME = "ebpf4j";

    private final Session session;

    @Option(names = {"-j", "--json"}, scope = ScopeType.INHERIT, description = "JSON output.")
    boolean json;

    @Option(names = {"-p", "--pretty"}, scope = ScopeType.INHERIT, description = "Pretty-printed JSON output.")
    boolean pretty;

    @Option(names = {"-d", "--debug"}, scope = ScopeType.INHERIT, description = "Print stack traces of errors.")
    boolean debug;

    @Option(names = {"-f", "--bpffs"}, scope = ScopeType.INHERIT, description = "Show where objects are pinned.")
    boolean bpffs;

    @Option(names = {"-h", "--help"}, scope = ScopeType.INHERIT, description = "Show usage.")
    boolean help;

    @Option(names = {"-V", "--version"}, description = "Show the version.")
    boolean version;

    public RootCommand(Session session) {
        this.session = session;
    }

    /** Copies the parsed global options into the session. */
    void applyOptions() {
        session.configure(json, pretty, debug, bpffs);
    }

    Session session() {
        return session;
    }

    @Override
    public Integer call() {
        if (version) return VersionCommand.print(session);
        return CommandGroup.printUsage(null, session);
    }

    /** The session of the run {@code spec} belongs to. */
    public static Session session(CommandSpec spec) {
        return ((RootCommand) spec.root().userObject()).session;
    }

    static boolean helpRequested(CommandSpec spec) {
        return ((RootCommand) spec.root().userObject()).help;
    }

    /** The top-level usage, in bpftool's layout. */
    static String usage() {
        return "Usage: " + NAME + " [OPTIONS] OBJECT { COMMAND | help }\n"
                + "       " + NAME + " version\n"
                + "       " + NAME + " veristat [--log] OBJ...\n"
                + "       " + NAME + " execsnoop [-h] [-T] [-t] [-x] [-u UID] [-q] [-n NAME] [-l LINE] [-U] [-c CG] "
                + "[--max-args N]\n"
                + "\n"
                + "       OBJECT := { prog | map | link | btf | feature }\n"
                + "       " + HelpSpec.OPTIONS + " |\n"
                + "                    {-V|--version} }\n";
    }
}
