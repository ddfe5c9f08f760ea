package dev.ebpf4j.link;

import dev.ebpf4j.AttachType;
import dev.ebpf4j.BpfMap;
import dev.ebpf4j.MapSpec;
import dev.ebpf4j.Program;
import dev.ebpf4j.ProgramSpec;
import dev.ebpf4j.ProgramType;
import dev.ebpf4j.asm.Asm;
import dev.ebpf4j.asm.HelperFunction;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

import static dev.ebpf4j.asm.Register.*;

/**
 * Test programs built with {@link Asm}: packet counters for XDP and tc that count IPv4 ICMP packets of one type in
 * slot 0 of a two-slot array map and everything else in slot 1, and cgroup/socket helpers.
 */
final class PacketPrograms {
    static final int ICMP_ECHO_REPLY = 0;
    static final int ICMP_ECHO_REQUEST = 8;
    static final int XDP_PASS = 2;
    static final int TC_ACT_OK = 0;

    private PacketPrograms() {
    }

    /** A two-slot array of u64 counters: [0] matching ICMP packets, [1] all other packets. */
    static BpfMap counters(String name) {
        return BpfMap.create(MapSpec.array(name, 8, 2));
    }

    static long read(BpfMap m, int slot) {
        byte[] v = m.lookup(le32(slot)).orElseThrow();
        return ByteBuffer.wrap(v).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    static Program xdpIcmpCounter(BpfMap counters, int icmpType) {
        return Program.load(ProgramSpec.builder(ProgramType.XDP).name("xdp_icmp")
                .instructions(icmpCounter(counters.fd(), 0, 4, icmpType, XDP_PASS).build()).build());
    }

    static Program tcIcmpCounter(BpfMap counters, int icmpType, String name) {
        // struct __sk_buff: data at 76, data_end at 80
        return Program.load(ProgramSpec.builder(ProgramType.SCHED_CLS).name(name)
                .instructions(icmpCounter(counters.fd(), 76, 80, icmpType, TC_ACT_OK).build()).build());
    }

    /** Counts every packet in slot 0 and returns {@code verdict}. */
    static Asm countAll(int mapFd, int verdict) {
        return new Asm()
                .stw(R10, -4, 0)
                .mov64(R2, R10).add64(R2, -4)
                .ldMapFd(R1, mapFd)
                .call(HelperFunction.MAP_LOOKUP_ELEM)
                .jeq(R0, 0, "out")
                .mov64(R1, 1)
                .atomicAdd64(R0, 0, R1)
                .label("out")
                .mov64(R0, verdict)
                .exit();
    }

    /**
     * Parses Ethernet + IPv4 (no options) + ICMP from ctx->data: slot 0 counts ICMP packets of {@code icmpType}, slot
     * 1 everything else; returns {@code verdict}.
     */
    static Asm icmpCounter(int mapFd, int dataOff, int dataEndOff, int icmpType, int verdict) {
        return new Asm()
                .ldxw(R2, R1, dataOff)
                .ldxw(R3, R1, dataEndOff)
                .mov64(R7, 1)
                .mov64(R4, R2).add64(R4, 35)
                .jgt(R4, R3, "count")
                .ldxh(R5, R2, 12).jne(R5, 0x0008, "count")          // ethertype 0x0800, big-endian
                .ldxb(R5, R2, 14).and64(R5, 0x0f).jne(R5, 5, "count") // IHL 5
                .ldxb(R5, R2, 23).jne(R5, 1, "count")               // protocol ICMP
                .ldxb(R5, R2, 34).jne(R5, icmpType, "count")        // ICMP type
                .mov64(R7, 0)
                .label("count")
                .stxw(R10, -4, R7)
                .mov64(R2, R10).add64(R2, -4)
                .ldMapFd(R1, mapFd)
                .call(HelperFunction.MAP_LOOKUP_ELEM)
                .jeq(R0, 0, "out")
                .mov64(R1, 1)
                .atomicAdd64(R0, 0, R1)
                .label("out")
                .mov64(R0, verdict)
                .exit();
    }

    /** A cgroup program of {@code type} that counts its runs in slot 0 of {@code counters} and returns {@code verdict}. */
    static Program cgroupCounter(BpfMap counters, AttachType type, int verdict, String name) {
        return Program.load(ProgramSpec.builder(type.programType()).name(name).expectedAttachType(type)
                .instructions(countAll(counters.fd(), verdict).build()).build());
    }

    static byte[] le32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    /** A unique path on bpffs for a test pin. */
    static Path uniquePin(String what) {
        return Path.of("/sys/fs/bpf/ebpf4j-test-" + what + "-" + ProcessHandle.current().pid() + "-"
                + Integer.toString(ThreadLocalRandom.current().nextInt(1 << 24), 36));
    }

}
