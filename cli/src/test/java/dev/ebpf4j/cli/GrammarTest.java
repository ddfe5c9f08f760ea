package dev.ebpf4j.cli;

import dev.ebpf4j.cli.map.DataArgs;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** bpftool's argument grammar and usage errors; none of these reach the kernel. */
class GrammarTest {

    @Test
    void keywordsMatchByPrefixAsInBpftool() {
        Words w = new Words(List.of("pin", "/sys/fs/bpf/m"));
        assertFalse(w.is("id"));
        assertTrue(w.take("pinned"));
        assertEquals("/sys/fs/bpf/m", w.next("path"));
        assertTrue(w.atEnd());
        assertFalse(Words.isPrefix("", "id"));
    }

    @Test
    void numbersParseLikeStrtoul() {
        assertEquals(16, Words.parseNumber("16"));
        assertEquals(16, Words.parseNumber("0x10"));
        assertEquals(8, Words.parseNumber("010"));
        assertEquals(0, Words.parseNumber("0"));
        assertEquals(-1, Words.parseNumber("12abc"));
        assertEquals(-1, Words.parseNumber("-1"));
        assertEquals(0xab, Words.parseHex("ab"));
        assertEquals(0xab, Words.parseHex("0xab"));
    }

    @Test
    void dataBytesStopAtTheNextKeyword() {
        Words w = new Words(List.of("1", "0x2", "010", "255", "value", "hex", "ab", "0", "noexist"));
        assertArrayEquals(new byte[] {1, 2, 8, (byte) 255}, DataArgs.bytes(w, "key"));
        assertTrue(w.take("value"));
        assertArrayEquals(new byte[] {(byte) 0xab, 0}, DataArgs.bytes(w, "value"));
        assertEquals("noexist", w.peek());
    }

    @Test
    void dataByteOutOfRangeIsAUsageError() {
        UsageException e = assertThrows(UsageException.class,
                () -> DataArgs.bytes(new Words(List.of("256")), "key"));
        assertTrue(e.getMessage().contains("error parsing byte: 256"), e.getMessage());
        assertThrows(UsageException.class, () -> DataArgs.bytes(new Words(List.of("value")), "key"));
    }

    @Test
    void unknownMapTypeListsTheValidTypes() {
        Cli.Result r = Cli.run("map", "create", "/sys/fs/bpf/x", "type", "nosuch", "key", "4", "value", "4",
                "entries", "1", "name", "x");
        assertEquals(Main.EXIT_USAGE, r.exit(), r.toString());
        assertEquals("", r.out());
        assertTrue(r.err().startsWith("Error: unrecognized map type: nosuch; valid types: hash, array, prog_array,"),
                r.err());
        assertTrue(r.err().contains("percpu_hash") && r.err().contains("queue") && r.err().contains("ringbuf"),
                r.err());
        assertEquals(1, r.err().lines().count(), "one error line");
    }

    @Test
    void missingMapNameIsAUsageError() {
        Cli.Result r = Cli.run("map", "create", "/sys/fs/bpf/x", "type", "hash", "key", "4", "value", "4",
                "entries", "1");
        assertEquals(Main.EXIT_USAGE, r.exit());
        assertEquals("Error: map name not specified (see 'ebpf4j map help')\n", r.err());
    }

    @Test
    void unknownCommandsAreUsageErrors() {
        Cli.Result r = Cli.run("map", "frob");
        assertEquals(Main.EXIT_USAGE, r.exit());
        assertEquals("Error: unknown map command 'frob' (see 'ebpf4j map help')\n", r.err());
        Cli.Result top = Cli.run("frob");
        assertEquals(Main.EXIT_USAGE, top.exit());
        assertEquals("Error: unknown object 'frob' (see 'ebpf4j help')\n", top.err());
    }

    @Test
    void usageErrorsInJsonModeAlsoPrintBpftoolsErrorObject() {
        Cli.Result r = Cli.run("-j", "map", "show", "bogus", "1");
        assertEquals(Main.EXIT_USAGE, r.exit());
        assertEquals("{\"error\":\"expected 'id', 'name' or 'pinned', got: 'bogus' (see 'ebpf4j map help')\"}\n",
                r.out());
        assertTrue(r.err().startsWith("Error: expected 'id'"), r.err());
    }

    @Test
    void progRunRejectsAmbiguousKeywordsBeforeTouchingTheKernel() {
        Cli.Result r = Cli.run("prog", "run", "id", "1", "dat", "x");
        assertEquals(Main.EXIT_USAGE, r.exit());
        assertTrue(r.err().startsWith("Error: ambiguous prefix: 'dat' could be 'data_in' or 'data_out' or "
                + "'data_size_out'"), r.err());
        Cli.Result both = Cli.run("prog", "run", "id", "1", "data_in", "-", "ctx_in", "-");
        assertEquals("Error: cannot use standard input for both data_in and ctx_in (see 'ebpf4j prog help')\n",
                both.err());
    }

    @Test
    void helpTextsFollowBpftool() {
        Cli.Result map = Cli.run("map", "help");
        assertEquals(0, map.exit());
        assertTrue(map.out().startsWith("Usage: ebpf4j map { show | list }   [MAP]\n"), map.out());
        assertTrue(map.out().contains("       MAP := { id MAP_ID | pinned FILE | name MAP_NAME }\n"), map.out());
        assertTrue(map.out().contains("UPDATE_FLAGS := { any | exist | noexist }"), map.out());
        assertEquals(map.out(), Cli.run("help", "map").out());
        assertEquals(map.out(), Cli.run("map", "--help").out());
        assertTrue(Cli.run("prog", "help").out().contains("PROG := { id PROG_ID | pinned FILE | tag PROG_TAG | "
                + "name PROG_NAME }"));
        assertTrue(Cli.run("link", "help").out().contains("LINK := { id LINK_ID | pinned FILE }"));
        Cli.Result top = Cli.run();
        assertTrue(top.out().startsWith("Usage: ebpf4j [OPTIONS] OBJECT { COMMAND | help }\n"), top.out());
        assertEquals("null\n", Cli.run("-j", "map", "help").out());
    }

    @Test
    void versionInPlainAndJson() {
        Cli.Result plain = Cli.run("version");
        assertTrue(plain.out().matches("ebpf4j v\\S+\nusing Java \\S+\n"), plain.out());
        assertEquals(plain.out(), Cli.run("--version").out());
        assertTrue(Cli.run("-j", "version").out().matches("\\{\"version\":\"[^\"]+\",\"java_version\":\"[^\"]+\"}\n"));
    }
}
