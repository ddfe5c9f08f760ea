package dev.ebpf4j.objects;

import dev.ebpf4j.BpfObject;
import dev.ebpf4j.ObjectSpec;
import dev.ebpf4j.Program;
import dev.ebpf4j.ProgramSpec;
import dev.ebpf4j.VerifierException;
import dev.ebpf4j.VerifierStats;
import dev.ebpf4j.testkit.KernelTest;
import dev.ebpf4j.testkit.Shell;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/** Verifier-facing behaviour: source lines in logs, loading one program alone with statistics, privileges. */
@KernelTest
class ObjectVerifierKernelTest {

    @Test
    void rejectedProgramsCarryTheirSourceLinesAndContext() {
        ObjectSpec spec = Corpus.spec("loader_lineinfo").withAutoload("unchecked_lookup", true);
        VerifierException e = assertThrows(VerifierException.class, () -> BpfObject.load(spec));
        assertTrue(e.getMessage().startsWith("object 'loader_lineinfo.bpf.o': program 'unchecked_lookup' (?xdp): "
                + "verifier rejected the program at instruction "), e.getMessage());
        assertTrue(e.reason().contains("invalid mem access 'map_value_or_null'"), e.reason());
        assertTrue(e.instruction() > 0);
        assertTrue(e.log().contains("; return *value == 7 ? XDP_DROP : XDP_PASS;"),
                "line info gives the verifier the C source:\n" + e.log());
        assertTrue(e.log().contains("loader_lineinfo.bpf.c:"), "with file and line numbers:\n" + e.log());
        VerifierStats stats = VerifierStats.parse(e.log());
        assertTrue(stats.processedInstructions() > 0, stats.toString());
    }

    @Test
    void eachProgramLoadsOnItsOwnWithStatistics() {
        ObjectSpec spec = Corpus.spec("loader_subprogs");
        for (ProgramSpec p : spec.programs()) {
            BpfObject.LoadOptions o = BpfObject.LoadOptions.DEFAULT.withVerifierLog(Program.LoadOptions.STATS);
            try (BpfObject obj = BpfObject.load(spec.withAutoloadOnly(p.name()), o)) {
                assertEquals(Set.of(p.name()), obj.programs().keySet(), "only that program is loaded");
                assertEquals(spec.maps().size(), obj.maps().size(), "maps are created as always");
                VerifierStats s = obj.verifierStats(p.name());
                assertTrue(s.processedInstructions() > 0, s.toString());
                assertTrue(s.totalStates() >= 0 && s.peakStates() >= 0 && s.verificationTimeMicros() >= 0, s.toString());
                assertEquals(obj.program(p.name()).info().verifiedInsns(), s.processedInstructions());
                assertTrue(obj.loadDuration(p.name()).compareTo(Duration.ZERO) > 0);
            }
        }
        try (BpfObject obj = BpfObject.load(spec.withAutoloadOnly("first"))) {
            VerifierStats s = obj.verifierStats("first");
            assertTrue(s.processedInstructions() > 0, "from the kernel's program info without a log");
            assertEquals(-1, s.totalStates());
            assertEquals("", obj.program("first").verifierLog());
        }
    }

    @Test
    void loadingWithoutPrivilegesSaysWhatToDo() {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("java.class.path");
        Shell.Result r = Shell.exec(60, "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                "--inh-caps=-all", "--bounding-set=-all", java, "--enable-native-access=ALL-UNNAMED", "-cp", cp,
                ObjectUnprivilegedMain.class.getName(), Corpus.path("loader_globals").toString());
        assertEquals(0, r.exitCode(), r.output());
        String line = r.output().lines().filter(l -> l.startsWith("error\t") || l.startsWith("loaded\t")).findFirst()
                .orElseThrow(() -> new AssertionError(r.output()));
        assertTrue(line.startsWith("error\tPermissionException\tobject 'loader_globals.bpf.o': "), line);
        assertTrue(line.contains("lacks CAP_") && line.contains("Run it as root"), line);
    }
}
