package dev.ebpf4j.vm.helpers;

import dev.ebpf4j.vm.ArgType;
import dev.ebpf4j.vm.HelperRegistry;
import dev.ebpf4j.vm.HelperSignature;
import dev.ebpf4j.vm.ReturnType;
import dev.ebpf4j.vm.VmHelperException;
import dev.ebpf4j.vm.maps.MapBase;
import dev.ebpf4j.vm.maps.ProgramArray;
import dev.ebpf4j.vm.maps.RingBuffer;
import dev.ebpf4j.vm.mem.Addresses;
import dev.ebpf4j.vm.mem.Memory;
import dev.ebpf4j.vm.runtime.Execution;

import java.util.concurrent.ThreadLocalRandom;

import static dev.ebpf4j.vm.ArgType.*;

/**
 * The VM's built-in helpers with the kernel's numbers and semantics: maps, time, random numbers, trace output, tail
 * calls, {@code skb_load_bytes}, ring buffers and {@code bpf_loop}. Keys, values and buffers are read from and
 * written to VM memory through the same bounds checks as the program's own accesses.
 *
 * <pre>{@code
 * HelperRegistry r = HelperRegistry.empty(); StandardHelpers.registerAll(r);
 * }</pre>
 */
public final class StandardHelpers {
    private StandardHelpers() {
    }

    public static final int MAP_LOOKUP_ELEM = 1;
    public static final int MAP_UPDATE_ELEM = 2;
    public static final int MAP_DELETE_ELEM = 3;
    public static final int KTIME_GET_NS = 5;
    public static final int TRACE_PRINTK = 6;
    public static final int GET_PRANDOM_U32 = 7;
    public static final int GET_SMP_PROCESSOR_ID = 8;
    public static final int TAIL_CALL = 12;
    public static final int SKB_LOAD_BYTES = 26;
    public static final int JIFFIES64 = 118;
    public static final int KTIME_GET_BOOT_NS = 125;
    public static final int RINGBUF_OUTPUT = 130;
    public static final int RINGBUF_RESERVE = 131;
    public static final int RINGBUF_SUBMIT = 132;
    public static final int RINGBUF_DISCARD = 133;
    public static final int RINGBUF_QUERY = 134;
    public static final int KTIME_GET_COARSE_NS = 160;
    public static final int LOOP = 181;

    /** The kernel's limit on tail calls per run (MAX_TAIL_CALL_CNT). */
    public static final int MAX_TAIL_CALLS = 33;
    /** The kernel's limit on bpf_loop iterations (BPF_MAX_LOOPS). */
    public static final long MAX_LOOPS = 1 << 23;

    private static final long EFAULT = -14;
    private static final long EINVAL = -22;
    private static final long E2BIG = -7;
    private static final long ENOENT = -2;

