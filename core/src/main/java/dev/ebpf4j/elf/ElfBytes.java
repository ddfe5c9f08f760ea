package dev.ebpf4j.elf;

import dev.ebpf4j.ObjectFormatException;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Bounds-checked reads from a file image in one byte order (package-private). Every read names the structure it
 * belongs to, so a read past the end becomes an {@link ObjectFormatException} saying which structure and offset
 * instead of an {@link IndexOutOfBoundsException}.
 */
final class ElfBytes {
    private final MemorySegment data;
    private final ValueLayout.OfShort u16;
    private final ValueLayout.OfInt u32;
    private final ValueLayout.OfLong u64;
    private final String fileName;

    ElfBytes(MemorySegment data, ByteOrder order, String fileName) {
        this.data = data;
        this.u16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(order);
        this.u32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(order);
        this.u64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(order);
        this.fileName = fileName;
    }

    long size() {
        return data.byteSize();
    }

    MemorySegment segment() {
        return data;
    }

    int u8(long at, String where) {
        check(at, 1, where);
        return Byte.toUnsignedInt(data.get(ValueLayout.JAVA_BYTE, at));
    }

    int u16(long at, String where) {
        check(at, 2, where);
        return Short.toUnsignedInt(data.get(u16, at));
    }

    /** An unsigned 32-bit field, as a long. */
    long u32(long at, String where) {
        check(at, 4, where);
        return Integer.toUnsignedLong(data.get(u32, at));
    }

    /** A 32-bit field as a Java int (the bit pattern; for types, flags and signed values). */
    int s32(long at, String where) {
        check(at, 4, where);
        return data.get(u32, at);
    }

    long u64(long at, String where) {
        check(at, 8, where);
        return data.get(u64, at);
    }

    /** A read-only slice of {@code size} bytes at {@code offset}; both are checked against the file. */
    MemorySegment slice(long offset, long size, String where) {
        check(offset, size, where);
        return data.asSlice(offset, size);
    }

    /** True when {@code [offset, offset + size)} lies inside the file (unsigned, overflow-safe). */
    boolean contains(long offset, long size) {
        return offset >= 0 && size >= 0 && offset <= data.byteSize() && size <= data.byteSize() - offset;
    }

    private void check(long at, long size, String where) {
        if (!contains(at, size)) {
            throw error(where, at, "needs " + size + " bytes at file offset " + Long.toUnsignedString(at)
                    + " but the file is only " + data.byteSize() + " bytes long (truncated or corrupt)");
        }
    }

    /** An error naming the structure, offset and file. */
    ObjectFormatException error(String where, long offset, String problem) {
        return new ObjectFormatException(where, offset, problem + " [" + fileName + "]");
    }
}
