/**
 * JMH benchmarks of the workloads the libbpf pairs compare (ring and perf buffer draining, single map operations,
 * map dumps, BTF parsing, object loading), for profiling and in-JVM exploration with JMH's tools
 * ({@code -prof gc}, {@code -prof jfr}, {@code -prof perfnorm}). The side-by-side figures in BENCHMARKS.md come from
 * {@link dev.ebpf4j.bench.pairs}, which mirrors the C anchor loop for loop. All need CAP_BPF.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -jar bench/target/benchmarks.jar 'dev.ebpf4j.bench.jmh' -prof gc
 * </pre>
 */
package dev.ebpf4j.bench.jmh;
