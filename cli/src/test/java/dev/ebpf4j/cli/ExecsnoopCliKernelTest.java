package dev.ebpf4j.cli;

import dev.ebpf4j.testkit.KernelTest;
import dev.ebpf4j.testkit.TestCgroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code ebpf4j execsnoop} as users run it: a separate process (the CLI's main class on this test's classpath, which
 * holds the BPF object the build compiled), with commands exec'd by this test carrying unique arguments. Each line is
 * checked field by field (pid, parent pid, return value, arguments) and compared byte for byte with the line
 * Debian's libbpf-tools execsnoop prints for the same exec, run side by side with the same options.
 */
@KernelTest
class ExecsnoopCliKernelTest {
    private static final Path C_TOOL = Path.of("/usr/sbin/execsnoop");
    private static final Duration WAIT = Duration.ofSeconds(60);
    private final List<Tool> running = new ArrayList<>();
    private final String tag = "e4x" + ProcessHandle.current().pid() + "-"
            + Integer.toString(ThreadLocalRandom.current().nextInt(1 << 30), 36);

    @AfterEach
    void stopAll() {
        for (Tool t : running) t.process.destroyForcibly();
    }

    /** A running tool and the lines it printed so far. */
    private final class Tool {
        final String name;
        final Process process;
        final List<String> lines = new ArrayList<>();
        final StringBuilder err = new StringBuilder();

