/**
 * Readers of what BPF programs emit through perf: {@link dev.ebpf4j.perf.PerfBufferReader} for
 * {@code bpf_perf_event_output} samples in a {@code BPF_MAP_TYPE_PERF_EVENT_ARRAY} (per-CPU buffers, lost-sample
 * accounting), and {@link dev.ebpf4j.perf.TracePipe} for {@code bpf_trace_printk} lines in tracefs.
 *
 * <pre>{@code
 * try (PerfBufferReader reader = PerfBufferReader.builder(events).onSample(s -> handle(s)).build()) {
 *     while (running) reader.poll(Duration.ofMillis(100));
 * }
 * try (TracePipe pipe = TracePipe.openInstance()) {
 *     TraceEvent line = pipe.poll(Duration.ofSeconds(1));
 * }
 * }</pre>
 */
package dev.ebpf4j.perf;
