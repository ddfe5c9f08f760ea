package dev.ebpf4j;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The accessors ring buffer records and perf samples share, on a plain segment (no kernel needed). */
class RecordBytesTest {
    /** A record the way the readers drive one: shown for a handler call, hidden afterwards. */
    static final class TestRecord extends RecordBytes {
        TestRecord() {
            super("test record");
        }

        void bind(MemorySegment data, long base, int length) {
            show(data, base, length);
        }

        void unbind() {
            hide();
        }
    }

    @Test
    void readsTheWindowItIsShownAndNothingOutsideIt() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ring = arena.allocate(64);
            ring.set(JAVA_LONG_UNALIGNED, 8, 0x1122334455667788L);
            ring.set(JAVA_INT_UNALIGNED, 16, 42);
            MemorySegment.copy("bash\0xx".getBytes(StandardCharsets.UTF_8), 0, ring, JAVA_BYTE, 20, 7);
            TestRecord r = new TestRecord();
            r.bind(ring, 8, 28);

            assertEquals(28, r.length());
            assertEquals(0x1122334455667788L, r.getLong(0));
            assertEquals(42, r.getInt(8));
            assertEquals("bash", r.getString(12, 16));
            assertEquals("ba", r.getString(12, 2));
            assertEquals(28, r.toByteArray().length);
            byte[] two = new byte[2];
            r.copyTo(12, two, 0, 2);
            assertArrayEquals("ba".getBytes(StandardCharsets.UTF_8), two);
            assertThrows(IndexOutOfBoundsException.class, () -> r.getLong(24));
            assertThrows(IndexOutOfBoundsException.class, () -> r.getByte(-1));

            MemorySegment slice = r.segment();
            assertEquals(28, slice.byteSize());
            assertTrue(slice.isReadOnly());
            assertThrows(IllegalArgumentException.class, () -> slice.set(JAVA_BYTE, 0, (byte) 1));
        }
    }

    @Test
    void aRecordKeptPastItsHandlerRefusesEveryRead() {
        try (Arena arena = Arena.ofConfined()) {
            TestRecord r = new TestRecord();
            r.bind(arena.allocate(16), 0, 16);
            r.unbind();
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> r.getInt(0));
            assertEquals("test record used outside the handler call that received it; copy its bytes (toByteArray) "
                    + "inside the handler", e.getMessage());
            assertThrows(IllegalStateException.class, r::length);
            assertThrows(IllegalStateException.class, r::segment);
        }
    }
}
