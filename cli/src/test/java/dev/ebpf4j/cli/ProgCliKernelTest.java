package dev.ebpf4j.cli;

import dev.ebpf4j.BpfMap;
import dev.ebpf4j.MapSpec;
import dev.ebpf4j.Program;
import dev.ebpf4j.ProgramSpec;
import dev.ebpf4j.ProgramType;
import dev.ebpf4j.asm.Asm;
import dev.ebpf4j.asm.HelperFunction;
import dev.ebpf4j.testkit.KernelTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.ebpf4j.asm.Register.R0;
import static dev.ebpf4j.asm.Register.R1;
import static dev.ebpf4j.asm.Register.R10;
import static dev.ebpf4j.asm.Register.R2;
import static dev.ebpf4j.asm.Register.R3;
import static dev.ebpf4j.asm.Register.R4;
import static dev.ebpf4j.asm.Register.R6;
import static dev.ebpf4j.cli.MapCliKernelTest.ok;
import static dev.ebpf4j.cli.MapCliKernelTest.sameAsBpftool;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code ebpf4j prog ...} on an XDP program loaded and pinned by the test; bpftool is the oracle. */
@KernelTest
class ProgCliKernelTest {
    private static Path dir;
    private static BpfMap counts;
    private static Program xdp;
    private static String pin;
    private static int id;

    /** Counts packets in a hash map, stamps 0xab on the first byte and returns XDP_TX (3). */
    @BeforeAll
    static void load() {
        dir = Cli.pinDir("prog");
        counts = BpfMap.create(MapSpec.hash("clicounts", 4, 8, 4));
        var insns = new Asm()
                .mov64(R6, R1)
                .call(HelperFunction.KTIME_GET_NS)
                .stw(R10, -4, 0)
                .mov64(R2, R10)
                .add64(R2, -4)
                .ldMapFd(R1, counts.fd())
                .call(HelperFunction.MAP_LOOKUP_ELEM)
                .jeq(R0, 0, "packet")
                .mov64(R1, 1)
                .atomicAdd64(R0, 0, R1)
                .label("packet")
                .ldxw(R2, R6, 0)
                .ldxw(R3, R6, 4)
                .mov64(R4, R2)
                .add64(R4, 1)
                .jgt(R4, R3, "out")
                .stb(R2, 0, 0xab)
                .mov64(R0, 3)
                .exit()
                .label("out")
                .mov64(R0, 0)
                .exit()
                .build();
        xdp = Program.load(ProgramSpec.builder(ProgramType.XDP).name("clixdp").license("GPL").instructions(insns)
                .build());
        pin = dir.resolve("xdp").toString();
        xdp.pin(Path.of(pin));
        id = xdp.id();
    }

    @AfterAll
    static void unload() {
        if (xdp != null) xdp.close();
        if (counts != null) counts.close();
        Cli.removeTree(dir);
    }

    static byte[] packet() {
        byte[] p = new byte[64];
        for (int i = 0; i < p.length; i++) p[i] = (byte) (i + 1);
        p[12] = 0x08;
        p[13] = 0x00;
        return p;
    }

    @Test
    void showMatchesBpftoolPlainAndJson() {
        Cli.Result plain = sameAsBpftool("prog", "show", "pinned", pin);
        assertTrue(plain.out().matches(id + ": xdp  name clixdp  tag [0-9a-f]{16}  gpl\n"
                + "\tloaded_at \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d[+-]\\d{4}  uid 0\n"
                + "\txlated \\d+B  jited \\d+B  memlock \\d+B  map_ids " + counts.id() + "\n"), plain.out());
        Cli.Result json = sameAsBpftool("-j", "prog", "show", "id", Integer.toString(id));
        assertTrue(json.out().startsWith("{\"id\":" + id + ",\"type\":\"xdp\",\"name\":\"clixdp\",\"tag\":\""
                + xdp.info().tag() + "\",\"gpl_compatible\":true,\"loaded_at\":"), json.out());
        assertTrue(json.out().contains("\"map_ids\":[" + counts.id() + "]"), json.out());
        sameAsBpftool("-p", "prog", "show", "tag", xdp.info().tag());
        sameAsBpftool("prog", "show", "name", "clixdp");
        sameAsBpftool("-f", "prog", "show", "pinned", pin);
    }

    @Test
    void listContainsTheProgram() {
        String block = Cli.bpftool("prog", "show", "id", Integer.toString(id)).out();
        Cli.Result list = ok("prog", "list");
        assertTrue(list.out().contains(block), list.out());
        assertTrue(ok("prog").out().contains(block), "'prog' alone lists programs, as bpftool does");
        Cli.Result json = ok("-j", "prog", "list");
        assertTrue(json.out().startsWith("[{") && json.out().endsWith("}]\n"), json.out());
        assertTrue(json.out().contains("{\"id\":" + id + ",\"type\":\"xdp\",\"name\":\"clixdp\""), json.out());
    }

