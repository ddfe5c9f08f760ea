package dev.ebpf4j.cli;

import dev.ebpf4j.BpfMap;
import dev.ebpf4j.Program;
import dev.ebpf4j.internal.sys.Fd;
import dev.ebpf4j.internal.sys.Libc;
import dev.ebpf4j.internal.sys.ObjectPins;
import dev.ebpf4j.testkit.KernelTest;
import dev.ebpf4j.testkit.TestObjects;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static dev.ebpf4j.cli.MapCliKernelTest.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code prog load} and {@code prog loadall} against bpftool on the same objects: the same programs and maps end up
 * pinned under the same names (libbpf's names for global data maps included), and the pinned programs are the same
 * programs. bpftool 7.1 predates {@code autoattach}; that is checked by its effect.
 */
@KernelTest
class ProgLoadCliKernelTest {
    private Path dir;

    @BeforeEach
    void pinDir() {
        dir = Cli.pinDir("load");
    }

    @AfterEach
    void cleanUp() {
        Cli.removeTree(dir);
    }

    private static Path object(String name) {
        Path cli = TestObjects.dir().resolve(name + ".bpf.o");
        return Files.isRegularFile(cli) ? cli : Cli.repoRoot().resolve("core/target/test-bpf/" + name + ".bpf.o");
    }

    private static Set<String> names(Path d) throws IOException {
        Set<String> out = new TreeSet<>();
        if (!Files.isDirectory(d)) return out;
        try (Stream<Path> s = Files.list(d)) {
            s.forEach(p -> out.add(p.getFileName().toString()));
        }
        return out;
    }

    /** The name bpftool shows for the program pinned at {@code pin}. */
    private static String programName(Path pin) {
        try (Program p = Program.fromPinned(pin)) {
            return p.name();
        }
    }

    @Test
    void loadallPinsWhatBpftoolPins() throws IOException {
        for (String name : List.of("cli_xdp", "loader_globals", "loader_maps", "loader_subprogs", "loader_net")) {
            Path obj = object(name);
            Path theirs = dir.resolve("bpftool-" + name);
            Path ours = dir.resolve("ebpf4j-" + name);
            Cli.Result b = Cli.bpftool("prog", "loadall", obj.toString(), theirs.toString(), "pinmaps",
                    theirs + "-maps");
            assertEquals(0, b.exit(), b.toString());
            ok("prog", "loadall", obj.toString(), ours.toString(), "pinmaps", ours + "-maps");
            Set<String> programs = names(ours);
            assertEquals(names(theirs), programs, name);
            assertFalse(programs.isEmpty(), name);
            assertEquals(names(Path.of(theirs + "-maps")), names(Path.of(ours + "-maps")), name + " maps");
            for (String p : programs) {
                assertEquals(programName(theirs.resolve(p)), programName(ours.resolve(p)), name + "/" + p);
                // type and name; the tag may differ: ebpf4j appends subprograms in another order than libbpf
                assertEquals(typeAndName(theirs.resolve(p)), typeAndName(ours.resolve(p)), name + "/" + p);
            }
        }
        // global data maps carry libbpf's object-name prefix, with dots as underscores
        assertTrue(names(dir.resolve("ebpf4j-loader_globals-maps")).containsAll(
                List.of("loader_g_rodata", "loader_g_data", "loader_g_bss", "_data_custom")),
                names(dir.resolve("ebpf4j-loader_globals-maps")).toString());
    }

    private static String typeAndName(Path pin) {
        String first = Cli.bpftool("prog", "show", "pinned", pin.toString()).out().lines().findFirst().orElseThrow();
        return first.replaceAll("^\\d+: ", "").replaceAll("  tag [0-9a-f]+", "");
    }

    @Test
    void loadPinsTheFirstProgram() {
        Path obj = object("cli_xdp");
        Path theirs = dir.resolve("bpftool-first");
        Path ours = dir.resolve("ebpf4j-first");
        assertEquals(0, Cli.bpftool("prog", "load", obj.toString(), theirs.toString()).exit());
        Cli.Result r = ok("-j", "prog", "load", obj.toString(), ours.toString());
        assertEquals("null\n", r.out());
        assertEquals("bounce", programName(theirs));
        assertEquals("bounce", programName(ours));

        Path elsewhere = Path.of(System.getProperty("java.io.tmpdir"), "ebpf4j-not-bpffs-" + ProcessHandle.current().pid());
        Cli.Result off = Cli.run("prog", "loadall", obj.toString(), elsewhere.toString());
        assertEquals(Main.EXIT_FAILURE, off.exit(), off.toString());
        assertEquals("Error: " + elsewhere + " is not on a BPF filesystem: pins go under /sys/fs/bpf\n", off.err());
        assertFalse(Files.exists(elsewhere));
    }

    @Test
    void typeSetsTheTypeOfProgramsWhoseSectionDoesNotSayIt() {
        Path obj = object("cli_untyped");
        Path theirs = dir.resolve("bpftool-typed");
        Path ours = dir.resolve("ebpf4j-typed");
        assertEquals(0, Cli.bpftool("prog", "load", obj.toString(), theirs.toString(), "type", "xdp").exit());
        ok("prog", "load", obj.toString(), ours.toString(), "type", "xdp");
        String line = Cli.bpftool("prog", "show", "pinned", ours.toString()).out().lines().findFirst().orElseThrow();
        assertTrue(line.matches("\\d+: xdp  name untyped_pass  tag [0-9a-f]{16}  gpl"), line);

        // without it, the loader names the section and the closest known names
        assertTrue(Cli.bpftool("prog", "load", obj.toString(), dir.resolve("bpftool-untyped").toString()).exit() != 0);
        Cli.Result r = Cli.run("prog", "load", obj.toString(), dir.resolve("ebpf4j-untyped").toString());
        assertEquals(Main.EXIT_FAILURE, r.exit(), r.toString());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("Error: object 'cli_untyped.bpf.o': program 'untyped_pass' (pass_everything): "),
                r.err());
        assertTrue(r.err().contains("unknown program section name 'pass_everything'; closest known: "), r.err());
        assertFalse(Files.exists(dir.resolve("ebpf4j-untyped")));
    }

    @Test
    void aRejectedProgramIsOneErrorLineAndTheLogWithDebug() {
        Path obj = object("btf_kinds");   // its tracepoint program reads a map value without a NULL check
        Cli.Result r = Cli.run("prog", "loadall", obj.toString(), dir.resolve("rejected").toString());
        assertEquals(Main.EXIT_FAILURE, r.exit(), r.toString());
        assertTrue(r.err().matches("Error: object 'btf_kinds\\.bpf\\.o': program 'handle_openat' \\(tracepoint/"
                + "syscalls/sys_enter_openat\\): verifier rejected the program at instruction \\d+: R2 invalid mem "
                + "access 'mem_or_null' \\(--debug prints the verifier log\\)\n"), r.err());
        Cli.Result debug = Cli.run("-d", "prog", "loadall", obj.toString(), dir.resolve("rejected").toString());
        assertEquals(Main.EXIT_FAILURE, debug.exit());
        assertTrue(debug.err().contains("verifier log (last "), debug.err());
        assertTrue(debug.err().contains("processed "), debug.err());
        assertFalse(Files.exists(dir.resolve("rejected")), "nothing pinned");
    }

    @Test
    void mapReusesAnExistingMapByNameOrIndex() throws IOException {
        Path obj = object("cli_xdp");
        Path existing = dir.resolve("seen");
        ok("map", "create", existing.toString(), "type", "array", "key", "4", "value", "8", "entries", "2", "name",
                "seen");
        int mapId;
        try (BpfMap m = BpfMap.fromPinned(existing)) {
            mapId = m.id();
        }
        for (List<String> how : List.of(List.of("name", "seen"), List.of("idx", "0"))) {
            Path ours = dir.resolve("ebpf4j-reuse-" + how.get(0));
            Path theirs = dir.resolve("bpftool-reuse-" + how.get(0));
            ok("prog", "load", obj.toString(), ours.toString(), "map", how.get(0), how.get(1), "pinned",
                    existing.toString());
            assertEquals(0, Cli.bpftool("prog", "load", obj.toString(), theirs.toString(), "map", how.get(0),
                    how.get(1), "pinned", existing.toString()).exit());
            for (Path pin : List.of(ours, theirs)) {
                try (Program p = Program.fromPinned(pin)) {
                    assertTrue(p.mapIds().contains(mapId), how + ": " + pin + " uses maps " + p.mapIds()
                            + ", not the existing map " + mapId);
                }
            }
        }
        try (Stream<Path> s = Files.list(Path.of("/sys/fs/bpf"))) {
            String mine = "ebpf4j-reuse-" + ProcessHandle.current().pid() + "-";
            assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith(mine)), "temporary pins removed");
        }
        Cli.Result bad = Cli.run("prog", "load", obj.toString(), dir.resolve("x").toString(), "map", "name", "nope",
                "pinned", existing.toString());
        assertEquals(Main.EXIT_FAILURE, bad.exit(), bad.toString());
        assertTrue(bad.err().startsWith("Error: unable to find map 'nope' in "), bad.err());
        assertTrue(bad.err().contains("its maps are [seen, cli_xdp.rodata]"), bad.err());
    }

    @Test
    void autoattachPinsLinksAndFallsBackToProgramsLikeNewerBpftool() {
        Path obj = object("cli_tracepoint");
        Path pins = dir.resolve("auto");
        Cli.Result r = Cli.run("prog", "loadall", obj.toString(), pins.toString(), "pinmaps", dir + "/auto-maps",
                "autoattach");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.err().startsWith("Program pass_all does not support autoattach, falling back to pinning ("),
                r.err());
        assertEquals("link", kindOf(pins.resolve("count_getppid")));
        assertEquals("prog", kindOf(pins.resolve("pass_all")));
        Cli.Result link = ok("link", "show", "pinned", pins.resolve("count_getppid").toString());
        assertTrue(link.out().contains("tracepoint sys_enter_getppid"), link.out());
        try (BpfMap calls = BpfMap.fromPinned(dir.resolve("auto-maps/getppid_calls"))) {
            long before = value(calls);
            for (int i = 0; i < 5; i++) Libc.syscall(110, 0, 0, 0, 0, 0);   // getppid (x86-64)
            assertTrue(value(calls) >= before + 5, "the pinned link keeps the tracepoint attached");
        }
        Path first = dir.resolve("auto-first");
        ok("prog", "load", obj.toString(), first.toString(), "autoattach");
        assertEquals("link", kindOf(first));
    }

    private static String kindOf(Path pin) {
        try (Fd fd = ObjectPins.open(pin, 0, "pin")) {
            return PinnedObjects.kindOf(fd.get());
        }
    }

    private static long value(BpfMap map) {
        byte[] v = map.lookup(new byte[4]).orElseThrow();
        return ByteBuffer.wrap(v).order(ByteOrder.nativeOrder()).getLong();
    }
}
