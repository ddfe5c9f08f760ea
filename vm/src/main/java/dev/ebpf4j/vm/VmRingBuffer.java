package dev.ebpf4j.vm;

import java.util.function.Consumer;

/**
 * A userspace BPF ring buffer ({@code BPF_MAP_TYPE_RINGBUF}): programs write records with
 * {@code bpf_ringbuf_output} or {@code bpf_ringbuf_reserve}/{@code submit}; Java reads them here in order.
 * Discarded records are skipped; records still reserved stop the reading, as in the kernel.
 *
 * <pre>{@code
 * VmRingBuffer events = (VmRingBuffer) maps.create(MapSpec.ringBuffer("events", 4096));
 * prog.run(...);
 * int n = events.poll(record -> System.out.println(record.length + " bytes"));
 * }</pre>
 */
public interface VmRingBuffer extends VmMap {
    /** Hands every committed record to {@code consumer} (a copy), frees them, and returns how many there were. */
    int poll(Consumer<byte[]> consumer);

    /** Bytes written but not yet consumed. */
    long available();
}
