package dev.ebpf4j.objects;

import dev.ebpf4j.BpfObject;
import dev.ebpf4j.NotSupportedException;
import dev.ebpf4j.ObjectSpec;
import dev.ebpf4j.TestRun;
import dev.ebpf4j.internal.fs.KernelFilesystems;
import dev.ebpf4j.testkit.KernelTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/** Every corpus object loads whether clang-19 or Debian's clang-14 built it, and behaves the same. */
@KernelTest
class ObjectClangVersionsKernelTest {

    static List<String> corpus() {
        return Corpus.names();
    }

    @ParameterizedTest
    @MethodSource("corpus")
    void loadsWithBothClangVersions(String name) throws IOException {
        Path pins = KernelFilesystems.bpffs().resolve("ebpf4j-clang-" + Corpus.pid() + "-"
                + Integer.toString(ThreadLocalRandom.current().nextInt(1 << 24), 36));
        try {
            for (Path object : List.of(Corpus.path(name), Corpus.clang14(name))) {
                ObjectSpec spec = ObjectSpec.read(object).withPinDirectory(pins);
                try (BpfObject obj = BpfObject.load(spec)) {
                    assertEquals(new TreeSet<>(spec.autoloadedPrograms()), new TreeSet<>(obj.programs().keySet()),
                            object.toString());
                } catch (NotSupportedException e) {
                    // only the CO-RE object, until the CO-RE relocator is merged
                    assertEquals("loader_core", name, e.getMessage());
                    assertEquals("CO-RE relocations", e.feature());
                }
            }
        } finally {
            if (Files.exists(pins)) {
                try (Stream<Path> s = Files.walk(pins)) {
                    for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
                }
            }
        }
    }

    @Test
    void clang14ObjectsComputeTheSameResults() {
        try (BpfObject obj = BpfObject.load(ObjectSpec.read(Corpus.clang14("loader_globals"))
                .withVariable("multiplier", 3))) {
            obj.program("compute").testRun(TestRun.withContext(Corpus.u64(10)));
            assertEquals(10 * 3 + 7 + 11, obj.variable("last_result").getLong());
            assertEquals(13, obj.variable("message_length").getLong());
        }
        try (BpfObject obj = BpfObject.load(ObjectSpec.read(Corpus.clang14("loader_subprogs")))) {
            obj.program("first").testRun(TestRun.withContext(new byte[8]));
            obj.program("second").testRun(TestRun.withContext(new byte[8]));
            byte[] r = obj.variable("results").get();
            assertEquals(10, Corpus.asLong(java.util.Arrays.copyOfRange(r, 0, 8)));
            assertEquals(10, Corpus.asLong(java.util.Arrays.copyOfRange(r, 8, 16)));
            assertEquals(55, Corpus.asLong(java.util.Arrays.copyOfRange(r, 16, 24)));
        }
        try (BpfObject obj = BpfObject.load(ObjectSpec.read(Corpus.clang14("loader_tailcalls")))) {
            assertEquals(1, obj.program("tail_entry").testRun(TestRun.withData(new byte[64])).returnValue());
        }
        try (BpfObject obj = BpfObject.load(ObjectSpec.read(Corpus.clang14("loader_section_static")))) {
            assertEquals(3, obj.program("uses_section_static").testRun(TestRun.withData(new byte[64])).returnValue(),
                    "clang-14 calls the section-local function without a relocation");
        }
        Set<String> kfuncs;
        try (BpfObject obj = BpfObject.load(ObjectSpec.read(Corpus.clang14("loader_kfuncs"))
                .withVariable("target_pid", Corpus.pid()))) {
            obj.program("find_tasks").testRun(TestRun.withContext(new byte[8]));
            assertEquals(1, obj.variable("found_target").getLong());
            kfuncs = obj.programs().keySet();
        }
        assertEquals(Set.of("find_tasks"), kfuncs);
    }
}
