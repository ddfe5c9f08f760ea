package dev.ebpf4j.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Test support: runs the CLI in-process ({@link Main#run}) or any program as a child process, capturing stdout,
 * stderr and the exit status separately; bpftool is the oracle.
 *
 * <pre>{@code
 * Cli.Result r = Cli.run("map", "list");
 * Cli.Result oracle = Cli.bpftool("map", "list");
 * assertEquals(oracle.out(), r.out());
 * }</pre>
 */
final class Cli {
    static final Path BPFTOOL = Path.of("/usr/sbin/bpftool");

    private Cli() {
    }

    /** Exit status and captured output of one run. */
    record Result(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout ---\n" + out + "--- stderr ---\n" + err;
        }
    }

    /** Runs {@code ebpf4j args} in this JVM. */
    static Result run(String... args) {
        return runWithInput(new byte[0], args);
    }

    /** Runs {@code ebpf4j args} in this JVM with {@code stdin} as standard input. */
    static Result runWithInput(byte[] stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new ByteArrayInputStream(stdin), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static boolean hasBpftool() {
        return Files.isExecutable(BPFTOOL);
    }

    /** Runs the bpftool oracle. */
    static Result bpftool(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(BPFTOOL.toString());
        cmd.addAll(List.of(args));
        return exec(cmd, null);
    }

    /** Runs a program (60 s limit) with stdin closed. */
    static Result exec(List<String> command, Path workDir) {
        return exec(command, workDir, java.util.Map.of());
    }

    /** As {@link #exec(List, Path)} with {@code env} added to the environment. */
    static Result exec(List<String> command, Path workDir, java.util.Map<String, String> env) {
        try {
            ProcessBuilder pb = new ProcessBuilder(command);
            if (workDir != null) pb.directory(workDir.toFile());
            pb.environment().putAll(env);
            Process p = pb.start();
            p.getOutputStream().close();
            // Not the common pool: it may have a single worker, and stdout and stderr must drain at the same time.
            CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()),
                    Thread::startVirtualThread);
            CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()),
                    Thread::startVirtualThread);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out: " + command);
            }
            return new Result(p.exitValue(), new String(out.join(), StandardCharsets.UTF_8),
                    new String(err.join(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + command, e);
        }
    }

    private static byte[] readAll(java.io.InputStream in) {
        try {
            return in.readAllBytes();
        } catch (IOException e) {
            return new byte[0];
        }
    }

    /** A fresh directory on bpffs for this test's pins, unique across concurrent test runs. */
    static Path pinDir(String test) {
        Path dir = Path.of("/sys/fs/bpf", "ebpf4j-cli-" + test + "-" + ProcessHandle.current().pid() + "-"
                + Integer.toString(ThreadLocalRandom.current().nextInt(1 << 30), 36));
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create " + dir, e);
        }
        return dir;
    }

    /** Removes a pin directory and everything pinned in it. */
    static void removeTree(Path dir) {
        if (dir == null || !Files.exists(dir)) return;
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new IllegalStateException("cannot remove " + dir, e);
        }
    }

    /** The repository root (the cli module's parent directory). */
    static Path repoRoot() {
        Path here = Path.of("").toAbsolutePath();
        return Files.exists(here.resolve("ebpf4j")) ? here : here.getParent();
    }
}
