package dev.ebpf4j.cli;

import dev.ebpf4j.testkit.KernelTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.ebpf4j.cli.MapCliKernelTest.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The command as users run it, in a separate process: the {@code ./ebpf4j} launcher from the repository root, and
 * the shaded jar run as user nobody (no capabilities) to check the permission message.
 */
@KernelTest
class ProcessCliIT {
    private Path dir;

    @BeforeEach
    void pinDir() {
        dir = Cli.pinDir("proc");
    }

    @AfterEach
    void cleanUp() {
        Cli.removeTree(dir);
    }

    private static Path jar() {
        return Cli.repoRoot().resolve("cli/target/ebpf4j-cli.jar");
    }

    /**
     * The build marks the jar it packaged as current for the launcher (cli/pom.xml touches the launcher's stamp right
     * after shading), so {@code ./ebpf4j} runs that jar instead of rebuilding; this integration test runs after the
     * package phase.
     */
    private static void assumeLauncherUpToDate() {
        Path stamp = Cli.repoRoot().resolve("cli/target/.ebpf4j-built");
        assertTrue(Files.isRegularFile(jar()), "the CLI jar " + jar() + " is missing: the package phase builds it");
        assertTrue(Files.isRegularFile(stamp), "the package phase did not write the launcher stamp " + stamp);
    }

    @Test
    void launcherRunsAsANewUserWould() {
        assumeLauncherUpToDate();
        String m = dir.resolve("launch").toString();
        ok("map", "create", m, "type", "hash", "key", "4", "value", "4", "entries", "4", "name", "clilaunch");
        Cli.Result list = Cli.exec(List.of("./ebpf4j", "map", "list"), Cli.repoRoot());
        assertEquals(0, list.exit(), list.toString());
        assertTrue(list.out().lines().allMatch(l -> l.matches("\\d+: .*") || l.startsWith("\t")), list.out());
        assertTrue(list.out().contains("  name clilaunch  flags 0x0\n"), list.out());

        Cli.Result show = Cli.exec(List.of("./ebpf4j", "-j", "map", "show", "pinned", m), Cli.repoRoot());
        assertEquals(0, show.exit(), show.toString());
        if (Cli.hasBpftool()) assertEquals(Cli.bpftool("-j", "map", "show", "pinned", m).out(), show.out());

        Cli.Result bad = Cli.exec(List.of("./ebpf4j", "map", "lookup", "pinned", m, "key", "1"), Cli.repoRoot());
        assertEquals(Main.EXIT_USAGE, bad.exit(), bad.toString());
        assertEquals("Error: map 'clilaunch' (hash): key is 1 bytes, the map's keys are 4 bytes\n", bad.err());
    }

    @Test
    void launcherStartsTheJvmFromTheAotCacheItTrained() throws IOException {
        assumeLauncherUpToDate();
        Path aot = Cli.repoRoot().resolve("cli/target/ebpf4j-cli.aot");
        Cli.Result first = Cli.exec(List.of("./ebpf4j", "version"), Cli.repoRoot());  // trains once per build
        assertEquals(0, first.exit(), first.toString());
        assertTrue(Files.isRegularFile(aot), "no AOT cache after the first run: " + first
                + "\n" + Files.readString(Cli.repoRoot().resolve(".ebpf4j-aot.log")));
        assertTrue(Files.getLastModifiedTime(aot).compareTo(Files.getLastModifiedTime(jar())) > 0,
                "the cache is older than the jar it was trained with");
        String aotLog = Files.readString(Cli.repoRoot().resolve(".ebpf4j-aot.log"));
        assertTrue(aotLog.contains("training: execsnoop delivered an event"), aotLog);

        var classLoading = java.util.Map.of("EBPF4J_JAVA_OPTIONS", "-Xlog:class+load=info:stderr");
        Cli.Result cached = Cli.exec(List.of("./ebpf4j", "version"), Cli.repoRoot(), classLoading);
        assertEquals(first.out(), cached.out(), "JVM logging stays off stdout");
        assertTrue(cached.err().contains("dev.ebpf4j.cli.Main source: shared objects file"), cached.err());
        assertFalse(cached.err().contains("training"), "trained once, not again: " + cached.err());

        var without = new java.util.HashMap<>(classLoading);
        without.put("EBPF4J_AOT", "0");
        Cli.Result plain = Cli.exec(List.of("./ebpf4j", "version"), Cli.repoRoot(), without);
        assertEquals(first.out(), plain.out());
        assertFalse(plain.err().contains("dev.ebpf4j.cli.Main source: shared objects file"), plain.err());
    }

