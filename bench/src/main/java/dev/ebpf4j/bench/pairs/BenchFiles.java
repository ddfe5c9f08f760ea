package dev.ebpf4j.bench.pairs;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the benchmark's BPF objects are: the directory named by the system property {@code ebpf4j.bench.bpf.dir},
 * else {@code bpf/} beside the code (bench/target/bpf next to bench/target/benchmarks.jar or bench/target/classes).
 * The build compiles bench/src/main/bpf there once; the libbpf anchor loads the very same files.
 *
 * <pre>{@code
 * Path producer = BenchFiles.bpf("bench_producer");   // .../bench/target/bpf/bench_producer.bpf.o
 * }</pre>
 */
public final class BenchFiles {
    private BenchFiles() {
    }

    /** The object compiled from {@code bench/src/main/bpf/NAME.bpf.c}. */
    public static Path bpf(String name) {
        Path p = bpfDir().resolve(name + ".bpf.o");
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException(p + " does not exist: build the bench module first (./mvnw -pl bench -am "
                    + "package -DskipTests) or set -Debpf4j.bench.bpf.dir");
        }
        return p;
    }

    static Path bpfDir() {
        String dir = System.getProperty("ebpf4j.bench.bpf.dir");
        if (dir != null) return Path.of(dir);
        try {
            Path code = Path.of(BenchFiles.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return code.getParent().resolve("bpf");
        } catch (URISyntaxException | RuntimeException e) {
            return Path.of("bench/target/bpf");
        }
    }
}
