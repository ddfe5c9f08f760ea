/**
 * The Java side of the benchmark pairs that compare ebpf4j with libbpf: each class mirrors one part of the C anchor
 * in {@code bench/src/main/c} (same BPF objects, record sizes, map sizes, warm-up and counts) and prints
 * {@link dev.ebpf4j.bench.pairs.BenchLine}s. {@code ./run-benchmarks} runs both sides and writes BENCHMARKS.md.
 */
package dev.ebpf4j.bench.pairs;
