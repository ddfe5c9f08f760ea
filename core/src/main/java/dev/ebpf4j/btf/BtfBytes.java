package dev.ebpf4j.btf;

import dev.ebpf4j.ObjectFormatException;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Raw little- or big-endian reads over a BTF (or .BTF.ext) blob, and the errors that name where a problem is. Callers
 * check ranges with {@link #require} before reading, so the segment's own bounds check never fires.
 */
final class BtfBytes {
    private static final ValueLayout.OfInt LE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt BE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfShort LE_SHORT =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort BE_SHORT =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    /** The BTF magic as read in the blob's own byte order. */
    static final int MAGIC = 0xeB9F;

    final MemorySegment segment;
    final boolean bigEndian;
    final String section;

    BtfBytes(MemorySegment segment, boolean bigEndian, String section) {
        this.segment = segment;
        this.bigEndian = bigEndian;
        this.section = section;
    }

    /**
     * Detects the byte order from the magic at offset 0 and wraps the segment; fails when the blob is too short to
     * hold a magic or the magic is wrong.
     */
    static BtfBytes detect(MemorySegment segment, String section, String what) {
        if (segment.byteSize() > Integer.MAX_VALUE) {
            throw new ObjectFormatException(section, 0, what + " of " + segment.byteSize()
                    + " bytes is larger than the 2 GiB ebpf4j supports");
        }
        if (segment.byteSize() < 2) {
            throw new ObjectFormatException(section, 0, what + " is " + segment.byteSize()
                    + " bytes, too short for a header");
        }
        int le = Short.toUnsignedInt(segment.get(LE_SHORT, 0));
        if (le == MAGIC) return new BtfBytes(segment, false, section);
        int be = Short.toUnsignedInt(segment.get(BE_SHORT, 0));
        if (be == MAGIC) return new BtfBytes(segment, true, section);
        throw new ObjectFormatException(section, 0, String.format("bad %s magic 0x%04x (expected 0xeb9f in either "
                + "byte order)", what, le));
    }

    long size() {
        return segment.byteSize();
    }

    ByteOrder order() {
        return bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
    }

    int i32(long offset) {
        return bigEndian ? segment.get(BE_INT, offset) : segment.get(LE_INT, offset);
    }

    /** {@code count} consecutive 4-byte words from {@code offset}, in the blob's byte order, as one array copy. */
    int[] words(long offset, long count) {
        int[] w = new int[Math.toIntExact(count)];
        MemorySegment.copy(segment, bigEndian ? BE_INT : LE_INT, offset, w, 0, w.length);
        return w;
    }

    long u32(long offset) {
        return Integer.toUnsignedLong(i32(offset));
    }

    int u16(long offset) {
        return Short.toUnsignedInt(bigEndian ? segment.get(BE_SHORT, offset) : segment.get(LE_SHORT, offset));
    }

    int u8(long offset) {
        return Byte.toUnsignedInt(segment.get(ValueLayout.JAVA_BYTE, offset));
    }

    /** Fails unless {@code [offset, offset + length)} lies inside {@code [start, end)}. */
    void require(long offset, long length, long end, String what) {
        if (offset < 0 || length < 0 || offset > end || length > end - offset) {
            throw error(offset, what + " (" + length + " bytes at " + offset + ") runs past the end at " + end);
        }
    }

    ObjectFormatException error(long offset, String problem) {
        return new ObjectFormatException(section, offset, problem);
    }
}
