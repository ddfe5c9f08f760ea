package dev.ebpf4j.objects;

import dev.ebpf4j.BpfException;
import dev.ebpf4j.BpfMap;
import dev.ebpf4j.BpfObject;
import dev.ebpf4j.MapFlags;
import dev.ebpf4j.MapType;
import dev.ebpf4j.ObjectSpec;
import dev.ebpf4j.TestRun;
import dev.ebpf4j.TestRunResult;
import dev.ebpf4j.internal.fs.KernelFilesystems;
import dev.ebpf4j.ringbuf.RingBufferReader;
import dev.ebpf4j.testkit.KernelTest;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/** Maps from objects: BTF-defined maps, map-in-map, prog arrays and tail calls, pinning, the legacy section. */
@KernelTest
class ObjectMapsKernelTest {

    private static TestRunResult xdp(BpfObject obj, String program) {
        return obj.program(program).testRun(TestRun.withData(new byte[64]));
    }

    @Test
    void btfDefinedMapsAreCreatedAsDeclaredAndUsedByTheProgram() {
        try (BpfObject obj = BpfObject.load(Corpus.spec("loader_maps"))) {
            BpfMap pairs = obj.map("pairs");
            assertEquals(MapType.HASH, pairs.type());
            assertTrue(pairs.info().btfId() > 0, "key/value BTF given to the kernel");
            assertEquals(MapFlags.NO_COMMON_LRU, obj.map("lru").flags());
            assertEquals(MapFlags.NUMA_NODE, obj.map("numa").flags());
            assertEquals(MapType.BLOOM_FILTER, obj.map("bloom").type());
            assertEquals(dev.ebpf4j.internal.sys.Cpus.possibleCount(), obj.map("perf_events").maxEntries());

            List<Long> events = new ArrayList<>();
            try (RingBufferReader reader = RingBufferReader.open(obj.map("events"),
                    r -> events.add((long) r.getInt(0) << 32 | r.getInt(4)))) {
                assertEquals(2, xdp(obj, "use_maps").returnValue(), "XDP_PASS");
                reader.poll(java.time.Duration.ofSeconds(2));
            }
            assertEquals(List.of(1L << 32 | 4242), events);
            byte[] pair = pairs.lookup(Corpus.u32(3)).orElseThrow();
            assertEquals(1, Corpus.asInt(pair));
            assertEquals(2, Corpus.asLong(java.util.Arrays.copyOfRange(pair, 8, 16)));
            assertEquals(0x1122334455667788L, Corpus.asLong(obj.map("sized").lookup(Corpus.u32(1)).orElseThrow()));
            assertEquals(78, Corpus.asLong(obj.map("lru").lookup(Corpus.u64(77)).orElseThrow()));
            long percpu = obj.map("percpu").lookupPerCpu(Corpus.u32(0)).orElseThrow().stream()
                    .mapToLong(Corpus::asLong).sum();
            assertEquals(5, percpu);
            assertTrue(obj.map("bloom").mayContain(Corpus.u32(12345)));
            assertEquals(3, Corpus.asInt(obj.map("numa").lookup(Corpus.u32(3)).orElseThrow()));
        }
    }

    @Test
    void mapInMapSlotsHoldTheMapsTheObjectNamed() {
        try (BpfObject obj = BpfObject.load(Corpus.spec("loader_maps"))) {
            BpfMap outer = obj.map("outer");
            assertEquals(obj.map("inner_a").id(), Corpus.asInt(outer.lookup(Corpus.u32(0)).orElseThrow()),
                    "user space reads map ids from map-in-map slots");
            assertEquals(obj.map("inner_b").id(), Corpus.asInt(outer.lookup(Corpus.u32(2)).orElseThrow()));
            assertTrue(outer.lookup(Corpus.u32(1)).isEmpty());
            xdp(obj, "use_maps");
            assertEquals(42, Corpus.asInt(obj.map("inner_a").lookup(Corpus.u32(0)).orElseThrow()));
            assertEquals(43, Corpus.asInt(obj.map("inner_b").lookup(Corpus.u32(0)).orElseThrow()));
            byte[] results = obj.variable("outer_results").get();
            assertEquals(List.of(1, 0, 1), List.of(results[0] & 0xff, results[4] & 0xff, results[8] & 0xff),
                    "slot 1 is empty");
            assertEquals(MapType.HASH_OF_MAPS, obj.map("outer_hash").type());
        }
    }

