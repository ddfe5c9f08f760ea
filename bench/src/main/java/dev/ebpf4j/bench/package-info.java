/**
 * JMH benchmarks. Build with {@code ./mvnw -pl bench -am package -DskipTests} and run
 * {@code java --enable-native-access=ALL-UNNAMED -jar bench/target/benchmarks.jar [regex]}.
 * VM benchmarks live in {@code dev.ebpf4j.bench.vm}.
 */
package dev.ebpf4j.bench;