        Tool(List<String> command) throws IOException {
            name = command.contains(C_TOOL.toString()) ? "the C tool" : "ebpf4j";
            process = new ProcessBuilder(command).start();
            running.add(this);
            Thread.ofVirtual().start(() -> collect(new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.ISO_8859_1)), lines));
            Thread.ofVirtual().start(() -> {
                List<String> e = new ArrayList<>();
                collect(new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8)), e);
            });
        }

        private void collect(BufferedReader r, List<String> into) {
            try {
                for (String l; (l = r.readLine()) != null; ) {
                    synchronized (this) {
                        into.add(l);
                        notifyAll();
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
        }

        /** Waits for the first line matching {@code test}. */
        synchronized String await(Predicate<String> test, String what) throws InterruptedException {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (true) {
                Optional<String> found = lines.stream().filter(test).findFirst();
                if (found.isPresent()) return found.get();
                long left = deadline - System.nanoTime();
                if (left <= 0 || !process.isAlive() && lines.stream().noneMatch(test)) {
                    if (!process.isAlive()) wait(200);
                    found = lines.stream().filter(test).findFirst();
                    if (found.isPresent()) return found.get();
                    throw new AssertionError(name + ": no line with " + what + " (exit " + (process.isAlive() ? "-" :
                            process.exitValue()) + "); lines: " + lines);
                }
                wait(Math.max(1, left / 1_000_000));
            }
        }

        /** Whether a line matching {@code test} arrives within {@code wait}. */
        synchronized boolean seen(Predicate<String> test, Duration wait) throws InterruptedException {
            long deadline = System.nanoTime() + wait.toNanos();
            while (lines.stream().noneMatch(test)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) return false;
                wait(Math.max(1, left / 1_000_000));
            }
            return true;
        }

        synchronized List<String> snapshot() {
            return List.copyOf(lines);
        }

        /** Sends SIGINT and returns the exit status. */
        int interrupt() throws IOException, InterruptedException {
            new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start().waitFor();
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), "stopped by SIGINT");
            return process.exitValue();
        }
    }

    private Tool ebpf4j(String... options) throws IOException, InterruptedException {
        return ebpf4j(List.of(), options);
    }

    /** Starts ebpf4j execsnoop; {@code probePrefix} runs the readiness probe (e.g. as another user). */
    private Tool ebpf4j(List<String> probePrefix, String... options) throws IOException, InterruptedException {
        return ebpf4j(List.of(), probePrefix, options);
    }

    /** As above, the JVM started through {@code launchPrefix} (e.g. a shell that ignores SIGINT). */
    private Tool ebpf4j(List<String> launchPrefix, List<String> probePrefix, String... options)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(launchPrefix);
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                Main.class.getName(), "execsnoop"));
        cmd.addAll(List.of(options));
        Tool t = new Tool(cmd);
        t.await(l -> l.contains("PCOMM"), "the header");
        return ready(t, probePrefix);
    }

    private Tool cTool(String... options) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("stdbuf", "-oL", C_TOOL.toString()));
        cmd.addAll(List.of(options));
        Tool t = new Tool(cmd);
        t.await(l -> l.contains("PCOMM"), "the C tool's header");
        return ready(t, List.of());
    }

    /**
     * The header is printed once the programs are attached; an exec of our own shows that events flow (repeated:
     * on this busy machine a tool may drop an event, which is not what these tests are about).
     */
    private Tool ready(Tool t, List<String> prefix) throws IOException, InterruptedException {
        String probe = tag + "-ready-";
        for (int attempt = 0; attempt < 30; attempt++) {
            List<String> cmd = new ArrayList<>(prefix);
            cmd.addAll(List.of("/bin/true", probe + attempt));
            exec(cmd.toArray(String[]::new));
            if (t.seen(l -> l.contains(probe), Duration.ofSeconds(2))) return t;
        }
        throw new AssertionError(t.name + " printed no line for the readiness probes; lines: " + t.snapshot());
    }

    private static long exec(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return p.pid();
    }

    private static long self() {
        return ProcessHandle.current().pid();
    }

    @Test
    void linesMatchTheCToolsForTheSameExecs() throws Exception {
        assumeTrue(Files.isExecutable(C_TOOL), "libbpf-tools is not installed (./run-tests installs it)");
        // started as a background job of a non-interactive shell would be: SIGINT ignored from the start (the C
        // tool's handler overrides that; ebpf4j must too, or SIGINT would not stop it)
        Tool ours = ebpf4j(List.of("/bin/sh", "-c", "trap '' INT; exec \"$@\"", "sh"), List.of());
        Tool theirs = cTool();
        String marker = tag + "-plain";
        long echo = exec("/bin/echo", marker, "two words", "", "last");
        long shell = exec("/bin/sh", "-c", "exec /bin/true " + marker + "-sh \"quo\\\"te\"");
        String line = ours.await(l -> l.contains(marker + " "), "the echo");
        assertEquals(String.format("%-16s %-6d %-6d %3d %s", "echo", echo, self(), 0,
                "/bin/echo " + marker + " two words  last "), line);
        // the shell execs in place: same pid, the new comm, its own arguments
        String inPlace = ours.await(l -> l.startsWith("true ") && l.contains(marker + "-sh"), "the exec in place");
        assertEquals(String.format("%-16s %-6d %-6d %3d %s", "true", shell, self(), 0,
                "/bin/true " + marker + "-sh quo\"te "), inPlace);
        assertEquals(line, theirs.await(l -> l.contains(marker + " "), "the echo (C tool)"));
        assertEquals(inPlace, theirs.await(l -> l.startsWith("true ") && l.contains(marker + "-sh"),
                "the exec in place (C tool)"));
        assertEquals(ours.snapshot().getFirst(), theirs.snapshot().getFirst(), "header");
        assertEquals("PCOMM            PID    PPID   RET ARGS", ours.snapshot().getFirst());

        assertEquals(0, ours.interrupt(), "SIGINT stops it cleanly");
        assertEquals(0, theirs.interrupt());
    }

    @Test
    void optionsFormatAsTheCToolsDo() throws Exception {
        assumeTrue(Files.isExecutable(C_TOOL), "libbpf-tools is not installed (./run-tests installs it)");
        String[] options = {"-x", "-t", "-U", "-q", "--max-args", "3"};
        Tool ours = ebpf4j(options);
        Tool theirs = cTool(options);
        assertEquals("TIME(s)  UID    PCOMM            PID    PPID   RET ARGS", ours.snapshot().getFirst());
        assertEquals(theirs.snapshot().getFirst(), ours.snapshot().getFirst());
        String marker = tag + "-opts";
        long echo = exec("/bin/echo", marker, "a\tb", "c", "d");
        long shell = exec("/bin/sh", "-c", "/nonexistent-" + marker + " x; true");
        String line = ours.await(l -> l.contains("\"" + marker + "\""), "the echo");
        // -t: seconds since start, 8 wide, no separator; -U: uid, 6 wide, no separator; -q: quoted, escaped;
        // --max-args 3: the first 3 and " ..."
        assertTrue(line.matches("\\d+\\.\\d{3} *0     echo {13}" + echo + " +" + self()
                + " +0 \"/bin/echo\" \"" + marker + "\" \"a\\\\tb\" \" \\.\\.\\."), line);
        // -x: a failed exec (ENOENT) from the shell's child
        String failed = ours.await(l -> l.contains("\"/nonexistent-" + marker + "\""), "the failed exec");
        assertTrue(failed.matches("\\d+\\.\\d{3} *0     sh {15}\\d+ +" + shell + " +-2 \"/nonexistent-" + marker
                + "\" \"x\" "), failed);
        assertEquals(line.substring(8), theirs.await(l -> l.contains("\"" + marker + "\""), "C echo").substring(8));
        assertEquals(failed.substring(8), theirs.await(l -> l.contains("\"/nonexistent-" + marker + "\""),
                "C failed").substring(8));
        assertEquals(0, ours.interrupt());
        theirs.interrupt();
    }

    @Test
    void uidFilterAndDefaultsHideWhatTheyShould() throws Exception {
        Path setpriv = Path.of("/usr/bin/setpriv");
        assumeTrue(Files.isExecutable(setpriv), "setpriv (util-linux) is not installed");
        List<String> asNobody = List.of(setpriv.toString(), "--reuid=65534", "--regid=65534", "--clear-groups");
        Tool ours = ebpf4j(asNobody, "-u", "65534");
        String marker = tag + "-uid";
        exec("/bin/echo", marker + "-root");
        exec("/bin/sh", "-c", "/nonexistent-" + marker + "-root; true");
        long nobody = exec(setpriv.toString(), "--reuid=65534", "--regid=65534", "--clear-groups", "/bin/echo",
                marker + "-nobody");
        String line = ours.await(l -> l.contains(marker + "-nobody"), "nobody's exec");
        assertTrue(line.startsWith(String.format("%-16s %-6d %-6d %3d /bin/echo ", "echo", nobody, self(), 0)), line);
        // root's exec came first: had it been reported, it would be there already (ring buffer order)
        assertFalse(ours.snapshot().stream().anyMatch(l -> l.contains(marker + "-root")), ours.snapshot().toString());
        assertEquals(0, ours.interrupt());
    }

    @Test
    void cgroupFilterShowsOnlyExecsInsideTheCgroup() throws Exception {
        try (TestCgroup cg = TestCgroup.create()) {
            String procs = cg.path().resolve("cgroup.procs").toString();
            List<String> inside = List.of("/bin/sh", "-c", "echo $$ > " + procs + " && exec \"$@\"", "sh");
            Tool ours = ebpf4j(inside, "-c", cg.path().toString());
            String marker = tag + "-cg";
            exec("/bin/echo", marker + "-outside");
            List<String> in = new ArrayList<>(inside);
            in.addAll(List.of("/bin/echo", marker + "-inside"));
            long pid = exec(in.toArray(String[]::new));
            String line = ours.await(l -> l.contains(marker + "-inside"), "the exec inside the cgroup");
            assertEquals(String.format("%-16s %-6d %-6d %3d /bin/echo %s-inside ", "echo", pid, self(), 0, marker), line);
            assertFalse(ours.snapshot().stream().anyMatch(l -> l.contains(marker + "-outside")),
                    ours.snapshot().toString());
            assertEquals(0, ours.interrupt());
        }
    }

    @Test
    void usageErrors() {
        Cli.Result range = Cli.run("execsnoop", "--max-args", "99");
        assertEquals(Main.EXIT_USAGE, range.exit(), range.toString());
        assertEquals("Error: Invalid MAX_ARGS 99, should be in [1, 60] range (see 'ebpf4j execsnoop --help')\n",
                range.err());
        Cli.Result unknown = Cli.run("execsnoop", "-Z");
        assertEquals(Main.EXIT_USAGE, unknown.exit());
        assertEquals("Error: invalid option -- 'Z' (see 'ebpf4j execsnoop --help')\n", unknown.err());
        Cli.Result help = Cli.run("execsnoop", "--help");
        assertEquals(0, help.exit());
        assertTrue(help.out().startsWith("Usage: ebpf4j execsnoop [-h] [-T] [-t] [-x] [-u UID]"), help.out());
        assertEquals(help.out(), Cli.run("help", "execsnoop").out());
        Cli.Result cgroup = Cli.run("execsnoop", "-c", "/nonexistent-cgroup");
        assertEquals(Main.EXIT_FAILURE, cgroup.exit(), cgroup.toString());
        assertEquals("Error: execsnoop -c: there is no cgroup directory /nonexistent-cgroup\n", cgroup.err());
    }
}
