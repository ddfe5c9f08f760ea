package dev.ebpf4j.vm.runtime;

import dev.ebpf4j.vm.mem.Memory;

/**
 * {@code BPF_LD | BPF_ABS/BPF_IND}: {@code r0 = ntoh(*(u8/u16/u32 *)(packet + offset))}. An offset outside the packet
 * ends the program with r0 = 0, as in the kernel (the caller sees {@link Execution#stop}).
 *
 * <pre>{@code
 * long v = LegacyPacketLoads.load(ex, 12, 2, pc);   // the EtherType of an Ethernet frame
 * }</pre>
 */
public final class LegacyPacketLoads {
    private LegacyPacketLoads() {
    }

    public static long load(Execution ex, long offset, int size, int pc) {
        if (offset < 0 || offset + size > ex.packetLength) {
            ex.stop = true;
            ex.stopValue = 0;
            return 0;
        }
        long v = Memory.load(ex.regions, ex.packetStart + offset, size, pc);
        return size == 1 ? v : Alu.swap(v, size * 8);
    }
}
