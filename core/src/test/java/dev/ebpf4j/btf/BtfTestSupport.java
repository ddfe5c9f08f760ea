package dev.ebpf4j.btf;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/** Test helpers: running the oracles (bpftool, llvm tools, clang) and comparing listings. */
final class BtfTestSupport {
    static final Path VMLINUX = Path.of("/sys/kernel/btf/vmlinux");

    private BtfTestSupport() {
    }

    /** Whether a command is on PATH. */
    static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, command))) return true;
        }
        return Files.isExecutable(Path.of("/usr/sbin", command));
    }

    /** Runs a command and returns its stdout (stderr is kept apart); fails the test when it exits non-zero. */
    static byte[] run(String... command) {
        try {
            Path out = Files.createTempFile("btf-test", ".out");
            Path err = Files.createTempFile("btf-test", ".err");
            try {
                Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                        .start();
                p.getOutputStream().close();
                if (!p.waitFor(120, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    fail("timed out: " + String.join(" ", command));
                }
                if (p.exitValue() != 0) {
                    fail("exit " + p.exitValue() + ": " + String.join(" ", command) + "\n" + Files.readString(err));
                }
                return Files.readAllBytes(out);
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new AssertionError("could not run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The bytes of one section of an ELF object, extracted with llvm-objcopy. */
    static byte[] section(Path object, String name) {
        try {
            Path out = Files.createTempFile("btf-section", ".bin");
            try {
                run("llvm-objcopy-19", "--dump-section", name + "=" + out, object.toString(), "/dev/null");
                return Files.readAllBytes(out);
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Asserts two listings are byte-identical, reporting the first differing line when they are not. */
    static void assertSameListing(byte[] expected, byte[] actual, String what) {
        if (java.util.Arrays.equals(expected, actual)) return;
        List<String> e = lines(expected);
        List<String> a = lines(actual);
        for (int i = 0; i < Math.min(e.size(), a.size()); i++) {
            if (!e.get(i).equals(a.get(i))) {
                assertEquals(e.get(i), a.get(i), what + ": first difference at line " + (i + 1));
            }
        }
        assertEquals(e.size(), a.size(), what + ": line counts differ");
        fail(what + ": listings differ in bytes only (line endings?)");
    }

    private static List<String> lines(byte[] b) {
        return new ArrayList<>(List.of(new String(b, StandardCharsets.UTF_8).split("\n", -1)));
    }

    /** Converts a little-endian BTF blob to big-endian: every field of the type section and header is 32-bit. */
    static byte[] toBigEndian(byte[] le) {
        java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(le).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        java.nio.ByteBuffer out = java.nio.ByteBuffer.wrap(le.clone()).order(java.nio.ByteOrder.BIG_ENDIAN);
        out.putShort(0, in.getShort(0));
        int hdrLen = in.getInt(4);
        for (int i = 4; i < 24; i += 4) out.putInt(i, in.getInt(i));
        int typeStart = hdrLen + in.getInt(8);
        int typeLen = in.getInt(12);
        for (int i = typeStart; i < typeStart + typeLen; i += 4) out.putInt(i, in.getInt(i));
        return out.array();
    }
}
