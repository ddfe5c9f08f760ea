package dev.ebpf4j.bench.vm;

import dev.ebpf4j.MapSpec;
import dev.ebpf4j.ProgramSpec;
import dev.ebpf4j.ProgramType;
import dev.ebpf4j.asm.Asm;
import dev.ebpf4j.asm.HelperFunction;
import dev.ebpf4j.asm.Instruction;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.ebpf4j.asm.Opcodes.PSEUDO_MAP_FD;
import static dev.ebpf4j.asm.Register.*;

/**
 * A realistic XDP program for the benchmarks: walks the Ethernet, IPv4 and UDP headers of a frame with the usual
 * {@code data_end} checks (EtherType, IP version, header length as a variable offset, fragments, protocol) and, for a
 * watched UDP destination port (a key in hash map {@value #MAP}), adds one packet and the UDP length to the port's
 * counters with atomic adds; the frame always passes. {@link #frame()} is a 64-byte DNS query frame whose port
 * {@link #watch} puts in the map, so that every run takes the longest path ({@link #INSNS} instructions).
 *
 * <pre>{@code
 * VmMaps maps = new VmMaps();
 * ParserProgram.watch(maps.create(ParserProgram.mapSpec())::update);
 * VmProgram p = Vm.load(ParserProgram.spec(), maps);
 * p.testRun(TestRun.withData(ParserProgram.frame()));
 * }</pre>
 */
public final class ParserProgram {
    private ParserProgram() {
    }

    /** Name of the counters map: key = UDP destination port as read from the packet (4 bytes), value = 2 x u64. */
    public static final String MAP = "udp_ports";
    /** Instructions a run of {@link #spec()} executes on {@link #frame()} when its port is watched. */
    public static final int INSNS = 41;
    /** The watched destination port. */
    public static final int PORT = 53;
    private static final int XDP_PASS = 2;

    public static MapSpec mapSpec() {
        return MapSpec.hash(MAP, 4, 16, 64);
    }

    public static ProgramSpec spec() {
        return ProgramSpec.builder(ProgramType.XDP).name("bench_parser").instructions(new Asm()
                .ldxw(R2, R1, 0).ldxw(R3, R1, 4)                              // data, data_end
                .mov64(R4, R2).add64(R4, 14).jgt(R4, R3, "pass")             // Ethernet header
                .ldxh(R5, R2, 12).jne(R5, 0x0008, "pass")                    // EtherType IPv4 (big-endian)
                .mov64(R4, R2).add64(R4, 34).jgt(R4, R3, "pass")             // minimal IPv4 header
                .ldxb(R5, R2, 14).mov64(R6, R5).rsh64(R6, 4).jne(R6, 4, "pass")   // version 4
                .and64(R5, 0x0f).jlt(R5, 5, "pass").lsh64(R5, 2)             // header length 20..60
                .ldxh(R6, R2, 20).and64(R6, 0xff3f).jne(R6, 0, "pass")       // MF flag or fragment offset
                .ldxb(R6, R2, 23).jne(R6, 17, "pass")                        // UDP
                .add64(R2, 14).add64(R2, R5)                                 // UDP header at a variable offset
                .mov64(R4, R2).add64(R4, 8).jgt(R4, R3, "pass")
                .ldxh(R7, R2, 2).ldxh(R8, R2, 4).toBe(R8, 16)                // destination port, UDP length
                .stxw(R10, -4, R7)                                           // key
                .ldMapByName(R1, MAP).mov64(R2, R10).add64(R2, -4)
                .call(HelperFunction.MAP_LOOKUP_ELEM)
                .jeq(R0, 0, "pass")                                          // not a watched port
                .mov64(R1, 1).atomicAdd64(R0, 0, R1)                         // packets
                .atomicAdd64(R0, 8, R8)                                      // bytes
                .label("pass").mov64(R0, XDP_PASS).exit()
                .build()).build();
    }

    /** {@code spec} with every map reference replaced by the kernel map's fd (for loading into the kernel). */
    public static ProgramSpec withMapFds(ProgramSpec spec, Map<String, Integer> fds) {
        List<Instruction> insns = new ArrayList<>();
        for (Instruction in : spec.instructions()) {
            if (in.reference() != null && fds.containsKey(in.reference())) {
                in = new Instruction(in.opcode(), in.dst(), PSEUDO_MAP_FD, in.offset(), fds.get(in.reference()), null);
            }
            insns.add(in);
        }
        return spec.toBuilder().instructions(insns).build();
    }

    /** Puts the watched port's key (with zero counters) through {@code update(key, value)}. */
    public static void watch(java.util.function.BiConsumer<byte[], byte[]> update) {
        update.accept(key(PORT), new byte[16]);
    }

    /** The map key of a destination port: its two network-order bytes, then two zero bytes. */
    public static byte[] key(int port) {
        return new byte[] {(byte) (port >> 8), (byte) port, 0, 0};
    }

    /** A 64-byte Ethernet + IPv4 + UDP frame (a DNS query to port {@value #PORT}). */
    public static byte[] frame() {
        byte[] f = new byte[64];
        for (int i = 0; i < 6; i++) {
            f[i] = (byte) 0xff;
            f[6 + i] = (byte) (0x10 + i);
        }
        f[12] = 0x08;                                   // EtherType IPv4
        f[14] = 0x45;                                   // version 4, IHL 5
        f[16] = 0;
        f[17] = 50;                                     // total length
        f[20] = 0x40;                                   // don't fragment
        f[22] = 64;                                     // TTL
        f[23] = 17;                                     // UDP
        f[26] = 10;
        f[29] = 1;                                      // 10.0.0.1
        f[30] = 10;
        f[33] = 2;                                      // 10.0.0.2
        f[34] = (byte) 0xc3;
        f[35] = 0x50;                                   // source port 50000
        f[36] = (byte) (PORT >> 8);
        f[37] = (byte) PORT;
        f[38] = 0;
        f[39] = 30;                                     // UDP length
        for (int i = 42; i < f.length; i++) f[i] = (byte) i;
        return f;
    }
}
