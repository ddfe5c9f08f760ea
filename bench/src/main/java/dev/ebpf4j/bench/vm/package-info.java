/**
 * JMH benchmarks of the userspace VM: the interpreter and the JIT against the kernel's JIT
 * ({@code BPF_PROG_TEST_RUN} with {@code repeat}) on loop-heavy XDP programs, scored in nanoseconds per executed
 * BPF instruction.
 */
package dev.ebpf4j.bench.vm;
