package dev.ebpf4j.ringbuf;

import dev.ebpf4j.BpfException;
import dev.ebpf4j.BpfMap;
import dev.ebpf4j.Errno;
import dev.ebpf4j.MapSpec;
import dev.ebpf4j.MapType;
import dev.ebpf4j.internal.PageSize;
import dev.ebpf4j.internal.sys.Mmap;
import dev.ebpf4j.testkit.KernelTest;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;

import static org.junit.jupiter.api.Assertions.*;

/** The kernel's mapping rules the reader and writer rely on (kernel/bpf/ringbuf.c), checked on the running kernel. */
@KernelTest
class RingMappingKernelTest {
    static final long PAGE = PageSize.get();
    static final long SIZE = 4 * PAGE;

    @Test
    void ringBufferConsumerPageIsWritableProducerSideIsNot() {
        try (BpfMap ring = BpfMap.create(MapSpec.ringBuffer("mrb", (int) SIZE)); Arena arena = Arena.ofShared()) {
            assertFalse(Mmap.shared(ring.fd(), 0, PAGE, true, arena, "consumer").isReadOnly());
            assertTrue(Mmap.shared(ring.fd(), PAGE, PAGE + 2 * SIZE, false, arena, "producer+data").isReadOnly());
            BpfException e = assertThrows(BpfException.class,
                    () -> Mmap.shared(ring.fd(), PAGE, PAGE + 2 * SIZE, true, arena, "producer+data"));
            assertEquals(Errno.EPERM, e.errno());
        }
    }

    @Test
    void userRingBufferProducerSideIsWritableConsumerPageIsNot() {
        try (BpfMap ring = BpfMap.create(MapSpec.builder(MapType.USER_RINGBUF).name("murb").maxEntries((int) SIZE)
                .build()); Arena arena = Arena.ofShared()) {
            assertTrue(Mmap.shared(ring.fd(), 0, PAGE, false, arena, "consumer").isReadOnly());
            assertFalse(Mmap.shared(ring.fd(), PAGE, PAGE + 2 * SIZE, true, arena, "producer+data").isReadOnly());
            BpfException e = assertThrows(BpfException.class,
                    () -> Mmap.shared(ring.fd(), 0, PAGE, true, arena, "consumer"));
            assertEquals(Errno.EPERM, e.errno());
            assertTrue(e.getMessage().contains("mmap of " + PAGE + " bytes at offset 0 (read-write) of consumer"),
                    e.getMessage());
        }
    }

    @Test
    void theDataAreaIsMappedTwiceInARow() {
        try (BpfMap ring = BpfMap.create(MapSpec.builder(MapType.USER_RINGBUF).name("murb2").maxEntries((int) SIZE)
                .build()); Arena arena = Arena.ofShared()) {
            var producer = Mmap.shared(ring.fd(), PAGE, PAGE + 2 * SIZE, true, arena, "producer+data");
            producer.set(java.lang.foreign.ValueLayout.JAVA_LONG, PAGE + 16, 0x1122334455667788L);
            assertEquals(0x1122334455667788L, producer.get(java.lang.foreign.ValueLayout.JAVA_LONG, PAGE + SIZE + 16));
        }
    }
}
