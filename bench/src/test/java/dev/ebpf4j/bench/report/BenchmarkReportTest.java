package dev.ebpf4j.bench.report;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The report's arithmetic and its same-work check, on made-up lines. */
class BenchmarkReportTest {

    private static List<Comparison> rows(String pair, String... lines) {
        return Comparison.of(Results.parse(List.of(lines)).lines(pair));
    }

    @Test
    void throughputRatioIsEbpf4jOverLibbpfOfTheMedians() {
        List<Comparison> r = rows("ring",
                "BENCH pair=ring case=drain-8B side=java metric=events_per_s value=300 count=10 check=ab ok=1",
                "BENCH pair=ring case=drain-8B side=java metric=events_per_s value=100 count=10 check=ab ok=1",
                "BENCH pair=ring case=drain-8B side=java metric=events_per_s value=330 count=10 check=ab ok=1",
                "BENCH pair=ring case=drain-8B side=c metric=events_per_s value=200 count=10 check=ab ok=1");
        assertEquals(1, r.size());
        Comparison c = r.get(0);
        assertTrue(c.valid(), c.problem());
        assertEquals(300, c.java().median());
        assertEquals(100, c.java().min());
        assertEquals(330, c.java().max());
        assertEquals(1.5, c.ratio(), 1e-9);
        assertEquals("met", c.goalStatus());         // ring buffer goal: >= 1.2
    }

    @Test
    void timeGoalsAreUpperBounds() {
        Comparison c = rows("load",
                "BENCH pair=load case=warm side=java metric=ms value=20 count=8 check=188 ok=1",
                "BENCH pair=load case=warm side=c metric=ms value=10 count=8 check=188 ok=1").get(0);
        assertEquals(2.0, c.ratio(), 1e-9);
        assertEquals("missed", c.goalStatus());      // object load goal: <= 1.5
    }

    @Test
    void differentCountsOrChecksumsMakeARowInvalid() {
        Comparison counts = rows("dump",
                "BENCH pair=dump case=batch side=java metric=entries_per_s value=5 count=1048575 ok=1",
                "BENCH pair=dump case=batch side=c metric=entries_per_s value=5 count=1048576 ok=1").get(0);
        assertFalse(counts.valid());
        assertTrue(counts.problem().startsWith("counts differ"), counts.problem());
        assertEquals("", counts.goalStatus());
        Comparison checks = rows("dump",
                "BENCH pair=dump case=batch side=java metric=ms value=5 count=4 check=10 ok=1",
                "BENCH pair=dump case=batch side=c metric=ms value=5 count=4 check=11 ok=1").get(0);
        assertTrue(checks.problem().startsWith("checksums differ"), checks.problem());
        Comparison self = rows("ring",
                "BENCH pair=ring case=live-8B side=java metric=events_per_s value=5 count=4 ok=0 note=received_3_of_4",
                "BENCH pair=ring case=live-8B side=c metric=events_per_s value=5 count=4 ok=1").get(0);
        assertEquals("ebpf4j self-check failed: received_3_of_4", self.problem());
    }

    @Test
    void startUpVariantsCompareWithTheOneLibbpfTool() {
        List<Comparison> r = rows("startup",
                "BENCH pair=startup case=mini-default side=java metric=first_event_ms value=300 count=1 ok=1",
                "BENCH pair=startup case=mini-aot side=java metric=first_event_ms value=200 count=1 ok=1",
                "BENCH pair=startup case=training side=java metric=ms value=90 count=1 ok=1",
                "BENCH pair=startup case=execsnoop side=c metric=first_event_ms value=100 count=1 ok=1");
        assertEquals("execsnoop", r.get(0).baselineCase());
        assertEquals(3.0, r.get(0).ratio(), 1e-9);
        assertEquals("met", r.get(1).goalStatus());  // start-up goal: <= 2
        Comparison only = r.get(2);
        assertTrue(only.valid());
        assertNull(only.c());
        assertTrue(Double.isNaN(only.ratio()));
    }

    @Test
    void documentHasMachineGoalsPairsAndFindings() {
        Results r = Results.parse(List.of(
                "META kernel=6.18.0 (x86_64)",
                "META load=1-minute load average 0.1",
                "NOTE pair=startup not available yet: no tool",
                "BENCH pair=mapops case=hash-lookup side=java metric=ops_per_s value=900000 count=5 check=f ok=1",
                "BENCH pair=mapops case=hash-lookup side=c metric=ops_per_s value=1000000 count=5 check=f ok=1",
                "BENCH pair=vm case=alu side=jit metric=ns_per_insn value=0.2 count=1 ok=1",
                "BENCH pair=vm case=alu side=kernel-own metric=ns_per_insn value=0.1 count=1 ok=1"));
        String md = BenchmarkReport.render(r, "## Findings\n\nThe text.\n");
        assertTrue(md.contains("| Kernel | 6.18.0 (x86_64) |"), md);
        assertTrue(md.contains("| 3. mapops | single map op ≥ 0.9× | hash-lookup | ops/s | **0.90×** | **met** |"), md);
        assertTrue(md.contains("900.0 k (n 1)"), md);
        assertTrue(md.contains("> not available yet: no tool"), md);
        assertTrue(md.contains("| alu | – | 0.200 (n 1) | – | 0.100 (n 1) | 2.00× | – |"), md);
        assertTrue(md.endsWith("## Findings\n\nThe text.\n"), md);
    }
}
