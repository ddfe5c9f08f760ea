package dev.ebpf4j;

import dev.ebpf4j.internal.MapProbeSpecs;
import dev.ebpf4j.internal.MapTypeSupport;
import dev.ebpf4j.internal.sys.Cpus;
import dev.ebpf4j.testkit.KernelTest;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.*;

@KernelTest
class MapKernelTest {

    static byte[] le32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    static byte[] le64(long v) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
    }

    static long readLe64(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    @Test
    void hashRoundTripWithSegmentsAndBytes() {
        try (BpfMap m = BpfMap.create(MapSpec.hash("rt_hash", 4, 8, 16)); Arena arena = Arena.ofConfined()) {
            MemorySegment k = arena.allocate(4);
            MemorySegment v = arena.allocate(8);
            k.set(JAVA_INT, 0, 7);
            v.set(JAVA_LONG, 0, 42);
            m.update(k, v, UpdateMode.ANY);
            v.set(JAVA_LONG, 0, 0);
            assertTrue(m.lookup(k, v));
            assertEquals(42, v.get(JAVA_LONG, 0));
            assertEquals(42, readLe64(m.lookup(le32(7)).orElseThrow()));
            assertTrue(m.lookup(le32(8)).isEmpty());
            BpfException exists = assertThrows(BpfException.class, () -> m.update(le32(7), le64(1), UpdateMode.NO_EXIST));
            assertEquals(Errno.EEXIST, exists.errno());
            assertThrows(BpfException.class, () -> m.update(le32(9), le64(1), UpdateMode.EXIST));
            assertTrue(m.delete(le32(7)));
            assertFalse(m.delete(le32(7)));
            assertEquals("rt_hash", m.info().name());
            assertEquals(MapType.HASH, m.info().type());
            assertTrue(m.id() > 0);
        }
    }

    @Test
    void wrongKeyAndValueSizesAreTypedErrors() {
        try (BpfMap m = BpfMap.create(MapSpec.hash("sizes", 4, 8, 4))) {
            BpfArgumentException e = assertThrows(BpfArgumentException.class, () -> m.update(new byte[3], le64(1)));
            assertTrue(e.getMessage().contains("key is 3 bytes, the map's keys are 4 bytes"), e.getMessage());
            e = assertThrows(BpfArgumentException.class, () -> m.update(le32(1), new byte[4]));
            assertTrue(e.getMessage().contains("value is 4 bytes"), e.getMessage());
            e = assertThrows(BpfArgumentException.class, () -> m.lookup(MemorySegment.ofArray(new byte[2]),
                    MemorySegment.ofArray(new byte[8])));
            assertTrue(e.getMessage().contains("key buffer is 2 bytes, needs 4"), e.getMessage());
        }
    }

    @Test
    void closedMapIsATypedError() {
        BpfMap m = BpfMap.create(MapSpec.hash("closed", 4, 8, 4));
        m.close();
        m.close();
        ClosedException e = assertThrows(ClosedException.class, () -> m.lookup(le32(1)));
        assertTrue(e.getMessage().contains("map 'closed' (hash) is closed"), e.getMessage());
    }

    @Test
    void invalidParametersExplainThemselves() {
        BpfException e = assertThrows(BpfException.class,
                () -> BpfMap.create(MapSpec.builder(MapType.ARRAY).name("bad").keySize(8).valueSize(4).maxEntries(1).build()));
        assertEquals(Errno.EINVAL, e.errno());
        assertTrue(e.getMessage().contains("key size 4"), e.getMessage());
    }

    @Test
    void perCpuValuesSpanPossibleCpus() {
        try (BpfMap m = BpfMap.create(MapSpec.builder(MapType.PERCPU_HASH).name("pcpu").keySize(4).valueSize(4)
                .maxEntries(8).build())) {
            int cpus = Cpus.possibleCount();
            assertEquals(8 * cpus, m.valueBufferSize());
            List<byte[]> values = new ArrayList<>();
            for (int i = 0; i < cpus; i++) values.add(le32(100 + i));
            m.updatePerCpu(le32(1), values, UpdateMode.ANY);
            List<byte[]> back = m.lookupPerCpu(le32(1)).orElseThrow();
            assertEquals(cpus, back.size());
            for (int i = 0; i < cpus; i++) assertArrayEquals(le32(100 + i), back.get(i));
        }
    }

    @Test
    void iterationAndBatchOperations() {
        int n = 1000;
        try (BpfMap m = BpfMap.create(MapSpec.hash("batch", 4, 8, n)); Arena arena = Arena.ofConfined()) {
            MemorySegment keys = arena.allocate(4L * n);
            MemorySegment values = arena.allocate(8L * n);
            for (int i = 0; i < n; i++) {
                keys.setAtIndex(JAVA_INT, i, i);
                values.setAtIndex(JAVA_LONG, i, i * 3L);
            }
            assertEquals(n, m.updateBatch(keys, values, n, UpdateMode.ANY));

            Map<Integer, Long> seen = new HashMap<>();
            m.forEach((k, v) -> seen.put(k.get(JAVA_INT, 0), v.get(JAVA_LONG, 0)));
            assertEquals(n, seen.size());
            seen.forEach((k, v) -> assertEquals(k * 3L, v));

            Map<Integer, Long> batched = new HashMap<>();
            MapBatchCursor c = m.batchCursor();
            MemorySegment kb = arena.allocate(4L * 64);
            MemorySegment vb = arena.allocate(8L * 64);
            while (!c.isDone()) {
                int got = m.lookupBatch(c, kb, vb, 64);
                for (int i = 0; i < got; i++) batched.put(kb.getAtIndex(JAVA_INT, i), vb.getAtIndex(JAVA_LONG, i));
            }
            assertEquals(seen, batched);

            assertEquals(10, m.deleteBatch(keys, 10));
            assertEquals(n - 10, m.keys().size());

            int drained = 0;
            MapBatchCursor d = m.batchCursor();
            while (!d.isDone()) drained += m.lookupAndDeleteBatch(d, kb, vb, 64);
            assertEquals(n - 10, drained);
            assertNull(m.nextKey((byte[]) null));
        }
    }

    @Test
    void queueStackAndBloomFilter() {
        try (BpfMap q = BpfMap.create(MapSpec.builder(MapType.QUEUE).name("q").valueSize(8).maxEntries(4).build());
             BpfMap s = BpfMap.create(MapSpec.builder(MapType.STACK).name("s").valueSize(8).maxEntries(4).build());
             BpfMap b = BpfMap.create(MapSpec.builder(MapType.BLOOM_FILTER).name("b").valueSize(8).maxEntries(64)
                     .mapExtra(3).build())) {
            for (long i = 1; i <= 3; i++) {
                q.push(le64(i));
                s.push(le64(i));
            }
            assertEquals(1, readLe64(q.peek().orElseThrow()));
            assertEquals(1, readLe64(q.pop().orElseThrow()));
            assertEquals(3, readLe64(s.pop().orElseThrow()));
            b.push(le64(77));
            assertTrue(b.mayContain(le64(77)));
            assertFalse(b.mayContain(le64(78)));
        }
    }

    @Test
    void pinAndReopen() throws Exception {
        Path pin = Path.of("/sys/fs/bpf/ebpf4j-test-pin-" + ProcessHandle.current().pid());
        try (BpfMap m = BpfMap.create(MapSpec.hash("pinned", 4, 8, 4))) {
            m.update(le32(1), le64(5));
            m.pin(pin);
            try (BpfMap again = BpfMap.fromPinned(pin)) {
                assertEquals(m.id(), again.id());
                assertEquals(5, readLe64(again.lookup(le32(1)).orElseThrow()));
                assertEquals(4, again.keySize());
            }
            try (BpfMap byId = BpfMap.fromId(m.id())) {
                assertEquals("pinned", byId.name());
            }
            assertTrue(BpfMap.ids().contains(m.id()));
        } finally {
            Files.deleteIfExists(pin);
        }
    }

    @Test
    void mmapableArrayIsAMemorySegment() {
        try (BpfMap m = BpfMap.create(MapSpec.builder(MapType.ARRAY).name("mm").keySize(4).valueSize(8).maxEntries(16)
                .flags(MapFlags.MMAPABLE).build())) {
            MemorySegment mem = m.memory();
            assertEquals(16 * 8, mem.byteSize());
            mem.setAtIndex(JAVA_LONG, 3, 1234);
            assertEquals(1234, readLe64(m.lookup(le32(3)).orElseThrow()));
            m.update(le32(4), le64(99));
            assertEquals(99, mem.getAtIndex(JAVA_LONG, 4));
            m.close();
            assertThrows(IllegalStateException.class, () -> mem.get(JAVA_LONG, 0));
        }
    }

    @Test
    void freezeMakesMapReadOnlyForUserSpace() {
        try (BpfMap m = BpfMap.create(MapSpec.array("frozen", 8, 2))) {
            m.update(le32(0), le64(1));
            m.freeze();
            BpfException e = assertThrows(BpfException.class, () -> m.update(le32(0), le64(2)));
            assertEquals(Errno.EPERM, e.errno());
            assertTrue(e.getMessage().startsWith("map 'frozen' (array) is frozen: user space can no longer write to "
                    + "it (bpf(BPF_MAP_UPDATE_ELEM) failed with EPERM while updating it;"), e.getMessage());
            assertEquals(1, readLe64(m.lookup(le32(0)).orElseThrow()));
        }
    }

    /** Every map type this kernel offers can be created with its minimal parameters. */
    @Test
    void everyMapTypeTheKernelOffersCanBeCreated() {
        Set<MapType> offered = EnumSet.noneOf(MapType.class);
        List<String> failures = new ArrayList<>();
        for (MapType t : MapType.values()) {
            if (t == MapType.UNSPEC || t == MapType.STRUCT_OPS) continue;
            if (!MapTypeSupport.isKnownToKernel(t)) continue;
            offered.add(t);
            try (BpfMap m = BpfMap.create(MapProbeSpecs.minimal(t))) {
                assertEquals(t, m.info().type());
            } catch (BpfException e) {
                failures.add(t + ": " + e.getMessage());
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
        assertTrue(offered.containsAll(EnumSet.of(MapType.HASH, MapType.ARRAY, MapType.RINGBUF, MapType.TASK_STORAGE,
                MapType.SK_STORAGE, MapType.CGRP_STORAGE, MapType.INODE_STORAGE, MapType.USER_RINGBUF,
                MapType.BLOOM_FILTER, MapType.ARENA)), offered.toString());
    }
}
