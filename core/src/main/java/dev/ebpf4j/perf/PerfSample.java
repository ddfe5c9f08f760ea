package dev.ebpf4j.perf;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

/**
 * One {@code PERF_RECORD_SAMPLE} from a perf buffer: the raw bytes a BPF program passed to
 * {@code bpf_perf_event_output}, read in place from the mapped per-CPU ring (or from a per-CPU scratch copy when the
 * sample wraps around the ring's end). The reader reuses one {@code PerfSample} object, so it is valid only inside the
 * {@link SampleHandler} call that received it; afterwards its accessors throw {@link IllegalStateException}.
 *
 * <p>{@link #length()} is the raw size the kernel records, which it pads so that the 4-byte size field plus the data
 * is a multiple of 8: a 16-byte output arrives as 20 bytes (the last 4 are padding with unspecified contents). Offsets are relative to the
 * start of the data; values are read in host byte order.
 *
 * <pre>{@code
 * SampleHandler handler = sample -> {
 *     long seq = sample.getLong(0);
 *     System.out.println("cpu " + sample.cpu() + ": " + seq);
 * };
 * }</pre>
 */
public final class PerfSample {
    private MemorySegment data = MemorySegment.NULL;
    private long base;
    private int length;
    private int cpu;
    private boolean valid;

    PerfSample() {
    }

    void bind(MemorySegment data, long base, int length, int cpu) {
        this.data = data;
        this.base = base;
        this.length = length;
        this.cpu = cpu;
        this.valid = true;
    }

    void unbind() {
        valid = false;
    }

    private long at(long offset, long size) {
        if (!valid) {
            throw new IllegalStateException("perf sample used outside the handler call that received it; "
                    + "copy its bytes (toByteArray) inside the handler");
        }
        Objects.checkFromIndexSize(offset, size, length);
        return base + offset;
    }

    /** Raw data length in bytes (including the kernel's alignment padding, see the class comment). */
    public int length() {
        if (!valid) at(0, 0);
        return length;
    }

    /** The CPU whose buffer the sample came from (the CPU the BPF program ran on with BPF_F_CURRENT_CPU). */
    public int cpu() {
        return cpu;
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

    /** Copies {@code count} data bytes from {@code offset} into {@code dst[dstOffset..]}. */
    public void copyTo(long offset, byte[] dst, int dstOffset, int count) {
        MemorySegment.copy(data, JAVA_BYTE, at(offset, count), dst, dstOffset, count);
    }

    /** Copies {@code count} data bytes from {@code offset} into {@code dst} at {@code dstOffset}. */
    public void copyTo(long offset, MemorySegment dst, long dstOffset, int count) {
        MemorySegment.copy(data, at(offset, count), dst, dstOffset, count);
    }

    /** A new array with the whole data. */
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
     * The data as a read-only slice of the mapped ring or scratch copy (allocates the slice object; the accessors
     * above do not). The slice reads live memory: once the handler returns, it may be overwritten.
     */
    public MemorySegment segment() {
        return data.asSlice(at(0, length), length).asReadOnly();
    }

    @Override
    public String toString() {
        return valid ? "PerfSample[cpu " + cpu + ", " + length + " bytes]" : "PerfSample[released]";
    }
}
