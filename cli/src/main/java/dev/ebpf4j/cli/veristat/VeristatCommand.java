package dev.ebpf4j.cli.veristat;

import dev.ebpf4j.cli.CliCommand;
import dev.ebpf4j.cli.Session;
import dev.ebpf4j.cli.UsageException;
import dev.ebpf4j.cli.UsageText;
import dev.ebpf4j.cli.Words;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code ebpf4j veristat [--log] OBJ...}: the kernel's veristat (tools/testing/selftests/bpf): verifies each program
 * of each object on its own and prints a table of verdicts and verifier statistics ({@code -j/--json}: a JSON array
 * with veristat's stat names). {@code -l/--log} prints the verifier log of each failure before the table (as
 * veristat {@code -v} does) and the reason of every failure goes to stderr. The exit status is 0 whatever the
 * verdicts, as veristat's.
 *
 * <pre>{@code
 * ebpf4j veristat build/*.bpf.o
 * ebpf4j -j veristat --log prog.bpf.o
 * }</pre>
 */
@Command(name = "veristat", description = "Verify each program of BPF objects and print the verifier's statistics.")
public final class VeristatCommand extends CliCommand implements UsageText {
    @Option(names = {"-l", "--log"}, description = "Print the verifier log of failures.")
    boolean log;

    @Override
    protected int run(Session session, Words unused) {
        List<Path> objects = new ArrayList<>();
        for (String w : words) {
            if (w.startsWith("-") && w.length() > 1) throw new UsageException("unknown option '" + w + "'");
            objects.add(Path.of(w));
        }
        if (objects.isEmpty()) throw new UsageException("missing OBJ: give one or more BPF object files");
        Veristat.Result result = Veristat.run(objects, log);
        PrintWriter out = session.out();
        if (session.json()) {
            VeristatTable.json(result, session.jsonWriter());
        } else {
            if (log) printLogs(result, objects, out);
            VeristatTable.print(result, out);
        }
        out.flush();
        for (VeristatRow r : result.rows()) {
            if (r.error() != null) {
                session.err().println("Failed " + (r.program() == null ? "to open '" + r.file() + "'"
                        : "to load '" + r.file() + "/" + r.program() + "'") + ": " + r.error());
            }
        }
        return 0;
    }

    /** veristat -v's block for each failure: "PROCESSING file/prog, DURATION US: n, VERDICT: failure, VERIFIER LOG:". */
    private static void printLogs(Veristat.Result result, List<Path> objects, PrintWriter out) {
        for (VeristatRow r : result.rows()) {
            if (r.success() || r.program() == null) continue;
            String path = objects.stream().filter(p -> p.getFileName() != null
                    && p.getFileName().toString().equals(r.file())).findFirst().map(Path::toString).orElse(r.file());
            out.print("PROCESSING " + path + "/" + r.program() + ", DURATION US: " + r.durationMicros()
                    + ", VERDICT: failure, VERIFIER LOG:\n" + (r.log() == null ? "" : r.log()) + "\n");
        }
    }

    @Override
    public String usage(String bin) {
        return "Usage: " + bin + " veristat [{-l|--log}] OBJ...\n"
                + "       " + bin + " -j veristat OBJ...\n"
                + "\n"
                + "       Verifies each program of each BPF object on its own (the object's other programs are not\n"
                + "       loaded) and prints File, Program, Verdict, Duration (us), Insns and States.\n"
                + "       -l, --log   print the verifier log of each failure before the table\n"
                + "       -j, --json  one JSON array: file_name, prog_name, verdict, duration, total_insns,\n"
                + "                   total_states, peak_states, max_states_per_insn, mark_read (and error, log)\n";
    }
}
