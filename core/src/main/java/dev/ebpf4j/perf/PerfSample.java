package dev.ebpf4j.perf;

import dev.ebpf4j.RecordBytes;

import java.lang.foreign.MemorySegment;

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
public final class PerfSample extends RecordBytes {
    private int cpu;

    PerfSample() {
        super("perf sample");
    }

    void bind(MemorySegment data, long base, int length, int cpu) {
        this.cpu = cpu;
        show(data, base, length);
    }

    void unbind() {
        hide();
    }

    /** The CPU whose buffer the sample came from (the CPU the BPF program ran on with BPF_F_CURRENT_CPU). */
    public int cpu() {
        return cpu;
    }

    @Override
    public String toString() {
        return isValid() ? "PerfSample[cpu " + cpu + ", " + length() + " bytes]" : "PerfSample[released]";
    }
}
