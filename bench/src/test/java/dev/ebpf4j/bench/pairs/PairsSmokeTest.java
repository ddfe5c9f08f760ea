package dev.ebpf4j.bench.pairs;

import dev.ebpf4j.bench.report.BenchmarkReport;
import dev.ebpf4j.bench.report.Comparison;
import dev.ebpf4j.bench.report.Results;
import dev.ebpf4j.testkit.KernelTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every benchmark pair once in smoke mode (tiny counts): the Java side in this JVM (cold cases and start-up in child
 * processes, as ./run-benchmarks starts them) and the libbpf anchor as a process, checking that both sides did the same
 * work (equal counts and checksums, self-checks passed) and that the report accepts the lines. No timing is asserted.
 */
@KernelTest
class PairsSmokeTest {
    private static final List<BenchLine> ALL = new ArrayList<>();

    private static Path bpf(String name) {
        return BenchFiles.bpf(name);
    }

    /** Both sides' lines must cover the same cases and metrics, every one valid, with equal counts and checks. */
    private static void sameWork(List<BenchLine> java, List<BenchLine> c) {
        assertFalse(java.isEmpty(), "no ebpf4j lines");
        assertFalse(c.isEmpty(), "no libbpf lines");
        for (BenchLine l : java) assertTrue(l.ok(), "ebpf4j: " + l.format());
        for (BenchLine l : c) assertTrue(l.ok(), "libbpf: " + l.format());
        assertEquals(keys(java), keys(c));
        for (BenchLine j : java) {
            BenchLine other = c.stream().filter(l -> l.kase().equals(j.kase()) && l.metric().equals(j.metric()))
                    .findFirst().orElseThrow();
            assertEquals(other.count(), j.count(), "count of " + j.format() + " vs " + other.format());
            assertEquals(other.check(), j.check(), "check of " + j.format() + " vs " + other.format());
        }
        synchronized (ALL) {
            ALL.addAll(java);
            ALL.addAll(c);
        }
    }

    private static Set<String> keys(List<BenchLine> lines) {
        return lines.stream().map(l -> l.pair() + "/" + l.kase() + "/" + l.metric()).collect(Collectors.toSet());
    }

    @Test
    void ringBuffer() throws Exception {
        for (String mode : List.of("drain", "live")) {
            for (int size : new int[] {8, 128}) {
                String obj = bpf("bench_producer").toString();
                sameWork(RecordPair.run(true, mode, size, 30_000, 10_000, Path.of(obj)),
                        Anchor.run("ring", mode, "" + size, "30000", "10000", obj));
            }
        }
    }

    @Test
    void perfBuffer() throws Exception {
        for (String mode : List.of("drain", "live")) {
            for (int size : new int[] {8, 128}) {
                String obj = bpf("bench_producer").toString();
                sameWork(RecordPair.run(false, mode, size, 6_000, 2_000, Path.of(obj)),
                        Anchor.run("perf", mode, "" + size, "6000", "2000", obj));
            }
        }
    }

    @Test
    void mapOperations() throws Exception {
        sameWork(MapOpsPair.run(2_000, 1024), Anchor.run("mapops", "2000", "1024"));
    }

    @Test
    void mapDump() throws Exception {
        sameWork(MapDumpPair.run(4096, 512), Anchor.run("dump", "4096", "512"));
    }

    @Test
    void btf() throws Exception {
        sameWork(BtfPair.warm(1), Anchor.run("btf", "warm", "1"));
        List<String> javaChild = Anchor.java(PairMain.class.getName(), "btf", "child");
        List<String> spawnJava = new ArrayList<>(List.of(Anchor.binary().toString(), "spawn", "btf", "cold", "java", "1",
                "--"));
        spawnJava.addAll(javaChild);
        sameWork(Anchor.lines(spawnJava),
                Anchor.run("spawn", "btf", "cold", "c", "1", "--", Anchor.binary().toString(), "btf", "child"));
    }

    @Test
    void objectLoad() throws Exception {
        String obj = bpf("bench_core").toString();
        sameWork(List.of(ObjectLoadPair.warm(1, Path.of(obj))), Anchor.run("load", "warm", "1", obj));
        List<String> spawnJava = new ArrayList<>(List.of(Anchor.binary().toString(), "spawn", "load", "cold", "java",
                "1", "--"));
        spawnJava.addAll(Anchor.java(PairMain.class.getName(), "load", "child", obj));
        sameWork(Anchor.lines(spawnJava),
                Anchor.run("spawn", "load", "cold", "c", "1", "--", Anchor.binary().toString(), "load", "child", obj));
    }

    @Test
    void toolStartUp() throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Anchor.binary().toString(), "startup", "mini-default", "java",
                "60000", "--"));
        cmd.addAll(Anchor.java("dev.ebpf4j.bench.startup.MiniExecsnoop", bpf("bench_execsnoop").toString()));
        List<BenchLine> java = Anchor.lines(cmd);
        assertTrue(java.stream().anyMatch(l -> l.metric().equals("first_event_ms") && l.ok() && l.count() == 1),
                "MiniExecsnoop printed the marker's exec: " + java);
        synchronized (ALL) {
            ALL.addAll(java);
        }
        if (Files.isExecutable(Path.of("/usr/sbin/execsnoop"))) {    // libbpf-tools (./run-tests installs it)
            List<BenchLine> c = Anchor.run("startup", "execsnoop", "c", "60000", "--", "stdbuf", "-oL",
                    "/usr/sbin/execsnoop");
            assertTrue(c.stream().anyMatch(l -> l.metric().equals("first_event_ms") && l.ok() && l.count() == 1),
                    "execsnoop printed the marker's exec: " + c);
            synchronized (ALL) {
                ALL.addAll(c);
            }
        }
    }

    /** The report renders what the pairs produced, without a single invalid row. */
    @AfterAll
    static void reportAcceptsTheLines() {
        if (ALL.isEmpty()) return;
        Results r = Results.parse(ALL.stream().map(BenchLine::format).toList());
        String md = BenchmarkReport.render(r, "## Findings\n\nsmoke\n");
        assertFalse(md.contains("**INVALID**:") || md.contains("| INVALID: "), md);
        for (String pair : List.of("ring", "perf", "mapops", "dump", "btf", "load")) {
            if (r.lines(pair).isEmpty()) continue;
            for (Comparison c : Comparison.of(r.lines(pair))) assertTrue(c.valid(), c.toString());
        }
    }
}
