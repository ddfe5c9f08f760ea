package dev.ebpf4j.elf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs the binutils/LLVM tools that serve as oracles in the asm and elf tests (readelf, nm, llvm-objdump-19,
 * llvm-mc-19) and returns their standard output; failures carry the tool's error output.
 *
 * <pre>{@code
 * assumeTrue(ExternalTools.onPath("llvm-objdump-19"), "llvm-objdump-19 is not installed (./run-tests installs llvm-19)");
 * String text = ExternalTools.run("llvm-objdump-19", "-d", path.toString());
 * }</pre>
 */
public final class ExternalTools {
    private ExternalTools() {
    }

    /** True when {@code tool} is an executable file in one of the PATH directories. */
    public static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) return false;
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) return true;
        }
        return false;
    }

    /** Runs the command and returns its standard output; throws with its error output when it exits non-zero. */
    public static String run(String... command) {
        try {
            Process p = new ProcessBuilder(List.of(command)).start();
            p.getOutputStream().close();
            CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()),
                    Thread::startVirtualThread);
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("command did not finish: " + String.join(" ", command));
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("command failed (exit " + p.exitValue() + "): "
                        + String.join(" ", command) + "\n" + new String(err.join(), StandardCharsets.UTF_8));
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("could not run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + String.join(" ", command), e);
        }
    }

    private static byte[] readAll(java.io.InputStream in) {
        try {
            return in.readAllBytes();
        } catch (IOException e) {
            return new byte[0];
        }
    }
}
