package dev.ebpf4j;

import dev.ebpf4j.asm.Asm;
import dev.ebpf4j.asm.HelperFunction;
import dev.ebpf4j.asm.Instruction;
import dev.ebpf4j.testkit.KernelTest;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.ebpf4j.asm.Register.*;
import static org.junit.jupiter.api.Assertions.*;

@KernelTest
class ProgramKernelTest {

    static byte[] packet(int length) {
        byte[] p = new byte[length];
        // Ethernet header: dst, src, ethertype IPv4
        for (int i = 0; i < 12; i++) p[i] = (byte) (i + 1);
        p[12] = 0x08;
        p[13] = 0x00;
        return p;
    }

    @Test
    void socketFilterTestRunReturnsTheProgramsValue() {
        // return the packet length read from __sk_buff->len (offset 0)
        List<Instruction> insns = new Asm().ldxw(R0, R1, 0).exit().build();
        try (Program p = Program.load(ProgramSpec.builder(ProgramType.SOCKET_FILTER).name("len").instructions(insns)
                .build())) {
            TestRunResult r = p.testRun(TestRun.withData(packet(60)).repeat(10));
            assertEquals(60 - 14, r.returnValue(), "skb->len excludes the Ethernet header");
            assertTrue(r.durationNs() >= 0);
            ProgramInfo info = p.info();
            assertEquals(ProgramType.SOCKET_FILTER, info.type());
            assertEquals("len", info.name());
            assertEquals(16, info.tag().length());
            assertEquals(2, p.xlatedInstructions().size());
        }
    }

    @Test
    void xdpTestRunRewritesPacketData() {
        // data = ctx->data; data_end = ctx->data_end; if (data + 1 > data_end) return XDP_ABORTED;
        // *(u8*)data = 0xab; return XDP_TX (3)
        List<Instruction> insns = new Asm()
                .ldxw(R2, R1, 0)
                .ldxw(R3, R1, 4)
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
        try (Program p = Program.load(ProgramSpec.builder(ProgramType.XDP).name("tx").instructions(insns).build())) {
            TestRunResult r = p.testRun(TestRun.withData(packet(64)));
            assertEquals(3, r.returnValue());
            assertEquals(64, r.dataOut().length);
            assertEquals((byte) 0xab, r.dataOut()[0]);
            assertEquals(2, r.dataOut()[1]);
        }
    }

    @Test
    void verifierRejectionCarriesLogAndInstruction() {
        // r0 is read before being written: "R0 !read_ok" at the exit instruction
        List<Instruction> insns = new Asm().mov64(R1, 1).add64(R1, 2).exit().build();
        VerifierException e = assertThrows(VerifierException.class, () -> Program.load(
                ProgramSpec.builder(ProgramType.SOCKET_FILTER).name("bad").instructions(insns).build()));
        assertTrue(e.log().contains("R0 !read_ok"), e.log());
        assertEquals("R0 !read_ok", e.reason());
        assertEquals(2, e.instruction());
        assertTrue(e.getMessage().contains("program 'bad' (socket_filter): verifier rejected the program at instruction 2"),
                e.getMessage());
    }

    @Test
    void verifierLogGrowsUntilItFits() {
        // A long straight-line program produces a verbose log far larger than the first buffer.
        Asm a = new Asm().mov64(R0, 0);
        for (int i = 0; i < 6000; i++) a.add64(R0, 1);
        a.mov64(R2, R10).exit(); // leaks a stack pointer in r2? fine; r0 is a scalar: program is valid
        Program p = Program.load(ProgramSpec.builder(ProgramType.SOCKET_FILTER).name("long")
                .instructions(a.build()).build(), Program.LoadOptions.VERBOSE);
        try (p) {
            assertTrue(p.verifierLog().length() > 256 << 10, "log length " + p.verifierLog().length());
            assertTrue(p.verifierLog().contains("6001: (bf) r2 = r10"), "log tail missing");
        }
    }

    @Test
    void helperCallsAndMapsWork() {
        try (BpfMap m = BpfMap.create(MapSpec.array("cnt", 8, 1))) {
            // key = 0 on stack; v = lookup(map, &key); if (v) *v += 1; return 0
            List<Instruction> insns = new Asm()
                    .stw(R10, -4, 0)
                    .mov64(R2, R10).add64(R2, -4)
                    .ldMapFd(R1, m.fd())
                    .call(HelperFunction.MAP_LOOKUP_ELEM)
                    .jeq(R0, 0, "out")
                    .mov64(R1, 1)
                    .atomicAdd64(R0, 0, R1)
                    .label("out")
                    .mov64(R0, 0)
                    .exit().build();
            try (Program p = Program.load(ProgramSpec.builder(ProgramType.SOCKET_FILTER).name("count")
                    .instructions(insns).build())) {
                p.testRun(TestRun.withData(packet(64)).repeat(5));
                assertEquals(5, MapKernelTest.readLe64(m.lookup(MapKernelTest.le32(0)).orElseThrow()));
                assertEquals(List.of(m.id()), p.mapIds());
            }
        }
    }

    @Test
    void pinIdsAndReopen() throws Exception {
        Path pin = Path.of("/sys/fs/bpf/ebpf4j-test-prog-" + ProcessHandle.current().pid());
        try (Program p = Program.load(ProgramSpec.builder(ProgramType.XDP).name("pass")
                .instructions(new Asm().mov64(R0, 2).exit().build()).build())) {
            p.pin(pin);
            try (Program again = Program.fromPinned(pin)) {
                assertEquals(p.id(), again.id());
                assertEquals(ProgramType.XDP, again.type());
                assertEquals(2, again.testRun(TestRun.withData(packet(64))).returnValue());
            }
            assertTrue(Program.ids().contains(p.id()));
        } finally {
            Files.deleteIfExists(pin);
        }
    }

    @Test
    void fentryLoadFailsAsNotSupportedOnThisKernel() {
        // fentry needs an attach BTF id; any function works to show the trampoline failure. Use a well-known one.
        ProgramSpec spec = ProgramSpec.builder(ProgramType.TRACING).name("fe")
                .expectedAttachType(AttachType.TRACE_FENTRY)
                .attachBtfId(dev.ebpf4j.btf.Btf.vmlinux()
                        .findId("bpf_fentry_test1", dev.ebpf4j.btf.BtfKind.FUNC).orElseThrow())
                .instructions(new Asm().mov64(R0, 0).exit().build()).build();
        try (Program p = Program.load(spec)) {
            assertTrue(p.fd() > 0, "fentry loaded: this kernel has trampolines");
        } catch (NotSupportedException e) {
            assertTrue(e.getMessage().contains("fentry/fexit/fmod_ret"), e.getMessage());
            assertTrue(e.getMessage().contains("trampolines"), e.getMessage());
        }
    }
}
