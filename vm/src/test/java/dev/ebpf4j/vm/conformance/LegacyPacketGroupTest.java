package dev.ebpf4j.vm.conformance;

import dev.ebpf4j.vm.Vm;
import dev.ebpf4j.vm.VmOptions;
import dev.ebpf4j.vm.asm.UbpfAssembler;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * RFC 9669's legacy packet group (BPF_ABS / BPF_IND), which the shared vectors do not cover: in conformance mode the
 * packet is the {@code -- mem} block; loads are big-endian, 1, 2 or 4 bytes; an offset outside the packet ends the
 * program with r0 = 0.
 */
class LegacyPacketGroupTest {
    private static final byte[] PACKET = HexFormat.of().parseHex("00112233445566778899aabbccddeeff");

    private static long run(VmOptions.Engine e, String asm) {
        return Vm.loadConformance(UbpfAssembler.assemble(asm), VmOptions.conformance().engine(e)).run(PACKET.clone());
    }

    @ParameterizedTest
    @EnumSource(VmOptions.Engine.class)
    void absoluteLoads(VmOptions.Engine e) {
        assertEquals(0x33, run(e, "ldabsb 3\nexit"));
        assertEquals(0x3344, run(e, "ldabsh 3\nexit"));
        assertEquals(0xccddeeffL, run(e, "ldabsw 12\nexit"));
        assertEquals(0, run(e, "mov %r0, 7\nldabsw 13\nmov %r0, 9\nexit"), "past the end: the program ends with 0");
        assertEquals(0, run(e, "ldabsb -1\nmov %r0, 9\nexit"));
    }

    @ParameterizedTest
    @EnumSource(VmOptions.Engine.class)
    void indirectLoads(VmOptions.Engine e) {
        assertEquals(0x5566, run(e, "mov %r3, 4\nldindh %r3, 1\nexit"));
        assertEquals(0x8899aabbL, run(e, "mov %r3, 10\nldindw %r3, -2\nexit"));
        assertEquals(0xff, run(e, "lddw %r3, 0x10000000f\nldindb %r3, 0\nexit"), "the index register counts as 32 bits");
        assertEquals(0, run(e, "mov %r3, 16\nldindb %r3, 0\nmov %r0, 9\nexit"));
        assertEquals(0, run(e, "mov %r3, -20\nldindb %r3, 2\nmov %r0, 9\nexit"));
    }
}