    @Test
    void theJarCarriesTheToolsBpfObjects() throws IOException {
        assumeLauncherUpToDate();
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(jar().toFile())) {
            java.util.zip.ZipEntry e = zip.getEntry("bpf/execsnoop.bpf.o");
            assertTrue(e != null && e.getSize() > 0, "the package phase puts cli/src/main/bpf's objects in the jar");
        }
        Cli.Result help = Cli.exec(List.of("./ebpf4j", "execsnoop", "--help"), Cli.repoRoot());
        assertEquals(0, help.exit(), help.toString());
        assertTrue(help.out().startsWith("Usage: ebpf4j execsnoop "), help.out());
    }

    @Test
    void unprivilegedUserIsToldWhichCapabilityIsMissing() {
        Path setpriv = Path.of("/usr/bin/setpriv");
        assumeTrue(Files.isExecutable(setpriv), "setpriv (util-linux) is not installed");
        assertTrue(Files.isRegularFile(jar()), "the CLI jar " + jar() + " is missing; build it with "
                + "./mvnw -B -ntp -DskipTests package -pl cli -am");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Cli.Result r = Cli.exec(List.of(setpriv.toString(), "--reuid=65534", "--regid=65534", "--clear-groups",
                java, "--enable-native-access=ALL-UNNAMED", "-jar", jar().toString(), "map", "create",
                dir.resolve("nobody").toString(), "type", "hash", "key", "4", "value", "4", "entries", "1", "name",
                "nobody"), null);
        assertEquals(Main.EXIT_FAILURE, r.exit(), r.toString());
        assertEquals("", r.out());
        assertEquals(1, r.err().lines().count(), "one error line:\n" + r.err());
        assertTrue(r.err().startsWith("Error: creating map 'nobody' (hash): bpf(BPF_MAP_CREATE) failed: EPERM"),
                r.err());
        assertTrue(r.err().contains("lacks CAP_BPF"), r.err());
        assertTrue(r.err().contains("Run it as root, or grant the capabilities"), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
    }

    @Test
    void toolsWithoutPrivilegesSayWhatToDo() {
        Path setpriv = Path.of("/usr/bin/setpriv");
        assumeTrue(Files.isExecutable(setpriv), "setpriv (util-linux) is not installed");
        assumeLauncherUpToDate();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path object = dev.ebpf4j.testkit.TestObjects.bpf("cli_xdp");
        for (List<String> tool : List.of(List.of("veristat", object.toString()), List.of("execsnoop"))) {
            List<String> cmd = new java.util.ArrayList<>(List.of(setpriv.toString(), "--reuid=65534", "--regid=65534",
                    "--clear-groups", java, "--enable-native-access=ALL-UNNAMED", "-jar", jar().toString()));
            cmd.addAll(tool);
            Cli.Result r = Cli.exec(cmd, null);
            assertEquals(Main.EXIT_FAILURE, r.exit(), r.toString());
            assertEquals(1, r.err().lines().count(), "one error line:\n" + r.err());
            assertTrue(r.err().startsWith("Error: "), r.err());
            assertTrue(r.err().contains("lacks CAP_BPF"), r.err());
            assertTrue(r.err().contains("Run it as root, or grant the capabilities"), r.err());
        }
    }
}
