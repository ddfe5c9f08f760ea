package dev.ebpf4j.cli;

import dev.ebpf4j.BpfObject;
import dev.ebpf4j.ObjectSpec;
import dev.ebpf4j.testkit.KernelTest;
import dev.ebpf4j.testkit.TestObjects;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static dev.ebpf4j.cli.MapCliKernelTest.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ebpf4j btf ...} against bpftool: raw dumps of vmlinux and of every corpus object byte for byte (plain and
 * JSON), the kernel's BTF objects by id, program and map, and {@code btf show} for an object this test loads.
 */
@KernelTest
class BtfCliKernelTest {
    private static BpfObject loaded;
    private static int btfId;

    @BeforeAll
    static void load() {
        loaded = BpfObject.load(ObjectSpec.read(TestObjects.bpf("cli_xdp")));
        btfId = loaded.program("bounce").info().btfId();
        assertTrue(btfId > 0);
    }

    @AfterAll
    static void unload() {
        if (loaded != null) loaded.close();
    }

    /** ebpf4j's stdout must equal bpftool's, byte for byte. */
    private static void same(String... args) {
        Cli.Result theirs = Cli.bpftool(args);
        assertEquals(0, theirs.exit(), theirs.toString());
        Cli.Result ours = Cli.run(args);
        assertEquals(0, ours.exit(), ours::toString);
        assertTrue(theirs.out().equals(ours.out()), () -> "differs from bpftool: " + String.join(" ", args)
                + firstDifference(theirs.out(), ours.out()));
    }

    private static String firstDifference(String a, String b) {
        int i = 0;
        while (i < a.length() && i < b.length() && a.charAt(i) == b.charAt(i)) i++;
        int from = Math.max(0, a.lastIndexOf('\n', Math.max(0, i - 1)) + 1);
        return "\nat byte " + i + "\nbpftool: " + a.substring(from, Math.min(a.length(), i + 80))
                + "\nebpf4j:  " + b.substring(from, Math.min(b.length(), i + 80));
    }

    @Test
    void vmlinuxDumpIsBpftools() {
        same("btf", "dump", "file", "/sys/kernel/btf/vmlinux");
        same("btf", "dump", "file", "/sys/kernel/btf/vmlinux", "format", "raw");
        same("-j", "btf", "dump", "file", "/sys/kernel/btf/vmlinux");
    }

    @Test
    void everyCorpusObjectDumpsAsBpftoolDumpsIt() throws IOException {
        List<Path> objects;
        try (Stream<Path> s = Stream.concat(Files.list(Cli.repoRoot().resolve("core/target/test-bpf")),
                Files.list(TestObjects.dir()))) {
            objects = s.filter(p -> p.toString().endsWith(".bpf.o")).sorted().toList();
        }
        assertTrue(objects.size() > 20, objects.toString());
        for (Path o : objects) {
            same("btf", "dump", "file", o.toString());
            same("-j", "btf", "dump", "file", o.toString());
        }
        same("-p", "btf", "dump", "file", objects.getFirst().toString());
    }

    @Test
    void kernelObjectsByIdProgramAndMap() {
        String id = Integer.toString(btfId);
        same("btf", "dump", "id", id);
        same("-j", "btf", "dump", "id", id);
        String prog = Integer.toString(loaded.program("bounce").id());
        same("btf", "dump", "prog", "id", prog);
        String map = Integer.toString(loaded.map("seen").id());
        same("btf", "dump", "map", "id", map);
        same("btf", "dump", "map", "id", map, "key");
        same("btf", "dump", "map", "id", map, "value");
        same("btf", "dump", "map", "id", map, "all");
        same("-j", "btf", "dump", "map", "id", map, "kv");
        same("btf", "show", "id", id);
        same("-j", "btf", "show", "id", id);
        same("btf", "show", "id", "1");
    }

    @Test
    void listShowsEveryObjectWithItsUsers() {
        Cli.Result list = ok("btf", "list");
        assertTrue(list.out().startsWith("1: name [vmlinux]  size "), list.out());
        String ours = Cli.bpftool("btf", "show", "id", Integer.toString(btfId)).out();
        assertTrue(list.out().contains(ours), list.out());
        String line = ours.strip();
        assertTrue(line.matches(btfId + ": name <anon>  size \\d+B  prog_ids \\d+(,\\d+)?  map_ids \\d+(,\\d+)*"), line);
        assertEquals(ok("btf").out().lines().findFirst(), list.out().lines().findFirst(), "'btf' alone lists");
        Cli.Result json = ok("-j", "btf", "list");
        assertTrue(json.out().startsWith("[{\"id\":1,\"size\":"), json.out());
    }

    @Test
    void formatCIsNotImplementedYetAndErrorsAreOneLine() {
        Cli.Result c = Cli.run("btf", "dump", "file", "/sys/kernel/btf/vmlinux", "format", "c");
        assertEquals(Main.EXIT_USAGE, c.exit(), c.toString());
        assertEquals("", c.out());
        assertEquals("Error: format c (C declarations, the vmlinux.h generator) is not implemented yet; use format raw "
                + "(see 'ebpf4j btf help')\n", c.err());
        Cli.Result missing = Cli.run("btf", "dump", "file", "/nonexistent.btf");
        assertEquals(Main.EXIT_FAILURE, missing.exit(), missing.toString());
        assertEquals("Error: failed to load BTF from /nonexistent.btf: no such file\n", missing.err());
        Cli.Result source = Cli.run("btf", "dump", "frob", "1");
        assertEquals(Main.EXIT_USAGE, source.exit());
        assertEquals("Error: unrecognized BTF source specifier: 'frob' (see 'ebpf4j btf help')\n", source.err());
        Cli.Result root = Cli.run("btf", "dump", "id", "1", "root_id", "99999999");
        assertEquals(Main.EXIT_FAILURE, root.exit());
        assertTrue(root.err().startsWith("Error: invalid root ID: 99999999"), root.err());
    }
}
