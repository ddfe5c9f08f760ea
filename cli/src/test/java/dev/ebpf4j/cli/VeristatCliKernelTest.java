package dev.ebpf4j.cli;

import dev.ebpf4j.testkit.KernelTest;
import dev.ebpf4j.testkit.Shell;
import dev.ebpf4j.testkit.TestObjects;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ebpf4j veristat} against the oracle: for every object of core's test corpus, the programs veristat reports
 * as loading are the programs Debian's libbpf loads when each is loaded on its own, veristat-style
 * (src/test/bpf/native/veristat_oracle.c), and the verifier's instruction and state counts agree. The known
 * differences between libbpf 1.1 and ebpf4j are the loader's (core's ObjectOracleKernelTest), asserted exactly.
 */
@KernelTest
class VeristatCliKernelTest {
    /** Objects libbpf 1.1 refuses to open that ebpf4j loads (core's ObjectOracleKernelTest.DIFFERENCES). */
    static final Map<String, String> OPEN_DIFFERENCES = Map.of(
            "loader_legacy.bpf.o", "libbpf 1.0+ refuses legacy struct bpf_map_def definitions in section \"maps\"",
            "loader_section_static.bpf.o", "libbpf refuses a static function placed in a program section",
            "loader_arena.bpf.o", "libbpf 1.1 predates BPF_MAP_TYPE_ARENA maps (added in libbpf 1.4)");
    /** Objects whose programs libbpf 1.1 fails to load on their own and ebpf4j loads (the same list's rest). */
    static final Map<String, String> LOAD_DIFFERENCES = Map.of(
            "loader_tcx.bpf.o", "libbpf 1.1 predates the tcx/ingress section name (added in libbpf 1.3)",
            "loader_tailcalls.bpf.o", "libbpf 1.1 fails (EBADF) filling prog array slots of programs it did not load",
            "loader_multi.bpf.o", "libbpf 1.1 predates the uprobe.multi (1.3), uprobe.session and kprobe.session (1.5) "
                    + "section names",
            "loader_struct_ops_link.bpf.o", "libbpf 1.1 predates the .struct_ops.link section (added in libbpf 1.2)");

    private static List<Path> corpus;
    private static List<Object> rows;

    @BeforeAll
    static void runOnTheCorpus() throws IOException {
        Path dir = Cli.repoRoot().resolve("core/target/test-bpf");
        assertTrue(Files.isDirectory(dir), dir + " is missing: core's build compiles the corpus (build with -am)");
        try (Stream<Path> s = Files.list(dir)) {
            corpus = s.filter(p -> p.getFileName().toString().endsWith(".bpf.o")).sorted().toList();
        }
        assertTrue(corpus.size() >= 20, "corpus: " + corpus);
        List<String> args = new ArrayList<>(List.of("-j", "veristat"));
        corpus.forEach(p -> args.add(p.toString()));
        Cli.Result r = Cli.run(args.toArray(String[]::new));
        assertEquals(0, r.exit(), r.toString());
        rows = MiniJson.array(r.out());
    }

    private record Oracle(boolean opened, Map<String, long[]> programs) {
    }