    public static void registerAll(HelperRegistry r) {
        r.put(MAP_LOOKUP_ELEM, HelperSignature.of("bpf_map_lookup_elem", ReturnType.MAP_VALUE_OR_NULL, CONST_MAP_PTR,
                PTR_TO_MAP_KEY), (c, r1, r2, r3, r4, r5) -> {
                    Execution ex = (Execution) c;
                    MapBase m = ex.mapBase(r1);
                    byte[] key = Memory.region(ex.regions, r2, m.spec().keySize(), ex.pc);
                    return m.lookupForProgram(key, Addresses.offset(r2));
                });
        r.put(MAP_UPDATE_ELEM, HelperSignature.of("bpf_map_update_elem", ReturnType.INTEGER, CONST_MAP_PTR,
                PTR_TO_MAP_KEY, PTR_TO_MAP_VALUE, SCALAR), (c, r1, r2, r3, r4, r5) -> {
                    Execution ex = (Execution) c;
                    MapBase m = ex.mapBase(r1);
                    byte[] key = Memory.region(ex.regions, r2, m.spec().keySize(), ex.pc);
                    byte[] value = Memory.region(ex.regions, r3, m.spec().valueSize(), ex.pc);
                    return m.updateForProgram(key, Addresses.offset(r2), value, Addresses.offset(r3), r4);
                });
        r.put(MAP_DELETE_ELEM, HelperSignature.of("bpf_map_delete_elem", ReturnType.INTEGER, CONST_MAP_PTR,
                PTR_TO_MAP_KEY), (c, r1, r2, r3, r4, r5) -> {
                    Execution ex = (Execution) c;
                    MapBase m = ex.mapBase(r1);
                    byte[] key = Memory.region(ex.regions, r2, m.spec().keySize(), ex.pc);
                    return m.deleteForProgram(key, Addresses.offset(r2));
                });
        r.put(KTIME_GET_NS, HelperSignature.of("bpf_ktime_get_ns", ReturnType.INTEGER),
                (c, r1, r2, r3, r4, r5) -> System.nanoTime());
        r.put(KTIME_GET_BOOT_NS, HelperSignature.of("bpf_ktime_get_boot_ns", ReturnType.INTEGER),
                (c, r1, r2, r3, r4, r5) -> System.nanoTime());
        r.put(KTIME_GET_COARSE_NS, HelperSignature.of("bpf_ktime_get_coarse_ns", ReturnType.INTEGER),
                (c, r1, r2, r3, r4, r5) -> System.nanoTime());
        r.put(JIFFIES64, HelperSignature.of("bpf_jiffies64", ReturnType.INTEGER),
                (c, r1, r2, r3, r4, r5) -> System.nanoTime() / 4_000_000L);
        r.put(TRACE_PRINTK, HelperSignature.of("bpf_trace_printk", ReturnType.INTEGER, PTR_TO_MEM, CONST_SIZE),
                (c, r1, r2, r3, r4, r5) -> {
                    if (r2 <= 0 || r2 > 1024) return EINVAL;
                    String line = TracePrintk.format(c.read(r1, (int) r2), new long[] {r3, r4, r5});
                    c.trace(line);
                    return line.length();
                });
        r.put(GET_PRANDOM_U32, HelperSignature.of("bpf_get_prandom_u32", ReturnType.INTEGER),
                (c, r1, r2, r3, r4, r5) -> ThreadLocalRandom.current().nextInt() & 0xffffffffL);
        r.put(GET_SMP_PROCESSOR_ID, HelperSignature.of("bpf_get_smp_processor_id", ReturnType.INTEGER),
                (c, r1, r2, r3, r4, r5) -> 0);
        r.put(TAIL_CALL, HelperSignature.of("bpf_tail_call", ReturnType.VOID, PTR_TO_CTX, CONST_MAP_PTR, SCALAR),
                StandardHelpers::tailCall);
        r.put(SKB_LOAD_BYTES, HelperSignature.of("bpf_skb_load_bytes", ReturnType.INTEGER, PTR_TO_CTX, SCALAR,
                PTR_TO_UNINIT_MEM, CONST_SIZE), (c, r1, r2, r3, r4, r5) -> {
                    Execution ex = (Execution) c;
                    long off = (int) r2;
                    if (off < 0 || r4 <= 0 || off + r4 > ex.packetLength) return EFAULT;
                    byte[] pkt = Memory.region(ex.regions, ex.packetStart + off, (int) r4, ex.pc);
                    Memory.write(ex.regions, r3, pkt, Addresses.offset(ex.packetStart + off), (int) r4, ex.pc);
                    return 0;
                });
        r.put(RINGBUF_OUTPUT, HelperSignature.of("bpf_ringbuf_output", ReturnType.INTEGER, CONST_MAP_PTR, PTR_TO_MEM,
                CONST_SIZE_OR_ZERO, SCALAR), (c, r1, r2, r3, r4, r5) -> {
                    Execution ex = (Execution) c;
                    RingBuffer rb = ring(ex, r1);
                    if (r3 < 0 || r3 > Integer.MAX_VALUE) return EINVAL;
                    byte[] src = Memory.region(ex.regions, r2, (int) r3, ex.pc);
                    return rb.output(src, Addresses.offset(r2), (int) r3);
                });
        r.put(RINGBUF_RESERVE, HelperSignature.of("bpf_ringbuf_reserve", ReturnType.ALLOC_MEM_OR_NULL, CONST_MAP_PTR,
                CONST_ALLOC_SIZE_OR_ZERO, SCALAR), (c, r1, r2, r3, r4, r5) -> {
                    Execution ex = (Execution) c;
                    return ring(ex, r1).reserve(r2);
                });
        r.put(RINGBUF_SUBMIT, HelperSignature.of("bpf_ringbuf_submit", ReturnType.VOID, PTR_TO_ALLOC_MEM, SCALAR),
                (c, r1, r2, r3, r4, r5) -> commit((Execution) c, r1, false));
        r.put(RINGBUF_DISCARD, HelperSignature.of("bpf_ringbuf_discard", ReturnType.VOID, PTR_TO_ALLOC_MEM, SCALAR),
                (c, r1, r2, r3, r4, r5) -> commit((Execution) c, r1, true));
        r.put(RINGBUF_QUERY, HelperSignature.of("bpf_ringbuf_query", ReturnType.INTEGER, CONST_MAP_PTR, SCALAR),
                (c, r1, r2, r3, r4, r5) -> ring((Execution) c, r1).query(r2));
        r.put(LOOP, HelperSignature.of("bpf_loop", ReturnType.INTEGER, SCALAR, PTR_TO_FUNC, PTR_TO_STACK_OR_NULL,
                SCALAR), StandardHelpers::loop);
    }

    private static RingBuffer ring(Execution ex, long handle) {
        MapBase m = ex.mapBase(handle);
        if (m instanceof RingBuffer rb) return rb;
        throw new VmHelperException("map '" + m.name() + "' is not a ring buffer", ex.pc);
    }

    private static long commit(Execution ex, long record, boolean discard) {
        int region = Addresses.region(record) - Addresses.FIRST_MAP;
        MapBase[] maps = ex.program.maps.internalMaps();
        if (region >= 0 && region < maps.length && maps[region] instanceof RingBuffer rb && rb.commit(record, discard)) {
            return 0;
        }
        throw new VmHelperException(Addresses.describe(record) + " is not a reserved ring buffer record", ex.pc);
    }

    private static long tailCall(dev.ebpf4j.vm.HelperContext c, long ctx, long map, long index, long r4, long r5) {
        Execution ex = (Execution) c;
        MapBase m = ex.mapBase(map);
        if (!(m instanceof ProgramArray array)) {
            throw new VmHelperException("bpf_tail_call: map '" + m.name() + "' is not a program array", ex.pc);
        }
        var target = array.target(index & 0xffffffffL);
        if (target == null || ex.tailCalls >= MAX_TAIL_CALLS) return ENOENT;
        var loaded = target.runtime();
        if (loaded.maps != ex.program.maps || loaded.type != ex.program.type) return EINVAL;
        ex.tailCalls++;
        ex.tailTarget = loaded;
        ex.stop = true;
        return 0;
    }

    private static long loop(dev.ebpf4j.vm.HelperContext c, long nr, long fn, long ctx, long flags, long r5) {
        if (flags != 0) return EINVAL;
        nr &= 0xffffffffL;
        if (nr > MAX_LOOPS) return E2BIG;
        Execution ex = (Execution) c;
        long i = 0;
        for (; i < nr; i++) {
            long ret = c.callFunction(fn, i, ctx, 0, 0, 0);
            if (ex.stop) return 0;
            if (ret != 0) return i + 1;
        }
        return i;
    }
}
