package dev.ebpf4j;

import dev.ebpf4j.internal.sys.Bpf;
import dev.ebpf4j.internal.sys.BpfAttr;
import dev.ebpf4j.internal.sys.BpfCommand;
import dev.ebpf4j.internal.sys.CallScratch;
import dev.ebpf4j.internal.sys.NativeArgs;

import java.lang.foreign.MemorySegment;
import java.lang.ref.Reference;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * One map's batch commands ({@code BPF_MAP_*_BATCH}, Linux 5.6+) behind {@link BpfMap#lookupBatch},
 * {@link BpfMap#lookupAndDeleteBatch}, {@link BpfMap#updateBatch} and {@link BpfMap#deleteBatch}: buffer checks, the
 * attribute, the cursor, and copying results back into heap segments. Allocates nothing per call.
 *
 * <pre>{@code
 * int n = new MapBatches(map, args).read(BpfCommand.MAP_LOOKUP_BATCH, cursor, keys, values, 8192);
 * }</pre>
 */
final class MapBatches {
    private static final int ENOENT = Errno.ENOENT.number();

    private final BpfMap map;
    private final MapArguments args;

    MapBatches(BpfMap map, MapArguments args) {
        this.map = map;
        this.args = args;
    }

    /** Reads (and with MAP_LOOKUP_AND_DELETE_BATCH deletes) up to {@code maxCount} entries; advances the cursor. */
    int read(BpfCommand cmd, MapBatchCursor cursor, MemorySegment keys, MemorySegment values, int maxCount) {
        args.requireKeyed("batch lookup");
        check(keys, values, maxCount);
        if (cursor.isDone()) return 0;
        MemorySegment a = attr(maxCount, 0);
        a.set(JAVA_LONG, BpfAttr.BATCH_IN_BATCH, cursor.started() ? cursor.in().address() : 0);
        a.set(JAVA_LONG, BpfAttr.BATCH_OUT_BATCH, cursor.out().address());
        a.set(JAVA_LONG, BpfAttr.BATCH_KEYS, NativeArgs.out(keys, NativeArgs.KEY, (long) maxCount * map.keySize()));
        a.set(JAVA_LONG, BpfAttr.BATCH_VALUES, NativeArgs.out(values, NativeArgs.VALUE,
                (long) maxCount * map.valueBufferSize()));
        long r = Bpf.call(cmd, a, BpfAttr.BATCH_SIZE);
        Reference.reachabilityFence(keys);
        Reference.reachabilityFence(values);
        int n = a.get(JAVA_INT, BpfAttr.BATCH_COUNT);
        if (r < 0 && r != -ENOENT) throw args.batchFail(cmd, r, "batch-reading");
        NativeArgs.copyBack(keys, NativeArgs.KEY, (long) n * map.keySize());
        NativeArgs.copyBack(values, NativeArgs.VALUE, (long) n * map.valueBufferSize());
        cursor.advance(r == -ENOENT);
        return n;
    }

    /** Writes {@code count} entries; returns how many the kernel wrote. */
    int update(MemorySegment keys, MemorySegment values, int count, UpdateMode mode) {
        args.requireKeyed("batch update");
        check(keys, values, count);
        MemorySegment a = attr(count, mode.flag());
        a.set(JAVA_LONG, BpfAttr.BATCH_KEYS, NativeArgs.in(keys, NativeArgs.KEY, (long) count * map.keySize()));
        a.set(JAVA_LONG, BpfAttr.BATCH_VALUES, NativeArgs.in(values, NativeArgs.VALUE,
                (long) count * map.valueBufferSize()));
        long r = Bpf.call(BpfCommand.MAP_UPDATE_BATCH, a, BpfAttr.BATCH_SIZE);
        Reference.reachabilityFence(keys);
        Reference.reachabilityFence(values);
        if (r < 0) throw args.batchFail(BpfCommand.MAP_UPDATE_BATCH, r, "batch-updating");
        return a.get(JAVA_INT, BpfAttr.BATCH_COUNT);
    }

    /** Deletes {@code count} keys; returns how many were deleted. */
    int delete(MemorySegment keys, int count) {
        args.requireKeyed("batch delete");
        check(keys, null, count);
        MemorySegment a = attr(count, 0);
        a.set(JAVA_LONG, BpfAttr.BATCH_KEYS, NativeArgs.in(keys, NativeArgs.KEY, (long) count * map.keySize()));
        long r = Bpf.call(BpfCommand.MAP_DELETE_BATCH, a, BpfAttr.BATCH_SIZE);
        Reference.reachabilityFence(keys);
        int done = a.get(JAVA_INT, BpfAttr.BATCH_COUNT);
        if (r < 0 && r != -ENOENT) throw args.batchFail(BpfCommand.MAP_DELETE_BATCH, r, "batch-deleting from");
        return done;
    }

    private MemorySegment attr(int count, long elemFlags) {
        MemorySegment a = CallScratch.get().attr(BpfAttr.BATCH_SIZE);
        a.set(JAVA_INT, BpfAttr.BATCH_MAP_FD, map.fd());
        a.set(JAVA_INT, BpfAttr.BATCH_COUNT, count);
        a.set(JAVA_LONG, BpfAttr.BATCH_ELEM_FLAGS, elemFlags);
        return a;
    }

    private void check(MemorySegment keys, MemorySegment values, int count) {
        if (count <= 0) throw new BpfArgumentException(map.what() + ": batch count must be positive, got " + count);
        args.checkSegment(keys, (long) count * map.keySize(), "batch keys buffer (" + count + " keys)");
        if (values != null) {
            args.checkSegment(values, (long) count * map.valueBufferSize(), "batch values buffer (" + count
                    + " values)");
        }
    }
}
