package dev.ebpf4j.cli;

import dev.ebpf4j.testkit.KernelTest;
import dev.ebpf4j.testkit.TestObjects;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static dev.ebpf4j.cli.MapCliKernelTest.ok;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code prog run OBJ program NAME ...} in the kernel ({@code BPF_PROG_TEST_RUN}) and with {@code --vm} in ebpf4j's
 * userspace VM: the same command prints the same fields, and for cli_xdp.bpf.o's {@code bounce} (swap the Ethernet
 * addresses, decrement the TTL with an incremental checksum update, return the .rodata constant XDP_TX) the return
 * value and the packet out are equal — and what the C code says they should be.
 */
@KernelTest
class ProgRunObjectCliKernelTest {
    private static Path tmp;
    private static Path object;
    private static Path packet;

    @BeforeAll
    static void files() throws IOException {
        tmp = Files.createTempDirectory("ebpf4j-cli-runobj");
        object = TestObjects.bpf("cli_xdp");
        packet = tmp.resolve("packet.bin");
        Files.write(packet, ipv4Frame(64));
    }

    @AfterAll
    static void removeFiles() throws IOException {
        try (Stream<Path> s = Files.walk(tmp)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    /** Ethernet (dst 01..06, src 0a..0f, IPv4) + a 20-byte IPv4 header with a valid checksum + 8 bytes payload. */
    static byte[] ipv4Frame(int ttl) {
        byte[] f = new byte[14 + 20 + 8];
        for (int i = 0; i < 6; i++) {
            f[i] = (byte) (1 + i);
            f[6 + i] = (byte) (0x0a + i);
        }
        f[12] = 0x08;
        byte[] ip = {0x45, 0, 0, 20, 0, 0, 0, 0, (byte) ttl, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2};
        int sum = 0;
        for (int i = 0; i < 20; i += 2) sum += ((ip[i] & 0xff) << 8) | (ip[i + 1] & 0xff);
        while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
        ip[10] = (byte) (~sum >> 8);
        ip[11] = (byte) ~sum;
        System.arraycopy(ip, 0, f, 14, 20);
        System.arraycopy("payload!".getBytes(), 0, f, 34, 8);
        return f;
    }

    private static byte[] expectedBounce(byte[] in) {
        byte[] out = in.clone();
        for (int i = 0; i < 6; i++) {
            out[i] = in[6 + i];
            out[6 + i] = in[i];
        }
        out[14 + 8] = (byte) (in[14 + 8] - 1);
        out[14 + 10] = 0;
        out[14 + 11] = 0;
        int sum = 0;
        for (int i = 0; i < 20; i += 2) sum += ((out[14 + i] & 0xff) << 8) | (out[14 + i + 1] & 0xff);
        while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
        out[14 + 10] = (byte) (~sum >> 8);
        out[14 + 11] = (byte) ~sum;
        return out;
    }

    private static Cli.Result run(boolean vm, String... args) {
        List<String> cmd = new java.util.ArrayList<>(List.of("prog", "run"));
        if (vm) cmd.add("--vm");
        cmd.add(object.toString());
        cmd.addAll(List.of(args));
        return ok(cmd.toArray(String[]::new));
    }

    @Test
    void kernelAndVmAgreeOnReturnValueAndPacket() throws IOException {
        byte[] expected = expectedBounce(Files.readAllBytes(packet));
        for (boolean vm : new boolean[] {false, true}) {
            Path out = tmp.resolve("out-" + vm + ".bin");
            Cli.Result r = run(vm, "program", "bounce", "data_in", packet.toString(), "data_out", out.toString());
            assertTrue(r.out().matches("Return value: 3, duration: \\d+ns\n"), (vm ? "vm: " : "kernel: ") + r.out());
            assertArrayEquals(expected, Files.readAllBytes(out), vm ? "vm" : "kernel");
        }
        // the same JSON fields; data out on stdout
        Cli.Result vmJson = ok("-j", "prog", "run", "--vm", object.toString(), "program", "bounce", "data_in",
                packet.toString(), "data_out", "-");
        Cli.Result kernelJson = ok("-j", "prog", "run", object.toString(), "program", "bounce", "data_in",
                packet.toString(), "data_out", "-");
        Map<String, Object> v = MiniJson.object(vmJson.out());
        Map<String, Object> k = MiniJson.object(kernelJson.out());
        assertEquals(List.of("data_out", "retval", "duration"), List.copyOf(v.keySet()));
        assertEquals(k.keySet(), v.keySet());
        assertEquals(k.get("retval"), v.get("retval"));
        assertEquals(k.get("data_out"), v.get("data_out"));
        assertEquals(3L, v.get("retval"));
    }

    @Test
    void repeatedRunsMutateTheSamePacketInBoth() throws IOException {
        // BPF_PROG_TEST_RUN runs the program `repeat` times on the same buffer: 3 runs swap the addresses back and
        // forth and take 3 off the TTL; the VM does the same
        byte[] expected = Files.readAllBytes(packet);
        for (int i = 0; i < 3; i++) expected = expectedBounce(expected);
        for (boolean vm : new boolean[] {false, true}) {
            Path out = tmp.resolve("repeat-" + vm + ".bin");
            Cli.Result r = run(vm, "program", "bounce", "data_in", packet.toString(), "data_out", out.toString(),
                    "repeat", "3");
            assertTrue(r.out().matches("Return value: 3, duration \\(average\\): \\d+ns\n"), r.out());
            assertArrayEquals(expected, Files.readAllBytes(out), vm ? "vm" : "kernel");
        }
    }

    @Test
    void otherVerdictsAgreeToo() throws IOException {
        Path expiring = tmp.resolve("ttl1.bin");
        Files.write(expiring, ipv4Frame(1));
        Path runt = tmp.resolve("runt.bin");
        Files.write(runt, new byte[20]);
        for (boolean vm : new boolean[] {false, true}) {
            assertTrue(run(vm, "program", "bounce", "data_in", expiring.toString()).out()
                    .startsWith("Return value: 1, "), "XDP_DROP for TTL 1");
            assertTrue(run(vm, "program", "bounce", "data_in", runt.toString()).out()
                    .startsWith("Return value: 2, "), "XDP_PASS for a frame too short for IPv4");
            assertTrue(run(vm, "program", "count_only", "data_in", packet.toString()).out()
                    .startsWith("Return value: 2, "));
        }
    }

    @Test
    void objectGrammarErrors() {
        Cli.Result noProgram = Cli.run("prog", "run", object.toString(), "data_in", packet.toString());
        assertEquals(Main.EXIT_USAGE, noProgram.exit(), noProgram.toString());
        assertEquals("Error: missing 'program NAME': " + object + " has 2 programs [bounce, count_only] "
                + "(see 'ebpf4j prog help')\n", noProgram.err());
        Cli.Result unknown = Cli.run("prog", "run", object.toString(), "program", "nope", "data_in", packet.toString());
        assertEquals(Main.EXIT_USAGE, unknown.exit(), unknown.toString());
        assertEquals("Error: object 'cli_xdp.bpf.o' has no program 'nope'; its programs are [bounce, count_only]\n",
                unknown.err());
        Cli.Result vmOnProg = Cli.run("prog", "run", "--vm", "id", "1", "data_in", packet.toString());
        assertEquals(Main.EXIT_USAGE, vmOnProg.exit(), vmOnProg.toString());
        assertTrue(vmOnProg.err().startsWith("Error: --vm runs a program from an object file: "), vmOnProg.err());
        // a path that is not an ELF file stays bpftool's PROG grammar
        Cli.Result notElf = Cli.run("prog", "run", packet.toString(), "data_in", packet.toString());
        assertEquals(Main.EXIT_USAGE, notElf.exit(), notElf.toString());
        assertTrue(notElf.err().startsWith("Error: expected 'id', 'tag', 'name' or 'pinned', got: '"), notElf.err());
    }
}
