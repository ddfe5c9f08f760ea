package dev.ebpf4j.link;

import dev.ebpf4j.BpfMap;
import dev.ebpf4j.ringbuf.RingBufferReader;

import java.util.ArrayList;
import java.util.List;

/**
 * The records program 'record' of usdt_probes.bpf.c writes to its ring buffer 'events' (struct usdt_event): for one
 * probe hit, bpf_usdt_cookie(), the instruction pointer, the pid, bpf_usdt_arg_cnt(), and bpf_usdt_arg()'s value and
 * return code for all 12 argument slots.
 */
record UsdtEvent(long cookie, long ip, int pid, int argCount, long[] args, int[] rc) {
    static final int SLOTS = 12;

    /** The arguments the probe has (the first {@link #argCount()} slots). */
    List<Long> arguments() {
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < argCount; i++) out.add(args[i]);
        return out;
    }

    /** Every record in {@code ring} now. */
    static List<UsdtEvent> drain(BpfMap ring) {
        List<UsdtEvent> out = new ArrayList<>();
        try (RingBufferReader r = RingBufferReader.open(ring, rec -> {
            long[] args = new long[SLOTS];
            int[] rc = new int[SLOTS];
            for (int i = 0; i < SLOTS; i++) {
                args[i] = rec.getLong(24 + 8L * i);
                rc[i] = rec.getInt(24 + 8L * SLOTS + 4L * i);
            }
            out.add(new UsdtEvent(rec.getLong(0), rec.getLong(8), rec.getInt(16), rec.getInt(20), args, rc));
        })) {
            r.consume();
        }
        return out;
    }

    /** The records of process {@code pid} with USDT cookie {@code cookie}, in order. */
    static List<UsdtEvent> of(List<UsdtEvent> all, int pid, long cookie) {
        return all.stream().filter(e -> e.pid == pid && e.cookie == cookie).toList();
    }
}
