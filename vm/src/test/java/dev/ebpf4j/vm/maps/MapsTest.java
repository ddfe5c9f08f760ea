package dev.ebpf4j.vm.maps;

import dev.ebpf4j.BpfArgumentException;
import dev.ebpf4j.MapSpec;
import dev.ebpf4j.MapType;
import dev.ebpf4j.UpdateMode;
import dev.ebpf4j.vm.VmMap;
import dev.ebpf4j.vm.VmMaps;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Userspace map semantics: the kernel's update modes, capacity, LRU eviction, deletion, ring buffer wrap-around. */
class MapsTest {
    static byte[] key(int k) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(k).array();
    }

    static byte[] value(long v) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
    }

    @Test
    void hashMapModesCapacityAndDeletion() {
        VmMap m = new VmMaps().create(MapSpec.hash("h", 4, 8, 64));
        for (int i = 0; i < 64; i++) m.update(key(i), value(i));
        assertThrows(BpfArgumentException.class, () -> m.update(key(100), value(1)), "full");
        assertThrows(BpfArgumentException.class, () -> m.update(key(3), value(1), UpdateMode.NO_EXIST));
        assertThrows(BpfArgumentException.class, () -> m.update(key(200), value(1), UpdateMode.EXIST));
        // delete every other key and check the rest survive the backward shifts
        for (int i = 0; i < 64; i += 2) assertTrue(m.delete(key(i)));
        assertFalse(m.delete(key(0)));
        for (int i = 0; i < 64; i++) {
            if (i % 2 == 0) assertTrue(m.lookup(key(i)).isEmpty());
            else assertArrayEquals(value(i), m.lookup(key(i)).orElseThrow());
        }
        assertEquals(32, m.keys().size());
        for (int i = 0; i < 32; i++) m.update(key(1000 + i), value(i));
        assertEquals(64, m.entries().size());
    }

    @Test
    void lruEvictsTheLeastRecentlyUsed() {
        VmMap m = new VmMaps().create(MapSpec.builder(MapType.LRU_HASH).name("lru").keySize(4).valueSize(8)
                .maxEntries(4).build());
        for (int i = 0; i < 4; i++) m.update(key(i), value(i));
        m.lookup(key(0));
        m.update(key(4), value(4));   // evicts 1, the least recently used
        Set<Integer> keys = new HashSet<>();
        for (byte[] k : m.keys()) keys.add(ByteBuffer.wrap(k).order(ByteOrder.LITTLE_ENDIAN).getInt());
        assertEquals(Set.of(0, 2, 3, 4), keys);
    }

    @Test
    void arraysHaveEveryIndexAndCannotDelete() {
        VmMap a = new VmMaps().create(MapSpec.array("a", 8, 3));
        assertEquals(3, a.keys().size());
        assertArrayEquals(value(0), a.lookup(key(2)).orElseThrow());
        assertTrue(a.lookup(key(3)).isEmpty());
        assertFalse(a.delete(key(1)));
        assertThrows(BpfArgumentException.class, () -> a.update(key(1), value(5), UpdateMode.NO_EXIST));
    }

    @Test
    void ringBufferWrapsWithoutSplittingRecords() {
        VmMaps maps = new VmMaps();
        RingBuffer rb = (RingBuffer) maps.create(MapSpec.ringBuffer("rb", 4096));
        List<byte[]> got = new ArrayList<>();
        int written = 0;
        for (int round = 0; round < 50; round++) {
            byte[] rec = new byte[100 + round];
            rec[0] = (byte) round;
            assertEquals(0, rb.output(rec, 0, rec.length));
            written++;
            if (round % 7 == 6) rb.poll(got::add);
        }
        rb.poll(got::add);
        assertEquals(written, got.size());
        for (int i = 0; i < got.size(); i++) {
            assertEquals(100 + i, got.get(i).length);
            assertEquals((byte) i, got.get(i)[0]);
        }
        long r = rb.reserve(5000);
        assertEquals(0, r, "larger than the ring");
    }
}
