package dev.ebpf4j.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command for test set-up (ip, mount, ping) and returns its output; a failure throws with the command's
 * output so set-up problems are explained, and a command that hangs is killed after the timeout.
 *
 * <pre>{@code
 * String out = Shell.run("ip", "link", "show");
 * }</pre>
 */
public final class Shell {
    private Shell() {
    }

    /** Runs the command (30 s limit); returns stdout+stderr; throws when it exits non-zero. */
    public static String run(String... command) {
        Result r = exec(30, command);
        if (r.exitCode() != 0) {
            throw new IllegalStateException("command failed (exit " + r.exitCode() + "): " + String.join(" ", command)
                    + "\n" + r.output());
        }
        return r.output();
    }

    /** Runs the command and returns its exit code and output without throwing. */
    public static Result exec(long timeoutSeconds, String... command) {
        try {
            Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
            p.getOutputStream().close();
            java.util.concurrent.CompletableFuture<byte[]> out = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return p.getInputStream().readAllBytes();
                } catch (IOException e) {
                    return new byte[0];
                }
            }, Thread::startVirtualThread);
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, "timed out after " + timeoutSeconds + " s: " + String.join(" ", command));
            }
            return new Result(p.exitValue(), new String(out.join(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Result(-1, "could not run " + String.join(" ", command) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted: " + String.join(" ", command));
        }
    }

    /** Exit code and combined output of a command. */
    public record Result(int exitCode, String output) {
    }
}
