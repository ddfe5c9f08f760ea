package dev.ebpf4j.unprivileged;

import dev.ebpf4j.testkit.KernelTest;
import dev.ebpf4j.testkit.Shell;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Runs ebpf4j as an unprivileged user (nobody, no capabilities) in a child JVM and checks that what a user sees is a
 * PermissionException naming the missing capability and how to get it — never a crash or a bare errno.
 */
@KernelTest
class UnprivilegedTest {

    @Test
    void unprivilegedUserGetsActionablePermissionErrors() {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("java.class.path");
        Shell.Result r = Shell.exec(60, "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                "--inh-caps=-all", "--bounding-set=-all", java, "--enable-native-access=ALL-UNNAMED", "-cp", cp,
                UnprivilegedMain.class.getName());
        assertEquals(0, r.exitCode(), r.output());
        Map<String, String> lines = r.output().lines().filter(l -> l.contains("\t"))
                .collect(Collectors.toMap(l -> l.substring(0, l.indexOf('\t')), l -> l.substring(l.indexOf('\t') + 1)));
        for (String what : List.of("map", "prog")) {
            String line = lines.get(what);
            assertNotNull(line, "no result for " + what + " in:\n" + r.output());
            assertTrue(line.startsWith("PermissionException\t"), line);
            assertTrue(line.contains("lacks CAP_"), line);
            assertTrue(line.contains("Run it as root") && line.contains("setcap"), line);
        }
        assertTrue(lines.get("map").contains("bpf(BPF_MAP_CREATE)"), lines.get("map"));
        assertTrue(lines.get("prog").contains("CAP_NET_ADMIN") || lines.get("prog").contains("CAP_BPF"),
                lines.get("prog"));
    }
}