    @Test
    void runWithDataFilesPrintsReturnValueAndDuration() throws IOException {
        Path tmp = Files.createTempDirectory("ebpf4j-cli-run");
        try {
            Path in = tmp.resolve("in.bin");
            Path out = tmp.resolve("out.bin");
            Files.write(in, packet());
            Cli.Result r = ok("prog", "run", "pinned", pin, "data_in", in.toString(), "data_out", out.toString());
            assertTrue(r.out().matches("Return value: 3, duration: \\d+ns\n"), r.out());
            byte[] expected = packet();
            expected[0] = (byte) 0xab;
            assertArrayEquals(expected, Files.readAllBytes(out));

            Cli.Result repeat = ok("prog", "run", "id", Integer.toString(id), "data_in", in.toString(), "repeat", "10");
            assertTrue(repeat.out().matches("Return value: 3, duration \\(average\\): \\d+ns\n"), repeat.out());

            Cli.Result json = ok("-j", "prog", "run", "pinned", pin, "data_in", in.toString(), "data_out", "-");
            String bytes = Arrays.toString(toInts(expected)).replace(" ", "");
            assertTrue(json.out().matches("\\{\"data_out\":" + Pattern.quote(bytes)
                    + ",\"retval\":3,\"duration\":\\d+}\n"), json.out());

            Cli.Result stdin = Cli.runWithInput(packet(), "prog", "run", "pinned", pin, "data_in", "-", "data_out",
                    "-");
            assertEquals(0, stdin.exit(), stdin.toString());
            Cli.Result oracle = Cli.bpftool("prog", "run", "pinned", pin, "data_in", in.toString(), "data_out", "-");
            assertEquals(hexPart(oracle.out()), hexPart(stdin.out()));
            assertTrue(stdin.out().startsWith("0000000\tab02 0304 0506 0708 090a 0b0c 0800 0f10 | ........ ........\n"),
                    stdin.out());

            Cli.Result tooShort = Cli.runWithInput(new byte[4], "prog", "run", "pinned", pin, "data_in", "-");
            assertEquals(Main.EXIT_FAILURE, tooShort.exit());
            assertTrue(tooShort.err().startsWith("Error: test-running program 'clixdp' (xdp)"), tooShort.err());
        } finally {
            Cli.removeTree(tmp);
        }
    }

    private static int[] toInts(byte[] b) {
        int[] out = new int[b.length];
        for (int i = 0; i < b.length; i++) out[i] = b[i] & 0xff;
        return out;
    }

    private static String hexPart(String runOutput) {
        Matcher m = Pattern.compile("(?s)(.*)Return value").matcher(runOutput);
        return m.find() ? m.group(1) : runOutput;
    }

    @Test
    void dumpXlatedMatchesBpftool() {
        Cli.Result plain = sameAsBpftool("prog", "dump", "xlated", "pinned", pin);
        assertTrue(plain.out().startsWith("   0: (bf) r6 = r1\n   1: (85) call bpf_ktime_get_ns#"), plain.out());
        assertTrue(plain.out().contains(": (18) r1 = map[id:" + counts.id() + "]\n"), plain.out());
        sameAsBpftool("prog", "dump", "xlated", "id", Integer.toString(id), "opcodes");
        sameAsBpftool("-j", "prog", "dump", "xlated", "pinned", pin);
        sameAsBpftool("-p", "prog", "dump", "xlated", "pinned", pin, "opcodes");
    }

    @Test
    void pinAndWrongObjectKinds() {
        String second = dir.resolve("second").toString();
        assertEquals("null\n", ok("-j", "prog", "pin", "id", Integer.toString(id), second).out());
        Cli.Result shown = ok("-f", "prog", "show", "pinned", second);
        assertTrue(shown.out().contains("\n\tpinned " + pin + "\n") && shown.out().contains("\n\tpinned " + second
                + "\n"), shown.out());
        sameAsBpftool("-f", "-j", "prog", "show", "pinned", second);

        Cli.Result asMap = Cli.run("map", "show", "pinned", pin);
        assertEquals(Main.EXIT_FAILURE, asMap.exit());
        assertTrue(asMap.err().startsWith("Error: incorrect object type: " + pin + " holds a prog, not a map"),
                asMap.err());
        Cli.Result noTag = Cli.run("prog", "show", "tag", "0123");
        assertEquals(Main.EXIT_USAGE, noTag.exit());
    }
}
