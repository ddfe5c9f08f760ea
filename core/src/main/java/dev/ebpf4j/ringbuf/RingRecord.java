package dev.ebpf4j.ringbuf;

import dev.ebpf4j.RecordBytes;

import java.lang.foreign.MemorySegment;

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
public final class RingRecord extends RecordBytes {
    private int ring;

    RingRecord() {
        super("ring buffer record");
    }

    void bind(MemorySegment data, long base, int length, int ring) {
        this.ring = ring;
        show(data, base, length);
    }

    void unbind() {
        hide();
    }

    /** Index of the ring (in the order the rings were added to the reader) this record came from. */
    public int ring() {
        return ring;
    }

    @Override
    public String toString() {
        return isValid() ? "RingRecord[ring " + ring + ", " + length() + " bytes]" : "RingRecord[released]";
    }
}
