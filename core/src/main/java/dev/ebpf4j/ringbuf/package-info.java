/**
 * BPF ring buffers: {@link dev.ebpf4j.ringbuf.RingBufferReader} reads {@code BPF_MAP_TYPE_RINGBUF} records in place
 * (zero copy, no allocation per record), {@link dev.ebpf4j.ringbuf.UserRingBuffer} writes
 * {@code BPF_MAP_TYPE_USER_RINGBUF} records for {@code bpf_user_ringbuf_drain}, and
 * {@link dev.ebpf4j.ringbuf.DropCounter} counts, on the BPF side, the records that did not fit (the kernel reports no
 * ring buffer drops to user space).
 *
 * <pre>{@code
 * try (RingBufferReader reader = RingBufferReader.open(events, r -> handle(r.getLong(0), r.getInt(8)))) {
 *     while (running) reader.poll(Duration.ofMillis(100));
 * }
 * }</pre>
 */
package dev.ebpf4j.ringbuf;
