package dev.ebpf4j.ringbuf;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

/**
 * A record reserved in a {@link UserRingBuffer}, written in place in the mapped ring and then handed to the kernel
 * with {@link #submit()} or dropped with {@link #discard()}. The buffer reuses one {@code UserRingRecord} object, so
 * there is at most one outstanding reservation and the object is invalid after submit or discard. Offsets are relative
 * to the payload; values are written in host byte order.
 *
 * <pre>{@code
 * UserRingRecord r = ring.tryReserve(16);
 * if (r == null) { ... ring full: retry later or count a drop ... }
 * r.putLong(0, seq).putLong(8, value).submit();
 * }</pre>
 */
public final class UserRingRecord {
    private final UserRingBuffer owner;
    private MemorySegment data = MemorySegment.NULL;
    private long headerOffset;
    private int length;
    private boolean valid;

    UserRingRecord(UserRingBuffer owner) {
        this.owner = owner;
    }

    void bind(MemorySegment data, long headerOffset, int length) {
        this.data = data;
        this.headerOffset = headerOffset;
        this.length = length;
        this.valid = true;
    }

    boolean isPending() {
        return valid;
    }

    long headerOffset() {
        return headerOffset;
    }

    void abandon() {
        valid = false;
    }

    private long at(long offset, long size) {
        if (!valid) {
            throw new IllegalStateException("user ring buffer record already submitted or discarded; reserve a new one");
        }
        Objects.checkFromIndexSize(offset, size, length);
        return headerOffset + RingLayout.HEADER_SIZE + offset;
    }

    /** Payload length in bytes, as reserved. */
    public int length() {
        return length;
    }

    public UserRingRecord putByte(long offset, byte v) {
        data.set(JAVA_BYTE, at(offset, 1), v);
        return this;
    }

    public UserRingRecord putShort(long offset, short v) {
        data.set(JAVA_SHORT_UNALIGNED, at(offset, 2), v);
        return this;
    }

    public UserRingRecord putInt(long offset, int v) {
        data.set(JAVA_INT_UNALIGNED, at(offset, 4), v);
        return this;
    }

    public UserRingRecord putLong(long offset, long v) {
        data.set(JAVA_LONG_UNALIGNED, at(offset, 8), v);
        return this;
    }

    public UserRingRecord putDouble(long offset, double v) {
        data.set(JAVA_DOUBLE_UNALIGNED, at(offset, 8), v);
        return this;
    }

    /** Copies {@code src[srcOffset..srcOffset+count)} to payload offset {@code offset}. */
    public UserRingRecord put(long offset, byte[] src, int srcOffset, int count) {
        MemorySegment.copy(src, srcOffset, data, JAVA_BYTE, at(offset, count), count);
        return this;
    }

    /** Copies all of {@code src} to payload offset {@code offset}. */
    public UserRingRecord put(long offset, MemorySegment src) {
        MemorySegment.copy(src, 0, data, at(offset, src.byteSize()), src.byteSize());
        return this;
    }

    /** The payload as a writable slice of the mapped ring (allocates the slice; valid until submit or discard). */
    public MemorySegment segment() {
        return data.asSlice(at(0, length), length);
    }

    /** Makes the record visible to the BPF program draining the ring. */
    public void submit() {
        at(0, 0);
        valid = false;
        owner.commit(headerOffset, length, false);
    }

    /** Releases the reservation; the kernel skips the record. */
    public void discard() {
        at(0, 0);
        valid = false;
        owner.commit(headerOffset, length, true);
    }

    @Override
    public String toString() {
        return valid ? "UserRingRecord[" + length + " bytes, reserved]" : "UserRingRecord[done]";
    }
}
