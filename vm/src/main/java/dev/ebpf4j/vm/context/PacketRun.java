package dev.ebpf4j.vm.context;

import dev.ebpf4j.BpfArgumentException;
import dev.ebpf4j.TestRun;
import dev.ebpf4j.TestRunResult;
import dev.ebpf4j.vm.mem.Addresses;
import dev.ebpf4j.vm.runtime.Execution;
import dev.ebpf4j.vm.runtime.Executions;
import dev.ebpf4j.vm.runtime.LoadedProgram;
import dev.ebpf4j.vm.runtime.Runner;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * {@code BPF_PROG_TEST_RUN} emulated: builds the context and packet the kernel's {@code bpf_prog_test_run_xdp} /
 * {@code bpf_prog_test_run_skb} would (XDP: 256 bytes of headroom, {@code ingress_ifindex} 1 (loopback),
 * {@code data_meta = data}; socket filters: the 14-byte Ethernet header pulled off, {@code protocol} and
 * {@code pkt_type} from it as {@code eth_type_trans} sets them, {@code ifindex} 1, and the header zeroed in the
 * output data; tc: the whole frame with direct packet access), runs the program {@code repeat} times and returns the
 * same fields as the kernel.
 *
 * <pre>{@code
 * TestRunResult r = PacketRun.run(loaded, TestRun.withData(frame));
 * }</pre>
 */
public final class PacketRun {
    private PacketRun() {
    }

    /** XDP_PACKET_HEADROOM. */
    public static final int XDP_HEADROOM = 256;
    /** Headroom of emulated socket buffers (NET_SKB_PAD + NET_IP_ALIGN). */
    public static final int SKB_HEADROOM = 64;
    private static final int ETH_HLEN = 14;

    public static TestRunResult run(LoadedProgram p, TestRun run) {
        ContextLayout layout = p.context;
        if (layout == null) {
            throw new BpfArgumentException(p.name + ": test runs need a program type whose context the VM emulates "
                    + "(XDP, SOCKET_FILTER, SCHED_CLS, SCHED_ACT), not " + p.type);
        }
        byte[] data = run.dataIn() == null ? new byte[0] : run.dataIn();
        int repeat = Math.max(1, run.repeat());
        boolean xdp = layout == ContextLayouts.XDP;
        boolean l2 = layout == ContextLayouts.SCHED_CLS;
        if (!xdp && data.length < ETH_HLEN) {
            throw new BpfArgumentException(p.name + ": socket buffer test runs need at least an Ethernet header ("
                    + ETH_HLEN + " bytes), got " + data.length);
        }
        int headroom = xdp ? XDP_HEADROOM : SKB_HEADROOM;
        byte[] packet = new byte[headroom + data.length];
        System.arraycopy(data, 0, packet, headroom, data.length);
        int dataOff = xdp || l2 ? headroom : headroom + ETH_HLEN;
        int len = xdp || l2 ? data.length : data.length - ETH_HLEN;
        byte[] ctx = new byte[layout.internalSize()];
        ByteBuffer c = ByteBuffer.wrap(ctx).order(ByteOrder.LITTLE_ENDIAN);
        long dataAddr = Addresses.of(Addresses.PACKET, dataOff);
        long endAddr = Addresses.of(Addresses.PACKET, dataOff + len);
        if (xdp) {
            c.putInt(12, 1);
            if (run.ctxIn() != null && run.ctxIn().length >= 20) {
                ByteBuffer in = ByteBuffer.wrap(run.ctxIn()).order(ByteOrder.LITTLE_ENDIAN);
                if (in.getInt(12) != 0) c.putInt(12, in.getInt(12));
                c.putInt(16, in.getInt(16));
            }
        } else {
            if (run.ctxIn() != null) System.arraycopy(run.ctxIn(), 0, ctx, 0, Math.min(run.ctxIn().length, 192));
            c.putInt(ContextLayouts.SKB_LEN, len);
            c.putInt(ContextLayouts.SKB_PKT_TYPE, packetType(data));
            c.putInt(ContextLayouts.SKB_PROTOCOL, protocol(data));
            if (c.getInt(ContextLayouts.SKB_IFINDEX) <= 1) c.putInt(ContextLayouts.SKB_IFINDEX, 1);
        }
        for (ContextLayout.Field f : layout.fields()) {
            switch (f.kind()) {
                case PACKET, PACKET_META -> c.putLong(f.internalOffset(), dataAddr);
                case PACKET_END -> c.putLong(f.internalOffset(), endAddr);
                default -> { }
            }
        }
        Execution ex = Executions.acquire(p.options.maxCallDepth());
        try {
            long r0 = 0;
            long start = System.nanoTime();
            for (int i = 0; i < repeat; i++) {
                ex.begin(p, p.options.instructionBudget(), timeout(p), false);
                ex.regions[Addresses.CTX] = ctx;
                ex.regions[Addresses.PACKET] = packet;
                ex.packetStart = dataAddr;
                ex.packetLength = len;
                r0 = Runner.run(ex, p, Addresses.of(Addresses.CTX, 0), 0);
            }
            long duration = (System.nanoTime() - start) / repeat;
            byte[] out;
            if (xdp) {
                int from = Addresses.offset(c.getLong(24));
                int to = Addresses.offset(c.getLong(32));
                out = Arrays.copyOfRange(packet, from, to);
            } else if (l2) {
                out = Arrays.copyOfRange(packet, dataOff, dataOff + len);
            } else {
                out = new byte[data.length];
                System.arraycopy(packet, dataOff, out, ETH_HLEN, len);
            }
            byte[] ctxOut = new byte[0];
            if (run.ctxIn() != null) {
                ctxOut = Arrays.copyOf(ctx, layout.size());
                if (xdp) {
                    ByteBuffer o = ByteBuffer.wrap(ctxOut).order(ByteOrder.LITTLE_ENDIAN);
                    o.putInt(0, 0);
                    o.putInt(4, out.length);
                    o.putInt(8, 0);
                } else {
                    Arrays.fill(ctxOut, ContextLayouts.SKB_DATA, ContextLayouts.SKB_DATA + 8, (byte) 0);
                }
            }
            return new TestRunResult(r0 & 0xffffffffL, duration, out, ctxOut);
        } finally {
            Executions.release(ex);
        }
    }

    static long timeout(LoadedProgram p) {
        return p.options.timeout() == null ? 0 : p.options.timeout().toNanos();
    }

    /** {@code eth_type_trans}'s packet type for a frame received on loopback (address 00:00:00:00:00:00). */
    static int packetType(byte[] frame) {
        if ((frame[0] & 1) != 0) {
            for (int i = 0; i < 6; i++) if (frame[i] != (byte) 0xff) return 2;   // PACKET_MULTICAST
            return 1;                                                            // PACKET_BROADCAST
        }
        for (int i = 0; i < 6; i++) if (frame[i] != 0) return 3;                 // PACKET_OTHERHOST
        return 0;                                                                // PACKET_HOST
    }

    /** {@code eth_type_trans}'s protocol, as the __be16 the kernel stores (read little-endian from the context). */
    static int protocol(byte[] frame) {
        int type = (frame[12] & 0xff) << 8 | (frame[13] & 0xff);
        if (type < 0x600) {
            boolean raw8023 = frame.length >= 16 && frame[14] == (byte) 0xff && frame[15] == (byte) 0xff;
            type = raw8023 ? 0x0001 : 0x0004;
        }
        return Short.reverseBytes((short) type) & 0xffff;
    }
}
