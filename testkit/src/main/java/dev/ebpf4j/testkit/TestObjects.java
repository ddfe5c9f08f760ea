package dev.ebpf4j.testkit;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates artefacts the build compiled for tests: BPF objects from {@code src/test/bpf/*.bpf.c} and native test
 * binaries from {@code src/test/bpf/native/*.c} (see {@code scripts/compile-bpf.sh}).
 *
 * <pre>{@code
 * Path obj = TestObjects.bpf("minimal");          // target/test-bpf/minimal.bpf.o
 * Path bin = TestObjects.nativeBinary("uprobe_target");
 * }</pre>
 */
public final class TestObjects {
    private TestObjects() {
    }

    /** The directory holding compiled test artefacts (system property {@code ebpf4j.test.bpf.dir}). */
    public static Path dir() {
        String d = System.getProperty("ebpf4j.test.bpf.dir");
        if (d == null) d = "target/test-bpf";
        return Path.of(d).toAbsolutePath();
    }

    /** The compiled object {@code NAME.bpf.o}; fails clearly when the build did not produce it. */
    public static Path bpf(String name) {
        return existing(dir().resolve(name + ".bpf.o"));
    }

    /** The compiled native test binary {@code native/NAME}. */
    public static Path nativeBinary(String name) {
        return existing(dir().resolve("native").resolve(name));
    }

    private static Path existing(Path p) {
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException("test artefact " + p + " is missing; the build compiles it from "
                    + "src/test/bpf with scripts/compile-bpf.sh (run ./run-tests, which installs clang-19)");
        }
        return p;
    }
}
