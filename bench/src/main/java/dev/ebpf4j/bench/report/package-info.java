/**
 * Turns the lines {@code ./run-benchmarks} collected (from the Java side, the C anchor and the harness) into
 * BENCHMARKS.md: medians, spreads, ratios ebpf4j ÷ libbpf, the same-work check and the goals.
 */
package dev.ebpf4j.bench.report;