    /** The oracle's verdict per program: {ok (1/0), insns, states}. */
    private static Oracle oracle(Path object) {
        Shell.Result r = Shell.exec(60, TestObjects.nativeBinary("veristat_oracle").toString(), object.toString());
        assertEquals(0, r.exitCode(), r.output());
        Map<String, long[]> programs = new LinkedHashMap<>();
        for (String line : r.output().lines().toList()) {
            if (line.startsWith("OPEN-FAILED")) return new Oracle(false, programs);
            String[] f = line.split(" ");
            if (f[0].equals("PROG")) {
                programs.put(f[1], new long[] {f[2].equals("ok") ? 1 : 0, Long.parseLong(f[4]), Long.parseLong(f[5])});
            }
        }
        return new Oracle(true, programs);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> ours(String file) {
        Map<String, Map<String, Object>> out = new TreeMap<>();
        for (Object o : rows) {
            Map<String, Object> row = (Map<String, Object>) o;
            if (row.get("file_name").equals(file)) {
                out.put(row.get("prog_name") == null ? "" : (String) row.get("prog_name"), row);
            }
        }
        return out;
    }

    @Test
    void loadsTheProgramsLibbpfLoadsWithTheSameVerifierCounts() {
        int comparedPrograms = 0;
        for (Path object : corpus) {
            String file = object.getFileName().toString();
            Oracle libbpf = oracle(object);
            Map<String, Map<String, Object>> ours = ours(file);
            String where = file + ": libbpf " + render(libbpf) + ", ebpf4j " + ours;
            if (OPEN_DIFFERENCES.containsKey(file)) {
                assertFalse(libbpf.opened(), "documented: " + OPEN_DIFFERENCES.get(file) + "; " + where);
                assertTrue(ours.values().stream().allMatch(r -> r.get("verdict").equals("success")), where);
                continue;
            }
            if (!libbpf.opened()) {
                // neither parses it: one failed row without a program, carrying the parser's message
                assertEquals(1, ours.size(), where);
                Map<String, Object> row = ours.values().iterator().next();
                assertNull(row.get("prog_name"), where);
                assertEquals("failure", row.get("verdict"), where);
                assertTrue(((String) row.get("error")).startsWith("object '" + file + "'"), where);
                continue;
            }
            assertEquals(libbpf.programs().keySet(), ours.keySet(), where);
            for (Map.Entry<String, long[]> e : libbpf.programs().entrySet()) {
                Map<String, Object> row = ours.get(e.getKey());
                boolean libbpfOk = e.getValue()[0] == 1;
                if (LOAD_DIFFERENCES.containsKey(file)) {
                    assertFalse(libbpfOk, "documented: " + LOAD_DIFFERENCES.get(file) + "; " + where);
                    assertEquals("success", row.get("verdict"), where);
                    continue;
                }
                assertEquals(libbpfOk ? "success" : "failure", row.get("verdict"), e.getKey() + " in " + where);
                if (e.getValue()[1] >= 0) {
                    assertEquals(e.getValue()[1], row.get("total_insns"), "insns of " + e.getKey() + " in " + where);
                    assertEquals(e.getValue()[2], row.get("total_states"), "states of " + e.getKey() + " in " + where);
                }
                comparedPrograms++;
            }
        }
        assertTrue(comparedPrograms >= 40, "compared " + comparedPrograms + " programs");
    }

    private static String render(Oracle o) {
        if (!o.opened()) return "OPEN-FAILED";
        StringBuilder sb = new StringBuilder("{");
        o.programs().forEach((k, v) -> sb.append(k).append('=').append(v[0] == 1 ? "ok" : "fail").append(' '));
        return sb.append('}').toString();
    }

    @Test
    @SuppressWarnings("unchecked")
    void jsonRowsCarryVeristatsStatNamesAndTheReasonOfFailures() {
        Map<String, Object> fentry = ours("loader_tracing.bpf.o").get("on_fentry");
        assertEquals(List.of("file_name", "prog_name", "verdict", "duration", "total_insns", "total_states",
                "peak_states", "max_states_per_insn", "mark_read", "error"), List.copyOf(fentry.keySet()));
        assertEquals("failure", fentry.get("verdict"));
        // no trampolines on this kernel: the loader's NotSupportedException, naming the facility
        assertTrue(((String) fentry.get("error")).contains("not supported by this kernel"), fentry.toString());

        Map<String, Object> compute = ours("loader_globals.bpf.o").get("compute");
        assertEquals("success", compute.get("verdict"));
        assertFalse(compute.containsKey("error"));
        assertTrue((Long) compute.get("total_insns") > 0 && (Long) compute.get("duration") > 0, compute.toString());

        Map<String, Object> rejected = ours("loader_lineinfo.bpf.o").get("unchecked_lookup");
        assertTrue(((String) rejected.get("error")).endsWith("R0 invalid mem access 'map_value_or_null'"),
                rejected.toString());
        // sorted by file, then program, as veristat sorts
        List<String> keys = new ArrayList<>();
        for (Object o : rows) {
            Map<String, Object> r = (Map<String, Object>) o;
            keys.add(r.get("file_name") + "/" + (r.get("prog_name") == null ? "" : r.get("prog_name")));
        }
        assertEquals(keys.stream().sorted().toList(), keys);
    }

    @Test
    void tableHasVeristatsLayout() {
        Path lineinfo = corpus.stream().filter(p -> p.endsWith("loader_lineinfo.bpf.o")).findFirst().orElseThrow();
        Path bigEndian = corpus.stream().filter(p -> p.endsWith("asm_bigendian.bpf.o")).findFirst().orElseThrow();
        Cli.Result r = Cli.run("veristat", lineinfo.toString(), bigEndian.toString());
        assertEquals(0, r.exit(), r.toString());
        List<String> lines = r.out().lines().toList();
        assertEquals(7, lines.size(), r.out());
        // columns two spaces apart, as wide as their widest cell; the dashes show the widths
        String dashes = lines.get(1);
        assertTrue(dashes.matches("-{21}  -{16}  -{7}  -{13,}  -{5}  -{6}"), dashes);
        assertEquals(dashes, lines.get(5));
        List<int[]> columns = new ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("-+").matcher(dashes);
        while (m.find()) columns.add(new int[] {m.start(), m.end()});
        String[][] expected = {
                {"File", "Program", "Verdict", "Duration (us)", "Insns", "States"},
                {"asm_bigendian.bpf.o", "N/A", "failure", "0", "0", "0"},
                {"loader_lineinfo.bpf.o", "checked_lookup", "success", null, "19", "2"},
                {"loader_lineinfo.bpf.o", "unchecked_lookup", "failure", null, "7", "0"}};
        int[] rowLines = {0, 2, 3, 4};
        for (int row = 0; row < expected.length; row++) {
            String line = lines.get(rowLines[row]);
            for (int c = 0; c < columns.size(); c++) {
                int[] col = columns.get(c);
                String cell = line.substring(col[0], Math.min(line.length(), col[1]));
                boolean left = c < 3;
                String value = left ? cell.stripTrailing() : cell.stripLeading();
                assertEquals(left ? value + " ".repeat(cell.length() - value.length())
                        : " ".repeat(cell.length() - value.length()) + value, cell, "alignment in " + line);
                if (expected[row][c] != null) assertEquals(expected[row][c], value, "column " + c + " of " + line);
                else assertTrue(value.matches("\\d+"), line);
                if (c > 0) assertEquals("  ", line.substring(col[0] - 2, col[0]), line);
            }
        }
        assertEquals("Done. Processed 1 files, 2 programs. Skipped 1 files, 0 programs.", lines.get(6));
        assertEquals(List.of(
                "Failed to open 'asm_bigendian.bpf.o': object 'asm_bigendian.bpf.o': ELF header at offset 5: "
                        + "'asm_bigendian.bpf.o' is a big-endian BPF object (clang -target bpfeb), but this host's kernel "
                        + "runs little-endian BPF; rebuild it with clang -target bpf (or -target bpfel)",
                "Failed to load 'loader_lineinfo.bpf.o/unchecked_lookup': object 'loader_lineinfo.bpf.o': program "
                        + "'unchecked_lookup' (?xdp): verifier rejected the program: R0 invalid mem access "
                        + "'map_value_or_null'"), r.err().lines().toList());
    }

    @Test
    void logPrintsTheVerifierTraceOfFailures() {
        Path lineinfo = corpus.stream().filter(p -> p.endsWith("loader_lineinfo.bpf.o")).findFirst().orElseThrow();
        Cli.Result r = Cli.run("veristat", "--log", lineinfo.toString());
        assertEquals(0, r.exit(), r.toString());
        String out = r.out();
        int block = out.indexOf("PROCESSING " + lineinfo + "/unchecked_lookup, DURATION US: ");
        assertTrue(block >= 0, out);
        assertFalse(out.contains("PROCESSING " + lineinfo + "/checked_lookup"), "only failures: " + out);
        String log = out.substring(block, out.indexOf("File ", block));
        assertTrue(log.contains("VERDICT: failure, VERIFIER LOG:\n"), log);
        // log level 1: instructions with their registers, and the C source lines from .BTF.ext
        assertTrue(log.contains("R0 invalid mem access 'map_value_or_null'"), log);
        assertTrue(log.lines().anyMatch(l -> l.matches("\\d+: \\([0-9a-f]{2}\\) .*")), log);
        assertTrue(log.contains("; "), "source lines: " + log);
        assertTrue(out.contains("\nFile "), out);
    }

    @Test
    void missingObjectsAreAUsageError() {
        Cli.Result r = Cli.run("veristat");
        assertEquals(Main.EXIT_USAGE, r.exit(), r.toString());
        assertEquals("Error: missing OBJ: give one or more BPF object files (see 'ebpf4j veristat --help')\n", r.err());
        Cli.Result missing = Cli.run("veristat", "/nonexistent/x.bpf.o");
        assertEquals(0, missing.exit(), missing.toString());
        assertTrue(missing.out().contains("x.bpf.o  N/A      failure"), missing.out());
        assertTrue(missing.err().startsWith("Failed to open 'x.bpf.o': "), missing.err());
    }
}