    @Test
    void progArraySlotsAreFilledAndTailCallsReachThem() {
        try (BpfObject obj = BpfObject.load(Corpus.spec("loader_tailcalls"))) {
            BpfMap table = obj.map("jump_table");
            assertEquals(obj.program("tail_one").id(), Corpus.asInt(table.lookup(Corpus.u32(1)).orElseThrow()));
            assertEquals(obj.program("tail_three").id(), Corpus.asInt(table.lookup(Corpus.u32(3)).orElseThrow()));
            assertEquals(1, xdp(obj, "tail_entry").returnValue(), "slot 1: tail_one returns XDP_DROP");
            obj.variable("tail_index").setInt(3);
            assertEquals(3, xdp(obj, "tail_entry").returnValue(), "slot 3: tail_three returns XDP_TX");
            obj.variable("tail_index").setInt(2);
            assertEquals(2, xdp(obj, "tail_entry").returnValue(), "slot 2 is empty: XDP_PASS");
            assertEquals(4, obj.variable("tail_hits").getLong());
        }
    }

    @Test
    void progArraySlotsOfProgramsNotLoadedStayEmpty() {
        try (BpfObject obj = BpfObject.load(Corpus.spec("loader_tailcalls").withAutoload("tail_three", false))) {
            assertTrue(obj.map("jump_table").lookup(Corpus.u32(3)).isEmpty());
            assertTrue(obj.notes().stream().anyMatch(n -> n.contains("tail_three") && n.contains("not loaded")),
                    obj.notes().toString());
            obj.variable("tail_index").setInt(3);
            assertEquals(2, xdp(obj, "tail_entry").returnValue());
        }
    }

    @Test
    void mapsPinnedByNameAreReusedByTheNextLoadAndIncompatiblePinsAreRefused() throws IOException {
        Path dir = KernelFilesystems.bpffs().resolve("ebpf4j-loader-" + Corpus.pid() + "-"
                + Integer.toString(ThreadLocalRandom.current().nextInt(1 << 24), 36));
        ObjectSpec spec = Corpus.spec("loader_pinning").withPinDirectory(dir);
        try {
            try (BpfObject first = BpfObject.load(spec)) {
                assertTrue(Files.exists(dir.resolve("loader_pinned")), "pinned under the pin directory");
                assertFalse(Files.exists(dir.resolve("loader_private")));
                first.program("bump").testRun(TestRun.withContext(new byte[8]));
                try (BpfObject second = BpfObject.load(spec)) {
                    assertEquals(first.map("loader_pinned").id(), second.map("loader_pinned").id(), "reused");
                    assertNotEquals(first.map("loader_private").id(), second.map("loader_private").id());
                    second.program("bump").testRun(TestRun.withContext(new byte[8]));
                    assertEquals(2, Corpus.asLong(first.map("loader_pinned").lookup(Corpus.u32(0)).orElseThrow()));
                    assertEquals(1, Corpus.asLong(first.map("loader_private").lookup(Corpus.u32(0)).orElseThrow()));
                }
            }
            assertTrue(Files.exists(dir.resolve("loader_pinned")), "the pin outlives the object");
            try (BpfObject third = BpfObject.load(spec)) {
                assertEquals(2, Corpus.asLong(third.map("loader_pinned").lookup(Corpus.u32(0)).orElseThrow()),
                        "state kept in the pinned map");
            }
            BpfException e = assertThrows(BpfException.class,
                    () -> BpfObject.load(spec.withMaxEntries("loader_pinned", 8)));
            assertTrue(e.getMessage().startsWith("object 'loader_pinning.bpf.o': "), e.getMessage());
            assertTrue(e.getMessage().contains("not compatible") && e.getMessage().contains("max entries 2 vs 8"),
                    e.getMessage());
        } finally {
            try (Stream<Path> s = Files.exists(dir) ? Files.list(dir) : Stream.empty()) {
                for (Path p : s.toList()) Files.deleteIfExists(p);
            }
            Files.deleteIfExists(dir);
        }
    }

    @Test
    void legacyMapDefinitionsWork() {
        try (BpfObject obj = BpfObject.load(Corpus.spec("loader_legacy"))) {
            assertEquals(2, xdp(obj, "legacy_prog").returnValue());
            assertEquals(1, Corpus.asLong(obj.map("legacy_counts").lookup(Corpus.u32(1)).orElseThrow()));
            assertEquals(0xabcd, Corpus.asInt(obj.map("legacy_hash").lookup(Corpus.u32(1)).orElseThrow()));
            assertEquals(0, obj.map("legacy_counts").info().btfId(), "legacy maps have no BTF types");
        }
    }
}
