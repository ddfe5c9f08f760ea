package dev.ebpf4j.ringbuf;

import dev.ebpf4j.BpfMap;
import dev.ebpf4j.MapSpec;
import dev.ebpf4j.MapType;
import dev.ebpf4j.asm.Asm;
import dev.ebpf4j.asm.HelperFunction;
import dev.ebpf4j.asm.Register;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts, on the BPF side, the records a program could not write because the ring buffer was full. The kernel keeps
 * no such count for user space (a failed {@code bpf_ringbuf_reserve} returns NULL, {@code bpf_ringbuf_output}
 * returns a negative error, and {@code bpf_ringbuf_query} exists for BPF programs only), so the program has to count.
 * This class owns a one-slot {@code BPF_MAP_TYPE_PERCPU_ARRAY} of u64 and emits the instructions that add one to it;
 * {@link #total()} sums the per-CPU slots. The same works for perf buffers ({@code bpf_perf_event_output} < 0), where
 * the kernel additionally reports lost samples itself.
 *
 * <p>In BPF C the equivalent pattern is a per-CPU array and
 * {@code if (bpf_ringbuf_output(&events, &e, sizeof(e), 0)) { u64 *n = bpf_map_lookup_elem(&drops, &zero); if (n)
 * __sync_fetch_and_add(n, 1); }}.
 *
 * <pre>{@code
 * try (DropCounter drops = DropCounter.create("drops")) {
 *     Asm asm = new Asm() ...                 // r2 = &event on the stack
 *         .ldMapFd(R1, events.fd()).mov64(R3, 16).mov64(R4, 0)
 *         .call(HelperFunction.RINGBUF_OUTPUT);
 *     drops.emitCountIfNegative(asm, -64);    // r0 < 0: one more drop (uses 4 bytes of stack at r10-64)
 *     asm.mov64(R0, 0).exit();
 *     ...
 *     long lost = drops.total();
 * }
 * }</pre>
 */
public final class DropCounter implements AutoCloseable {
    private static final AtomicLong LABELS = new AtomicLong();
    private static final byte[] KEY_ZERO = new byte[4];

    private final BpfMap map;

    private DropCounter(BpfMap map) {
        this.map = map;
    }

    /** Creates the counter map named {@code name}. */
    public static DropCounter create(String name) {
        return new DropCounter(BpfMap.create(MapSpec.builder(MapType.PERCPU_ARRAY).name(name).keySize(4).valueSize(8)
                .maxEntries(1).build()));
    }

    /** The per-CPU array behind the counter (one u64 slot per CPU at key 0). */
    public BpfMap map() {
        return map;
    }

    /**
     * Appends instructions that add one to the counter. They clobber R0–R5 and the 4 stack bytes at
     * {@code r10 + stackOffset} ({@code stackOffset} negative, 4-byte aligned).
     */
    public Asm emitIncrement(Asm asm, int stackOffset) {
        if (stackOffset >= 0 || stackOffset < -512 || stackOffset % 4 != 0) {
            throw new IllegalArgumentException("stackOffset must be a negative multiple of 4 within the 512-byte "
                    + "stack, got " + stackOffset);
        }
        String skip = "ebpf4j.drops." + LABELS.incrementAndGet();
        return asm.stw(Register.R10, stackOffset, 0)
                .mov64(Register.R2, Register.R10).add64(Register.R2, stackOffset)
                .ldMapFd(Register.R1, map.fd())
                .call(HelperFunction.MAP_LOOKUP_ELEM)
                .jeq(Register.R0, 0, skip)
                .mov64(Register.R1, 1)
                .atomicAdd64(Register.R0, 0, Register.R1)
                .label(skip);
    }

    /**
     * Appends instructions that add one to the counter when R0 is negative, as after a failed
     * {@code bpf_ringbuf_output} or {@code bpf_perf_event_output}. Same clobbers as {@link #emitIncrement}.
     */
    public Asm emitCountIfNegative(Asm asm, int stackOffset) {
        String ok = "ebpf4j.drops.ok." + LABELS.incrementAndGet();
        asm.jsge(Register.R0, 0, ok);
        emitIncrement(asm, stackOffset);
        return asm.label(ok);
    }

    /** The number of drops counted so far, summed over all CPUs. */
    public long total() {
        List<byte[]> perCpu = map.lookupPerCpu(KEY_ZERO).orElseThrow();
        long sum = 0;
        for (byte[] v : perCpu) sum += java.nio.ByteBuffer.wrap(v).order(java.nio.ByteOrder.nativeOrder()).getLong(0);
        return sum;
    }

    /** Sets the counter back to zero on every CPU. */
    public void reset() {
        map.update(KEY_ZERO, new byte[map.valueBufferSize()]);
    }

    @Override
    public void close() {
        map.close();
    }
}
