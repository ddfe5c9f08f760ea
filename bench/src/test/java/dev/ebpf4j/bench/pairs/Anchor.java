package dev.ebpf4j.bench.pairs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs the libbpf anchor (bench/target/anchor/bench-anchor, built by bench/build-anchors.sh during the build) and
 * parses its lines.
 *
 * <pre>{@code
 * List<BenchLine> c = Anchor.run("mapops", "2000", "1024");
 * }</pre>
 */
final class Anchor {
    private Anchor() {
    }

    static Path binary() {
        Path p = Path.of(System.getProperty("ebpf4j.bench.anchor", "target/anchor/bench-anchor"));
        assertTrue(Files.isExecutable(p), p + " was not built (bench/build-anchors.sh)");
        return p;
    }

    /** Runs the anchor with {@code args}; fails on a non-zero exit, naming its error output. */
    static List<BenchLine> run(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(binary().toString());
        cmd.addAll(List.of(args));
        return lines(cmd);
    }

    static List<BenchLine> lines(List<String> cmd) throws IOException, InterruptedException {
        Path err = Files.createTempFile("bench-anchor", ".err");
        try {
            Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "timed out: " + cmd);
            assertEquals(0, p.exitValue(), cmd + " failed: " + Files.readString(err));
            List<BenchLine> lines = new ArrayList<>();
            for (String l : out.split("\n")) BenchLine.parse(l).ifPresent(lines::add);
            return lines;
        } finally {
            Files.deleteIfExists(err);
        }
    }

    /** The running JVM's java binary and class path, to start Java children the way the script does. */
    static List<String> java(String mainClass, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Debpf4j.bench.bpf.dir=" + System.getProperty("ebpf4j.bench.bpf.dir", "target/bpf"),
                "-cp", System.getProperty("java.class.path"), mainClass));
        cmd.addAll(List.of(args));
        return cmd;
    }
}
