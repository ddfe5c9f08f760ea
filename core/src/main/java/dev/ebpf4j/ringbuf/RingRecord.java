package dev.ebpf4j.ringbuf;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

/**
 * One ring buffer record, read in place from the memory-mapped ring (zero copy). The reader reuses a single
 * {@code RingRecord} object for every record, so the object is only valid inside the {@link RecordHandler} call that
 * received it; afterwards its accessors throw {@link IllegalStateException}. Copy what you need to keep
 * ({@link #toByteArray()}, {@link #copyTo}) or take a {@link #segment()} slice, which stays readable until the ring
 * area is reused by the producer (so copy it before returning too).
 *
 * <p>Offsets are relative to the start of the record payload; values are read in the host's byte order (what BPF
 * programs write). Reads beyond {@link #length()} throw {@link IndexOutOfBoundsException}.
 *
 * <pre>{@code
 * RecordHandler handler = record -> {
 *     long seq = record.getLong(0);
 *     int pid = record.getInt(8);
 *     String comm = record.getString(12, 16);
 * };
 * }</pre>
 */
public final class RingRecord {
    private MemorySegment data = MemorySegment.NULL;
    private long base;
    private int length;
    private int ring;
    private boolean valid;

    RingRecord() {
    }

    void bind(MemorySegment data, long base, int length, int ring) {
        this.data = data;
        this.base = base;
        this.length = length;
        this.ring = ring;
        this.valid = true;
    }

    void unbind() {
        valid = false;
    }

    private long at(long offset, long size) {
        if (!valid) {
            throw new IllegalStateException("ring buffer record used outside the handler call that received it; "
                    + "copy its bytes (toByteArray) inside the handler");
        }
        Objects.checkFromIndexSize(offset, size, length);
        return base + offset;
    }

    /** Payload length in bytes (without the 8-byte header and padding). */
    public int length() {
        if (!valid) at(0, 0);
        return length;
    }

    /** Index of the ring (in the order the rings were added to the reader) this record came from. */
    public int ring() {
        return ring;
    }

    public byte getByte(long offset) {
        return data.get(JAVA_BYTE, at(offset, 1));
    }

    public short getShort(long offset) {
        return data.get(JAVA_SHORT_UNALIGNED, at(offset, 2));
    }

    public int getInt(long offset) {
        return data.get(JAVA_INT_UNALIGNED, at(offset, 4));
    }

    public long getLong(long offset) {
        return data.get(JAVA_LONG_UNALIGNED, at(offset, 8));
    }

    public double getDouble(long offset) {
        return data.get(JAVA_DOUBLE_UNALIGNED, at(offset, 8));
    }

    /** Copies {@code count} payload bytes from {@code offset} into {@code dst[dstOffset..]}. */
    public void copyTo(long offset, byte[] dst, int dstOffset, int count) {
        MemorySegment.copy(data, JAVA_BYTE, at(offset, count), dst, dstOffset, count);
    }

    /** Copies {@code count} payload bytes from {@code offset} into {@code dst} at {@code dstOffset}. */
    public void copyTo(long offset, MemorySegment dst, long dstOffset, int count) {
        MemorySegment.copy(data, at(offset, count), dst, dstOffset, count);
    }

    /** A new array with the whole payload. */
    public byte[] toByteArray() {
        byte[] b = new byte[length()];
        copyTo(0, b, 0, b.length);
        return b;
    }

    /**
     * The UTF-8 string at {@code offset}, ending at the first NUL or after {@code maxBytes} bytes (or at the end of the
     * record), as BPF programs store {@code char comm[16]} fields.
     */
    public String getString(long offset, int maxBytes) {
        long start = at(offset, 0);
        long limit = Math.min(maxBytes, length - offset);
        int n = 0;
        while (n < limit && data.get(JAVA_BYTE, start + n) != 0) n++;
        byte[] b = new byte[n];
        MemorySegment.copy(data, JAVA_BYTE, start, b, 0, n);
        return new String(b, StandardCharsets.UTF_8);
    }

    /**
     * The payload as a read-only slice of the mapped ring (allocates the slice object; the accessors above do not).
     * The slice reads live ring memory: once the handler returns, the producer may overwrite it.
     */
    public MemorySegment segment() {
        return data.asSlice(at(0, length), length);
    }

    @Override
    public String toString() {
        return valid ? "RingRecord[ring " + ring + ", " + length + " bytes]" : "RingRecord[released]";
    }
}
