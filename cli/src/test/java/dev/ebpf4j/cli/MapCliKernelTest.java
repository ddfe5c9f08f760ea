package dev.ebpf4j.cli;

import dev.ebpf4j.BpfMap;
import dev.ebpf4j.MapSpec;
import dev.ebpf4j.MapType;
import dev.ebpf4j.testkit.KernelTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code ebpf4j map ...} against the kernel, with bpftool's output for the same map as the oracle. */
@KernelTest
class MapCliKernelTest {
    private Path dir;

    @BeforeEach
    void pinDir() {
        dir = Cli.pinDir("map");
    }

    @AfterEach
    void cleanUp() {
        Cli.removeTree(dir);
    }

    static Cli.Result ok(String... args) {
        Cli.Result r = Cli.run(args);
        assertEquals(0, r.exit(), () -> String.join(" ", args) + "\n" + r);
        assertEquals("", r.err(), () -> String.join(" ", args) + "\n" + r);
        return r;
    }

    /**
     * Runs the same command through ebpf4j and bpftool; stdout and success must agree. Returns ebpf4j's result.
     * Without bpftool installed only ebpf4j runs (the callers' own assertions still apply).
     */
    static Cli.Result sameAsBpftool(String... args) {
        if (!Cli.hasBpftool()) return Cli.run(args);
        Cli.Result oracle = Cli.bpftool(args);
        Cli.Result r = Cli.run(args);
        assertEquals(oracle.out(), r.out(), () -> "stdout differs from bpftool for: " + String.join(" ", args)
                + "\nbpftool: " + oracle + "\nebpf4j: " + r);
        assertEquals(oracle.exit() == 0, r.exit() == 0, () -> "success differs for " + String.join(" ", args)
                + "\nbpftool: " + oracle + "\nebpf4j: " + r);
        return r;
    }

    static String[] args(String first, String... rest) {
        List<String> all = new ArrayList<>();
        all.add(first);
        all.addAll(List.of(rest));
        return all.toArray(String[]::new);
    }

