package dev.ebpf4j.objects;

import dev.ebpf4j.ObjectSpec;
import dev.ebpf4j.internal.sys.Libc;
import dev.ebpf4j.internal.sys.SyscallNumbers;
import dev.ebpf4j.testkit.TestObjects;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The object loader's test corpus (src/test/bpf/loader_*.bpf.c) as built by clang-19 and clang-14, and helpers. */
final class Corpus {
    private Corpus() {
    }

    /** Every corpus object name ("loader_globals", ...), sorted. */
    static List<String> names() {
        try (Stream<Path> s = Files.list(TestObjects.dir())) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("loader_") && n.endsWith(".bpf.o"))
                    .map(n -> n.substring(0, n.length() - ".bpf.o".length())).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The clang-19 object. */
    static Path path(String name) {
        return TestObjects.bpf(name);
    }

    /** The clang-14 object. */
    static Path clang14(String name) {
        String d = System.getProperty("ebpf4j.test.bpf.clang14.dir", "target/test-bpf-clang14");
        Path p = Path.of(d).toAbsolutePath().resolve(name + ".bpf.o");
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException(p + " is missing; the build compiles the corpus with clang-14 too "
                    + "(./run-tests installs it)");
        }
        return p;
    }

    static ObjectSpec spec(String name) {
        return ObjectSpec.read(path(name));
    }

    static byte[] bytes(String name) {
        try {
            return Files.readAllBytes(path(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int pid() {
        return (int) ProcessHandle.current().pid();
    }

    private static final boolean X86 = SyscallNumbers.current().arch().contains("86")
            || SyscallNumbers.current().arch().contains("amd64");

    /** Calls getppid(2) {@code times} times (fires syscalls/sys_enter_getppid). */
    static void getppid(int times) {
        long nr = X86 ? 110 : 173;
        for (int i = 0; i < times; i++) Libc.syscall(nr, 0, 0, 0, 0, 0);
    }

    static byte[] u32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(v).array();
    }

    static byte[] u64(long v) {
        return ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putLong(v).array();
    }

    static long asLong(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.nativeOrder()).getLong();
    }

    static int asInt(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.nativeOrder()).getInt();
    }
}
