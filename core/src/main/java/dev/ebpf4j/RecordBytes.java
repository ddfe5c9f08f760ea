package dev.ebpf4j;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

/**
 * The bytes of one record a BPF program sent to user space, read in place: the accessors
 * {@link dev.ebpf4j.ringbuf.RingRecord ring buffer records} and {@link dev.ebpf4j.perf.PerfSample perf samples}
 * share, so one decoder serves both. Offsets are relative to the start of the record's data; values are read in the
 * host's byte order (what BPF programs write); reads beyond {@link #length()} throw
 * {@link IndexOutOfBoundsException}. The readers reuse one object for every record, so it is valid only inside the
 * handler call that received it; afterwards its accessors throw {@link IllegalStateException}. The accessors
 * allocate nothing.
 *
 * <p>Subclassed only by ebpf4j's readers; the constructor is protected for them.
 *
 * <pre>{@code
 * static Event decode(RecordBytes r) {                    // works for ring buffer records and perf samples alike
 *     return new Event(r.getLong(0), r.getInt(8), r.getString(12, 16));
 * }
 * RingBufferReader.open(ring, r -> events.add(decode(r)));
 * PerfBufferReader.builder(perfMap).onSample(s -> events.add(decode(s))).build();
 * }</pre>
 */
public abstract class RecordBytes {
    private final String noun;
    private MemorySegment data = MemorySegment.NULL;
    private long base;
    private int length;
    private boolean valid;

    /** {@code noun} names the record in the error for use outside the handler ("ring buffer record"). */
    protected RecordBytes(String noun) {
        this.noun = noun;
    }

    /** Makes the record show {@code length} bytes of {@code data} from {@code base} (the reader, before the handler). */
    protected final void show(MemorySegment data, long base, int length) {
        // Readers pass the same ring segment for record after record: skipping the unchanged reference store also
        // skips the GC write barrier on this per-record path.
        if (this.data != data) this.data = data;
        this.base = base;
        this.length = length;
        this.valid = true;
    }

    /** Invalidates the record (the reader, after the handler). */
    protected final void hide() {
        valid = false;
    }

    /** True while the handler that received the record runs. */
    protected final boolean isValid() {
        return valid;
    }

    private long at(long offset, long size) {
        if (!valid) {
            throw new IllegalStateException(noun + " used outside the handler call that received it; "
                    + "copy its bytes (toByteArray) inside the handler");
        }
        Objects.checkFromIndexSize(offset, size, length);
        return base + offset;
    }

    /**
     * Data length in bytes: a ring buffer record's payload without header and padding; a perf sample's raw size,
     * which includes the kernel's alignment padding.
     */
    public final int length() {
        if (!valid) at(0, 0);
        return length;
    }

    public final byte getByte(long offset) {
        return data.get(JAVA_BYTE, at(offset, 1));
    }

    public final short getShort(long offset) {
        return data.get(JAVA_SHORT_UNALIGNED, at(offset, 2));
    }

    public final int getInt(long offset) {
        return data.get(JAVA_INT_UNALIGNED, at(offset, 4));
    }

    public final long getLong(long offset) {
        return data.get(JAVA_LONG_UNALIGNED, at(offset, 8));
    }

    public final double getDouble(long offset) {
        return data.get(JAVA_DOUBLE_UNALIGNED, at(offset, 8));
    }

    /** Copies {@code count} data bytes from {@code offset} into {@code dst[dstOffset..]}. */
    public final void copyTo(long offset, byte[] dst, int dstOffset, int count) {
        MemorySegment.copy(data, JAVA_BYTE, at(offset, count), dst, dstOffset, count);
    }

    /** Copies {@code count} data bytes from {@code offset} into {@code dst} at {@code dstOffset}. */
    public final void copyTo(long offset, MemorySegment dst, long dstOffset, int count) {
        MemorySegment.copy(data, at(offset, count), dst, dstOffset, count);
    }

    /** A new array with the whole data. */
    public final byte[] toByteArray() {
        byte[] b = new byte[length()];
        copyTo(0, b, 0, b.length);
        return b;
    }

    /**
     * The UTF-8 string at {@code offset}, ending at the first NUL or after {@code maxBytes} bytes (or at the end of the
     * record), as BPF programs store {@code char comm[16]} fields.
     */
    public final String getString(long offset, int maxBytes) {
        long start = at(offset, 0);
        long limit = Math.min(maxBytes, length - offset);
        int n = 0;
        while (n < limit && data.get(JAVA_BYTE, start + n) != 0) n++;
        byte[] b = new byte[n];
        MemorySegment.copy(data, JAVA_BYTE, start, b, 0, n);
        return new String(b, StandardCharsets.UTF_8);
    }

    /**
     * The data as a read-only slice of the mapped ring (or of the reader's copy of a record that wrapped around the
     * ring's end). Allocates the slice object; the accessors above do not. The slice reads live memory: once the
     * handler returns, the producer may overwrite it, so copy what must outlive the handler.
     */
    public final MemorySegment segment() {
        return data.asSlice(at(0, length), length).asReadOnly();
    }
}