    private static String uniqueName() {
        return "c" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 50), 36);
    }

    @Test
    void hashMapCreateUpdateLookupDumpDeleteGetNextMatchBpftool() {
        String m = dir.resolve("hash").toString();
        ok("map", "create", m, "type", "hash", "key", "4", "value", "8", "entries", "16", "name", "clihash");
        ok("map", "update", "pinned", m, "key", "1", "0", "0", "0", "value", "2", "0", "0", "0", "0", "0", "0", "0");
        ok("map", "update", "pinned", m, "key", "hex", "02", "00", "00", "00", "value", "hex", "ff", "00", "00", "00",
                "00", "00", "00", "01", "noexist");
        assertEquals("null\n", ok("-j", "map", "update", "pin", m, "key", "3", "0", "0", "0", "value", "0x10", "0",
                "0", "0", "0", "0", "0", "0", "any").out());

        Cli.Result show = sameAsBpftool("map", "show", "pinned", m);
        assertTrue(show.out().matches("\\d+: hash  name clihash  flags 0x0\n\tkey 4B  value 8B  max_entries 16  "
                + "memlock \\d+B\n"), show.out());
        sameAsBpftool("-j", "map", "show", "pinned", m);
        sameAsBpftool("-p", "map", "show", "pinned", m);

        Cli.Result dump = sameAsBpftool("map", "dump", "pinned", m);
        assertTrue(dump.out().contains("key: 01 00 00 00  value: 02 00 00 00 00 00 00 00\n"), dump.out());
        assertTrue(dump.out().contains("key: 02 00 00 00  value: ff 00 00 00 00 00 00 01\n"), dump.out());
        assertTrue(dump.out().endsWith("Found 3 elements\n"), dump.out());
        Cli.Result json = sameAsBpftool("-j", "map", "dump", "pinned", m);
        assertTrue(json.out().contains("{\"key\":[\"0x01\",\"0x00\",\"0x00\",\"0x00\"],\"value\":[\"0x02\",\"0x00\","
                + "\"0x00\",\"0x00\",\"0x00\",\"0x00\",\"0x00\",\"0x00\"]}"), json.out());
        sameAsBpftool("-p", "map", "dump", "pinned", m);

        Cli.Result lookup = sameAsBpftool("map", "lookup", "pinned", m, "key", "1", "0", "0", "0");
        assertEquals("key: 01 00 00 00  value: 02 00 00 00 00 00 00 00\n", lookup.out());
        sameAsBpftool("-j", "map", "lookup", "pinned", m, "key", "hex", "02", "00", "00", "00");
        sameAsBpftool("-p", "map", "lookup", "pinned", m, "key", "3", "0", "0", "0");
        Cli.Result missing = sameAsBpftool("map", "lookup", "pinned", m, "key", "9", "0", "0", "0");
        assertEquals("key:\n09 00 00 00\n\nNot found\n", missing.out());
        assertEquals(Main.EXIT_FAILURE, missing.exit());
        assertEquals("null\n", sameAsBpftool("-j", "map", "lookup", "pinned", m, "key", "9", "0", "0", "0").out());

        Cli.Result first = sameAsBpftool("map", "getnext", "pinned", m);
        assertTrue(first.out().startsWith("key: None\nnext key:\n"), first.out());
        sameAsBpftool("-j", "map", "getnext", "pinned", m);
        sameAsBpftool("map", "getnext", "pinned", m, "key", "9", "0", "0", "0");
        String[] firstKey = first.out().substring(first.out().indexOf("next key:\n") + 10).trim().split(" ");
        Cli.Result second = sameAsBpftool(args("-p", "map", "getnext", "pinned", m, "key", "hex", firstKey[0],
                firstKey[1], firstKey[2], firstKey[3]));
        assertTrue(second.out().contains("\"next_key\": ["), second.out());
        String[] last = {"-p", "map", "getnext", "pinned", m, "key", "hex", "00", "00", "00", "00"};
        for (String k : List.of("01", "02", "03")) {
            last[7] = k;
            if (Cli.run(last).exit() != 0) break;
        }
        Cli.Result end = Cli.run(last);
        assertEquals(Main.EXIT_FAILURE, end.exit(), end.toString());
        if (Cli.hasBpftool()) assertEquals(254, Cli.bpftool(last).exit(), "bpftool fails there too");
        assertTrue(end.out().startsWith("{\n    \"error\": \"can't get next key of map 'clihash'"), end.out());
        assertTrue(end.err().startsWith("Error: can't get next key of map 'clihash' (hash)"), end.err());

        assertEquals("null\n", ok("-j", "map", "delete", "pinned", m, "key", "1", "0", "0", "0").out());
        Cli.Result gone = Cli.run("map", "delete", "pinned", m, "key", "1", "0", "0", "0");
        assertEquals(Main.EXIT_FAILURE, gone.exit());
        assertTrue(gone.err().startsWith("Error: delete failed: map 'clihash' (hash) has no key 01 00 00 00"),
                gone.err());
        assertTrue(sameAsBpftool("map", "dump", "pinned", m).out().endsWith("Found 2 elements\n"));
    }

    @Test
    void mapsAreFoundByIdAndName() {
        String name = uniqueName();
        String m = dir.resolve("named").toString();
        ok("map", "create", m, "type", "array", "key", "4", "value", "4", "entries", "2", "name", name);
        String id = Cli.run("map", "show", "pinned", m).out().split(":")[0];
        Cli.Result byId = sameAsBpftool("map", "show", "id", id);
        assertEquals(byId.out(), sameAsBpftool("map", "show", "name", name).out());
        sameAsBpftool("-j", "map", "dump", "name", name);
        Cli.Result list = ok("map", "list");
        assertTrue(list.out().contains(byId.out()), list.out());
        Cli.Result pinned = sameAsBpftool("-f", "map", "show", "id", id);
        assertTrue(pinned.out().contains("\n\tpinned " + m + "\n"), pinned.out());
        sameAsBpftool("-f", "-j", "map", "show", "id", id);
        String second = dir.resolve("second").toString();
        assertEquals("null\n", ok("-j", "map", "pin", "id", id, second).out());
        assertTrue(ok("-f", "map", "show", "pinned", second).out().contains("\tpinned " + second + "\n"));
    }

    @Test
    void perCpuValuesPrintOneLinePerCpu() {
        String m = dir.resolve("percpu").toString();
        ok("map", "create", m, "type", "percpu_hash", "key", "4", "value", "4", "entries", "4", "name", "clipcpu");
        ok("map", "update", "pinned", m, "key", "7", "0", "0", "0", "value", "7", "0", "0", "0");
        Cli.Result dump = sameAsBpftool("map", "dump", "pinned", m);
        int cpus = dev.ebpf4j.internal.sys.Cpus.possibleCount();
        assertTrue(dump.out().startsWith("key:\n07 00 00 00\nvalue (CPU 00): 07 00 00 00\n"), dump.out());
        assertEquals(cpus, dump.out().lines().filter(l -> l.startsWith("value (CPU ")).count(), dump.out());
        sameAsBpftool("-j", "map", "dump", "pinned", m);
        sameAsBpftool("-p", "map", "lookup", "pinned", m, "key", "7", "0", "0", "0");
        Cli.Result wrong = Cli.run("map", "update", "pinned", m, "key", "7", "0", "0", "0", "value", "1", "2");
        assertEquals(Main.EXIT_USAGE, wrong.exit());
        assertTrue(wrong.err().startsWith("Error: map 'clipcpu' (percpu_hash): value is 2 bytes, the map's values "
                + "are 4 bytes"), wrong.err());
    }

    @Test
    void queuePushPeekPop() {
        String q = dir.resolve("queue").toString();
        ok("map", "create", q, "type", "queue", "key", "0", "value", "4", "entries", "4", "name", "cliq");
        ok("map", "push", "pinned", q, "value", "1", "0", "0", "0");
        ok("map", "enqueue", "pinned", q, "value", "2", "0", "0", "0");
        assertEquals("value: 01 00 00 00\n", sameAsBpftool("map", "peek", "pinned", q).out());
        sameAsBpftool("-j", "map", "peek", "pinned", q);
        assertEquals("value: 01 00 00 00\n", ok("map", "pop", "pinned", q).out());
        assertEquals("{\"key\":[],\"value\":[\"0x02\",\"0x00\",\"0x00\",\"0x00\"]}\n",
                ok("-j", "map", "dequeue", "pinned", q).out());
        Cli.Result empty = sameAsBpftool("map", "pop", "pinned", q);
        assertEquals("Error: empty map\n", empty.out());
        assertEquals(Main.EXIT_FAILURE, empty.exit());
        sameAsBpftool("map", "peek", "pinned", q);
        Cli.Result keyed = Cli.run("map", "push", "pinned", q, "key", "1", "value", "1", "0", "0", "0");
        assertEquals(Main.EXIT_USAGE, keyed.exit());
        assertTrue(keyed.err().startsWith("Error: unnecessary key"), keyed.err());
    }

    @Test
    void frozenMapsShowFrozenAndRefuseUpdates() {
        String m = dir.resolve("frozen").toString();
        ok("map", "create", m, "type", "array", "key", "4", "value", "4", "entries", "2", "name", "clifrz",
                "flags", "0x400");
        ok("map", "update", "pinned", m, "key", "1", "0", "0", "0", "value", "5", "0", "0", "0");
        assertEquals("null\n", ok("-j", "map", "freeze", "pinned", m).out());
        Cli.Result show = sameAsBpftool("map", "show", "pinned", m);
        assertTrue(show.out().matches("\\d+: array  name clifrz  flags 0x400\n.*\n\tfrozen\n"), show.out());
        assertTrue(sameAsBpftool("-j", "map", "show", "pinned", m).out().contains("\"frozen\":1"));
        Cli.Result update = Cli.run("map", "update", "pinned", m, "key", "1", "0", "0", "0", "value", "6", "0", "0",
                "0");
        assertEquals(Main.EXIT_FAILURE, update.exit());
        assertTrue(update.err().startsWith("Error: map 'clifrz' (array) is frozen"), update.err());
    }

    @Test
    void mapOfMapsTakesAMapAsValue() {
        String inner = dir.resolve("inner").toString();
        String outer = dir.resolve("outer").toString();
        ok("map", "create", inner, "type", "array", "key", "4", "value", "4", "entries", "1", "name", "cliinner");
        ok("map", "create", outer, "type", "hash_of_maps", "key", "4", "value", "4", "entries", "4", "name",
                "cliouter", "inner_map", "pinned", inner);
        ok("map", "update", "pinned", outer, "key", "1", "0", "0", "0", "value", "pinned", inner);
        Cli.Result dump = sameAsBpftool("map", "dump", "pinned", outer);
        assertTrue(dump.out().endsWith("Found 1 element\n"), dump.out());
        sameAsBpftool("-j", "map", "show", "pinned", outer);
    }

    /** BTF for key {@code int} and value {@code struct val { char comm[8]; unsigned a:3, b:5; int n; }}. */
    static byte[] structBtf() {
        String strings = "\0int\0char\0unsigned int\0val\0comm\0a\0b\0n\0";
        int sInt = 1;
        int sChar = 5;
        int sUint = 10;
        int sVal = 23;
        int sComm = 27;
        int sA = 32;
        int sB = 34;
        int sN = 36;
        java.nio.ByteBuffer t = java.nio.ByteBuffer.allocate(16 + 16 + 16 + 24 + 12 + 4 * 12)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        t.putInt(sInt).putInt(1 << 24).putInt(4).putInt(1 << 24 | 32);               // [1] int
        t.putInt(sChar).putInt(1 << 24).putInt(1).putInt(1 << 24 | 8);               // [2] char
        t.putInt(sUint).putInt(1 << 24).putInt(4).putInt(32);                        // [3] unsigned int
        t.putInt(0).putInt(3 << 24).putInt(0).putInt(2).putInt(1).putInt(8);         // [4] char[8]
        t.putInt(sVal).putInt(1 << 31 | 4 << 24 | 4).putInt(16);                     // [5] struct val
        t.putInt(sComm).putInt(4).putInt(0);
        t.putInt(sA).putInt(3).putInt(3 << 24 | 64);
        t.putInt(sB).putInt(3).putInt(5 << 24 | 67);
        t.putInt(sN).putInt(1).putInt(96);
        byte[] str = strings.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(24 + t.capacity() + str.length)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) 0xeb9f).put((byte) 1).put((byte) 0).putInt(24).putInt(0).putInt(t.capacity())
                .putInt(t.capacity()).putInt(str.length);
        b.put(t.array()).put(str);
        return b.array();
    }

    @Test
    void mapsWithBtfPrintFormattedValuesLikeBpftool() {
        String m = dir.resolve("btf").toString();
        MapSpec spec = MapSpec.builder(MapType.HASH).name("clibtf").keySize(4).valueSize(16).maxEntries(4)
                .btf(new MapSpec.MapBtf(structBtf(), 1, 5, 0)).pinning(MapSpec.Pinning.at(Path.of(m))).build();
        try (BpfMap map = BpfMap.create(spec)) {
            ok("map", "update", "pinned", m, "key", "7", "0", "0", "0", "value", "hex", "62", "61", "73", "68", "00",
                    "00", "00", "00", "f5", "00", "00", "00", "fe", "ff", "ff", "ff");
            Cli.Result plain = sameAsBpftool("map", "dump", "pinned", m);
            assertEquals("""
                    [{
                            "key": 7,
                            "value": {
                                "comm": "bash",
                                "a": 0x5,
                                "b": 0x1e,
                                "n": -2
                            }
                        }
                    ]
                    """, plain.out());
            Cli.Result json = sameAsBpftool("-j", "map", "dump", "pinned", m);
            assertTrue(json.out().endsWith(",\"formatted\":{\"key\":7,\"value\":{\"comm\":\"bash\",\"a\":\"0x5\","
                    + "\"b\":\"0x1e\",\"n\":-2}}}]\n"), json.out());
            sameAsBpftool("-p", "map", "dump", "pinned", m);
            sameAsBpftool("map", "lookup", "pinned", m, "key", "7", "0", "0", "0");
            sameAsBpftool("-j", "map", "lookup", "pinned", m, "key", "7", "0", "0", "0");
            assertTrue(sameAsBpftool("map", "show", "pinned", m).out().contains("\tbtf_id " + map.info().btfId()));
        }
    }

    @Test
    void badInputGivesOneCleanErrorLine() {
        String m = dir.resolve("bad").toString();
        ok("map", "create", m, "type", "hash", "key", "4", "value", "8", "entries", "4", "name", "clibad");
        Cli.Result shortKey = Cli.run("map", "update", "pinned", m, "key", "1", "0", "0", "value", "1", "2", "3", "4",
                "5", "6", "7", "8");
        assertEquals(Main.EXIT_USAGE, shortKey.exit());
        assertEquals("Error: map 'clibad' (hash): key is 3 bytes, the map's keys are 4 bytes\n", shortKey.err());
        assertEquals("", shortKey.out());

        String nowhere = dir.resolve("nonexistent").toString();
        Cli.Result absent = Cli.run("map", "lookup", "pinned", nowhere, "key", "1", "0", "0", "0");
        assertEquals(Main.EXIT_FAILURE, absent.exit());
        assertEquals("Error: nothing is pinned at " + nowhere + " (map)\n", absent.err());
        Cli.Result absentJson = Cli.run("-j", "map", "lookup", "pinned", nowhere, "key", "1", "0", "0", "0");
        assertEquals("{\"error\":\"nothing is pinned at " + nowhere + " (map)\"}\n", absentJson.out());

        Cli.Result exists = Cli.run("map", "create", m, "type", "hash", "key", "4", "value", "8", "entries", "4",
                "name", "clibad");
        assertEquals(Main.EXIT_FAILURE, exists.exit());
        assertTrue(exists.err().contains("already pinned there"), exists.err());
        assertFalse(exists.err().contains("\tat "), "no stack trace without --debug");

        Cli.Result debug = Cli.run("--debug", "map", "lookup", "pinned", nowhere, "key", "1", "0", "0", "0");
        assertTrue(debug.err().contains("\tat dev.ebpf4j."), "--debug prints the stack trace:\n" + debug.err());

        Cli.Result noName = Cli.run("map", "show", "name", uniqueName());
        assertEquals(Main.EXIT_FAILURE, noName.exit());
        assertTrue(noName.err().startsWith("Error: no map is named"), noName.err());
    }
}
