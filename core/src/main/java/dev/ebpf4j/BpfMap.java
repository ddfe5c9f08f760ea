package dev.ebpf4j;

import dev.ebpf4j.internal.MapCreator;
import dev.ebpf4j.internal.PageSize;
import dev.ebpf4j.internal.sys.Bpf;
import dev.ebpf4j.internal.sys.BpfAttr;
import dev.ebpf4j.internal.sys.BpfCommand;
import dev.ebpf4j.internal.sys.CallScratch;
import dev.ebpf4j.internal.sys.Capabilities;
import dev.ebpf4j.internal.sys.Cpus;
import dev.ebpf4j.internal.sys.Fd;
import dev.ebpf4j.internal.sys.FdInfo;
import dev.ebpf4j.internal.sys.Libc;
import dev.ebpf4j.internal.sys.NativeArgs;
import dev.ebpf4j.internal.sys.ObjectIds;
import dev.ebpf4j.internal.sys.ObjectPins;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Reference;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A live BPF map: owns its file descriptor. Element operations come in two shapes: {@link MemorySegment} ones that
 * allocate nothing (pass native segments; heap segments are copied through per-thread scratch memory) and
 * {@code byte[]} ones for convenience. Per-CPU maps exchange {@link #valueBufferSize()} bytes: one 8-byte-aligned slot
 * per possible CPU. Keys and values of the wrong size raise {@link BpfArgumentException} before reaching the kernel.
 *
 * <pre>{@code
 * try (BpfMap counts = BpfMap.create(MapSpec.hash("counts", 4, 8, 1024));
 *      Arena arena = Arena.ofConfined()) {
 *     MemorySegment key = arena.allocate(4), value = arena.allocate(8);
 *     key.set(JAVA_INT, 0, 7);
 *     value.set(JAVA_LONG, 0, 42);
 *     counts.update(key, value, UpdateMode.ANY);
 *     if (counts.lookup(key, value)) System.out.println(value.get(JAVA_LONG, 0));
 *     counts.pin(Path.of("/sys/fs/bpf/counts"));
 * }
 * }</pre>
 */
public final class BpfMap implements AutoCloseable {
    private static final int ENOENT = Errno.ENOENT.number();

    private final Fd fd;
    private final String name;
    private final int typeNumber;
    private final MapType type;
    private final int keySize;
    private final int valueSize;
    private final int maxEntries;
    private final int flags;
    private final int valueBufferSize;
    private final String what;
    private volatile int id;
    private volatile long mapExtra;
    private Arena mappings;
    private MemorySegment arenaMapping;

    private BpfMap(Fd fd, String name, int typeNumber, int keySize, int valueSize, int maxEntries, int flags, int id) {
        this.fd = fd;
        this.name = name;
        this.typeNumber = typeNumber;
        this.type = MapType.fromNumber(typeNumber).orElse(MapType.UNSPEC);
        this.keySize = keySize;
        this.valueSize = valueSize;
        this.maxEntries = maxEntries;
        this.flags = flags;
        this.valueBufferSize = type.isPerCpu() ? roundUp8(valueSize) * Cpus.possibleCount() : valueSize;
        this.what = "map '" + name + "' (" + MapType.describe(typeNumber) + ")";
        this.id = id;
        fd.describeAs(what);
    }

    // ---- creation and opening ---------------------------------------------------------------------------------

    /**
     * Creates the map described by {@code spec}, writes its initial contents, freezes it when asked, and pins it when
     * the spec says so (reusing a compatible map already pinned there).
     */
    public static BpfMap create(MapSpec spec) {
        return create(spec, -1, 0, 0);
    }

    /** As {@link #create(MapSpec)}, with key/value types in an already loaded BTF object (used by the loader). */
    static BpfMap create(MapSpec spec, int btfFd, int keyTypeId, int valueTypeId) {
        return create(spec, btfFd, keyTypeId, valueTypeId, -1);
    }

    /**
     * As {@link #create(MapSpec, int, int, int)}; {@code valueTypeBtfObjFd} (not -1) is the module BTF object of a
     * struct_ops map's kernel value type.
     */
    static BpfMap create(MapSpec spec, int btfFd, int keyTypeId, int valueTypeId, int valueTypeBtfObjFd) {
        if (spec.pinning().isPinned() && java.nio.file.Files.exists(spec.pinning().path())) {
            BpfMap existing = fromPinned(spec.pinning().path());
            existing.checkCompatible(spec);
            return existing;
        }
        Fd fd = MapCreator.create(spec, btfFd, keyTypeId, valueTypeId, valueTypeBtfObjFd);
        int maxEntries = spec.maxEntries() == 0 && spec.type() == MapType.PERF_EVENT_ARRAY
                ? Cpus.possibleCount() : spec.maxEntries();
        BpfMap map = new BpfMap(fd, MapCreator.sanitizeName(spec.name()), spec.type().number(), spec.keySize(),
                spec.valueSize(), maxEntries, spec.flags(), 0);
        map.mapExtra = spec.mapExtra();
        try {
            for (MapSpec.MapEntry e : spec.contents()) map.update(e.key(), e.value(), UpdateMode.ANY);
            if (spec.freeze()) map.freeze();
            if (spec.pinning().isPinned()) map.pin(spec.pinning().path());
        } catch (RuntimeException e) {
            map.close();
            throw e instanceof BpfException b ? b.withContext("initialising " + map.what) : e;
        }
        return map;
    }

    /**
     * Opens the map pinned at {@code path}; a program or link pinned there raises {@link BpfArgumentException}
     * ("incorrect object type: /sys/fs/bpf/x holds a program, not a map").
     */
    public static BpfMap fromPinned(Path path) {
        return fromPinned(path, 0);
    }

    /** Opens the map pinned at {@code path} with {@link MapFlags#RDONLY} or {@link MapFlags#WRONLY}. */
    public static BpfMap fromPinned(Path path, int openFlags) {
        return adopt(ObjectPins.open(path, openFlags, ObjectIds.Kind.MAP));
    }

    /** Opens the map with kernel id {@code id}. */
    public static BpfMap fromId(int id) {
        return adopt(ObjectIds.open(ObjectIds.Kind.MAP, id));
    }

    /** Wraps an owned map fd, reading its properties from the kernel; closes the fd when it is not a map. */
    static BpfMap adopt(Fd fd) {
        try {
            MapInfo info = MapInfo.of(fd.get(), fd.owner());
            BpfMap m = new BpfMap(fd, info.name(), info.typeNumber(), info.keySize(), info.valueSize(),
                    info.maxEntries(), info.flags(), info.id());
            m.mapExtra = info.mapExtra();
            return m;
        } catch (RuntimeException e) {
            fd.close();
            throw e;
        }
    }

    /** Ids of every map in the system. */
    public static List<Integer> ids() {
        return ObjectIds.all(ObjectIds.Kind.MAP);
    }

    private void checkCompatible(MapSpec spec) {
        List<String> diffs = new ArrayList<>();
        if (typeNumber != spec.type().number()) diffs.add("type " + MapType.describe(typeNumber) + " vs " + spec.type().bpftoolName());
        if (keySize != spec.keySize()) diffs.add("key size " + keySize + " vs " + spec.keySize());
        if (valueSize != spec.valueSize()) diffs.add("value size " + valueSize + " vs " + spec.valueSize());
        if (maxEntries != spec.maxEntries() && spec.type() != MapType.PERF_EVENT_ARRAY) {
            diffs.add("max entries " + maxEntries + " vs " + spec.maxEntries());
        }
        if ((flags & ~MapFlags.RDONLY & ~MapFlags.WRONLY) != (spec.flags() & ~MapFlags.RDONLY & ~MapFlags.WRONLY)) {
            diffs.add("flags " + MapFlags.describe(flags) + " vs " + MapFlags.describe(spec.flags()));
        }
        if (!diffs.isEmpty()) {
            close();
            throw new BpfException("the map pinned at " + spec.pinning().path() + " is not compatible with "
                    + MapCreator.describe(spec) + ": " + String.join(", ", diffs)
                    + "; remove the pin or change the spec", Errno.EINVAL.number());
        }
    }

    // ---- properties --------------------------------------------------------------------------------------------

    public String name() { return name; }
    public MapType type() { return type; }
    public int typeNumber() { return typeNumber; }
    public int keySize() { return keySize; }
    public int valueSize() { return valueSize; }
    public int maxEntries() { return maxEntries; }
    public int flags() { return flags; }

    /** Bytes a value occupies in user space: {@link #valueSize()}, or one 8-aligned slot per possible CPU. */
    public int valueBufferSize() {
        return valueBufferSize;
    }

    /** The file descriptor number (owned by this object; do not close it). */
    public int fd() {
        return fd.get();
    }

    /** The kernel's id of this map. */
    public int id() {
        int i = id;
        if (i == 0) {
            i = info().id();
            id = i;
        }
        return i;
    }

    /** What the kernel reports about this map right now. */
    public MapInfo info() {
        return MapInfo.of(fd.get(), what);
    }

    // ---- element operations: segments (allocation-free) ---------------------------------------------------------

    /** Reads the value of {@code key} into {@code value}; false when the key is absent. */
    public boolean lookup(MemorySegment key, MemorySegment value) {
        return lookup(key, value, 0);
    }

    /** As {@link #lookup(MemorySegment, MemorySegment)} with flags (e.g. {@link UpdateMode#F_LOCK}). */
    public boolean lookup(MemorySegment key, MemorySegment value, long lookupFlags) {
        checkKey(key);
        checkValue(value);
        long r = elem(BpfCommand.MAP_LOOKUP_ELEM, key, value, true, lookupFlags);
        if (r == -ENOENT) return false;
        if (r < 0) throw fail(BpfCommand.MAP_LOOKUP_ELEM, r, "looking up a key in");
        NativeArgs.copyBack(value, NativeArgs.VALUE, valueBufferSize);
        return true;
    }

    /** Writes {@code value} for {@code key}. */
    public void update(MemorySegment key, MemorySegment value, UpdateMode mode) {
        update(key, value, mode.flag());
    }

    /** Writes {@code value} for {@code key} with raw flags ({@link UpdateMode#flag()} | {@link UpdateMode#F_LOCK}). */
    public void update(MemorySegment key, MemorySegment value, long updateFlags) {
        checkKey(key);
        checkValue(value);
        long r = elem(BpfCommand.MAP_UPDATE_ELEM, key, value, false, updateFlags);
        if (r < 0) throw fail(BpfCommand.MAP_UPDATE_ELEM, r, "updating");
    }

    /** Deletes {@code key}; false when it was absent. */
    public boolean delete(MemorySegment key) {
        checkKey(key);
        long r = elem(BpfCommand.MAP_DELETE_ELEM, key, null, false, 0);
        if (r == -ENOENT) return false;
        if (r < 0) throw fail(BpfCommand.MAP_DELETE_ELEM, r, "deleting a key from");
        return true;
    }

    /** Reads and deletes {@code key} atomically; false when absent. */
    public boolean lookupAndDelete(MemorySegment key, MemorySegment value) {
        checkKey(key);
        checkValue(value);
        long r = elem(BpfCommand.MAP_LOOKUP_AND_DELETE_ELEM, key, value, true, 0);
        if (r == -ENOENT) return false;
        if (r < 0) throw fail(BpfCommand.MAP_LOOKUP_AND_DELETE_ELEM, r, "looking up and deleting a key in");
        NativeArgs.copyBack(value, NativeArgs.VALUE, valueBufferSize);
        return true;
    }

    /**
     * Writes the key after {@code key} (or the first key when {@code key} is null) into {@code nextKey}; false when
     * there is none.
     */
    public boolean nextKey(MemorySegment key, MemorySegment nextKey) {
        if (key != null) checkKey(key);
        checkSegment(nextKey, keySize, "next key");
        MemorySegment a = CallScratch.get().attr(BpfAttr.ELEM_SIZE);
        a.set(JAVA_INT, BpfAttr.ELEM_MAP_FD, fd.get());
        a.set(JAVA_LONG, BpfAttr.ELEM_KEY, key == null ? 0 : NativeArgs.in(key, NativeArgs.KEY, keySize));
        a.set(JAVA_LONG, BpfAttr.ELEM_NEXT_KEY, NativeArgs.out(nextKey, NativeArgs.EXTRA, keySize));
        long r = Bpf.call(BpfCommand.MAP_GET_NEXT_KEY, a, BpfAttr.ELEM_SIZE);
        Reference.reachabilityFence(key);
        Reference.reachabilityFence(nextKey);
        if (r == -ENOENT) return false;
        if (r < 0) throw fail(BpfCommand.MAP_GET_NEXT_KEY, r, "iterating keys of");
        NativeArgs.copyBack(nextKey, NativeArgs.EXTRA, keySize);
        return true;
    }

    private long elem(BpfCommand cmd, MemorySegment key, MemorySegment value, boolean valueOut, long elemFlags) {
        MemorySegment a = CallScratch.get().attr(BpfAttr.ELEM_SIZE);
        a.set(JAVA_INT, BpfAttr.ELEM_MAP_FD, fd.get());
        a.set(JAVA_LONG, BpfAttr.ELEM_KEY, key == null ? 0 : NativeArgs.in(key, NativeArgs.KEY, keySize));
        if (value != null) {
            a.set(JAVA_LONG, BpfAttr.ELEM_VALUE, valueOut ? NativeArgs.out(value, NativeArgs.VALUE, valueBufferSize)
                    : NativeArgs.in(value, NativeArgs.VALUE, valueBufferSize));
        }
        a.set(JAVA_LONG, BpfAttr.ELEM_FLAGS, elemFlags);
        long r = Bpf.call(cmd, a, BpfAttr.ELEM_SIZE);
        Reference.reachabilityFence(key);
        Reference.reachabilityFence(value);
        return r;
    }

    // ---- element operations: byte arrays (convenient) ----------------------------------------------------------

    /** The value of {@code key}, or empty when absent. */
    public Optional<byte[]> lookup(byte[] key) {
        byte[] value = new byte[valueBufferSize];
        return lookup(MemorySegment.ofArray(checkKey(key)), MemorySegment.ofArray(value))
                ? Optional.of(value) : Optional.empty();
    }

    /** Creates or replaces {@code key}'s value. */
    public void update(byte[] key, byte[] value) {
        update(key, value, UpdateMode.ANY);
    }

    /** Writes {@code key}'s value per {@code mode}. */
    public void update(byte[] key, byte[] value, UpdateMode mode) {
        update(MemorySegment.ofArray(checkKey(key)), MemorySegment.ofArray(checkValue(value)), mode);
    }

    /** Deletes {@code key}; false when absent. */
    public boolean delete(byte[] key) {
        return delete(MemorySegment.ofArray(checkKey(key)));
    }

    /** Reads and deletes {@code key}; empty when absent. */
    public Optional<byte[]> lookupAndDelete(byte[] key) {
        byte[] value = new byte[valueBufferSize];
        return lookupAndDelete(MemorySegment.ofArray(checkKey(key)), MemorySegment.ofArray(value))
                ? Optional.of(value) : Optional.empty();
    }

    /** The key after {@code key} (the first key when null), or null at the end. */
    public byte[] nextKey(byte[] key) {
        byte[] next = new byte[keySize];
        return nextKey(key == null ? null : MemorySegment.ofArray(checkKey(key)), MemorySegment.ofArray(next))
                ? next : null;
    }

    /** The per-CPU values of {@code key} (one array of {@link #valueSize()} bytes per possible CPU), or empty. */
    public Optional<List<byte[]>> lookupPerCpu(byte[] key) {
        requirePerCpu();
        return lookup(key).map(this::splitPerCpu);
    }

    /** Writes one value per possible CPU for {@code key}. */
    public void updatePerCpu(byte[] key, List<byte[]> values, UpdateMode mode) {
        requirePerCpu();
        update(key, joinPerCpu(values), mode);
    }

    /** Splits a per-CPU value buffer into one array per possible CPU. */
    public List<byte[]> splitPerCpu(byte[] buffer) {
        requirePerCpu();
        int stride = roundUp8(valueSize);
        List<byte[]> out = new ArrayList<>(buffer.length / stride);
        for (int off = 0; off + stride <= buffer.length; off += stride) {
            out.add(java.util.Arrays.copyOfRange(buffer, off, off + valueSize));
        }
        return out;
    }

    /** Joins one value per possible CPU into the buffer layout the kernel expects. */
    public byte[] joinPerCpu(List<byte[]> values) {
        requirePerCpu();
        int cpus = Cpus.possibleCount();
        if (values.size() != cpus) {
            throw new BpfArgumentException(what + ": per-CPU update needs " + cpus + " values (one per possible CPU), got "
                    + values.size());
        }
        int stride = roundUp8(valueSize);
        byte[] buffer = new byte[valueBufferSize];
        for (int i = 0; i < cpus; i++) {
            byte[] v = values.get(i);
            if (v.length != valueSize) {
                throw new BpfArgumentException(what + ": per-CPU value " + i + " is " + v.length + " bytes, values are "
                        + valueSize + " bytes");
            }
            System.arraycopy(v, 0, buffer, i * stride, valueSize);
        }
        return buffer;
    }

    // ---- queue, stack, bloom filter ----------------------------------------------------------------------------

    /** Pushes {@code value} onto a queue or stack, or adds it to a bloom filter. */
    public void push(MemorySegment value, UpdateMode mode) {
        requireKeyless("push");
        checkValue(value);
        long r = elem(BpfCommand.MAP_UPDATE_ELEM, null, value, false, mode.flag());
        if (r < 0) throw fail(BpfCommand.MAP_UPDATE_ELEM, r, "pushing a value onto");
    }

    /** Pushes {@code value} onto a queue or stack (failing when full), or adds it to a bloom filter. */
    public void push(byte[] value) {
        push(MemorySegment.ofArray(checkValue(value)), UpdateMode.ANY);
    }

    /** Removes the head of a queue or top of a stack into {@code value}; false when empty. */
    public boolean pop(MemorySegment value) {
        requireKeyless("pop");
        checkValue(value);
        long r = elem(BpfCommand.MAP_LOOKUP_AND_DELETE_ELEM, null, value, true, 0);
        if (r == -ENOENT) return false;
        if (r < 0) throw fail(BpfCommand.MAP_LOOKUP_AND_DELETE_ELEM, r, "popping from");
        NativeArgs.copyBack(value, NativeArgs.VALUE, valueBufferSize);
        return true;
    }

    /** Pops a value; empty when the queue or stack is empty. */
    public Optional<byte[]> pop() {
        byte[] v = new byte[valueBufferSize];
        return pop(MemorySegment.ofArray(v)) ? Optional.of(v) : Optional.empty();
    }

    /** Reads the head/top without removing it; empty when empty. */
    public Optional<byte[]> peek() {
        requireKeyless("peek");
        byte[] v = new byte[valueBufferSize];
        MemorySegment seg = MemorySegment.ofArray(v);
        long r = elem(BpfCommand.MAP_LOOKUP_ELEM, null, seg, true, 0);
        if (r == -ENOENT) return Optional.empty();
        if (r < 0) throw fail(BpfCommand.MAP_LOOKUP_ELEM, r, "peeking into");
        NativeArgs.copyBack(seg, NativeArgs.VALUE, valueBufferSize);
        return Optional.of(v);
    }

    /** For a bloom filter: true when {@code value} may be present, false when it is certainly absent. */
    public boolean mayContain(byte[] value) {
        if (type != MapType.BLOOM_FILTER) throw new BpfArgumentException(what + " is not a bloom filter");
        MemorySegment seg = MemorySegment.ofArray(checkValue(value));
        long r = elem(BpfCommand.MAP_LOOKUP_ELEM, null, seg, false, 0);
        if (r == -ENOENT) return false;
        if (r < 0) throw fail(BpfCommand.MAP_LOOKUP_ELEM, r, "querying");
        return true;
    }

    // ---- iteration ---------------------------------------------------------------------------------------------

    /** Receives entries during {@link #forEach}; the segments are reused between calls: copy what you keep. */
    @FunctionalInterface
    public interface EntryVisitor {
        void visit(MemorySegment key, MemorySegment value);
    }

    /**
     * Visits every entry with get-next-key iteration, allocating only two buffers per call. Entries deleted
     * concurrently are skipped; a map that keeps changing so much that iteration cannot finish raises an error after
     * visiting far more entries than it can hold.
     */
    public void forEach(EntryVisitor visitor) {
        requireKeyed("iterate");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cur = arena.allocate(Math.max(1, keySize), 8);
            MemorySegment next = arena.allocate(Math.max(1, keySize), 8);
            MemorySegment value = arena.allocate(Math.max(1, valueBufferSize), 8);
            MemorySegment curKey = cur.asSlice(0, keySize);
            MemorySegment nextKey = next.asSlice(0, keySize);
            MemorySegment val = value.asSlice(0, valueBufferSize);
            long guard = 4L * Math.max(maxEntries, 1) + 1024;
            boolean first = true;
            while (nextKey(first ? null : curKey, nextKey)) {
                first = false;
                if (--guard < 0) {
                    throw new BpfException(what + ": the map changed too much during iteration to finish; use batch "
                            + "lookups (lookupBatch) for consistent bulk reads");
                }
                MemorySegment.copy(nextKey, 0, curKey, 0, keySize);
                if (lookup(curKey, val)) visitor.visit(curKey, val);
            }
        }
    }

    /** Every key (a snapshot taken with get-next-key iteration). */
    public List<byte[]> keys() {
        List<byte[]> keys = new ArrayList<>();
        forEach((k, v) -> keys.add(k.toArray(JAVA_BYTE)));
        return keys;
    }

    /** Every entry as key/value byte arrays. */
    public List<java.util.Map.Entry<byte[], byte[]>> entries() {
        List<java.util.Map.Entry<byte[], byte[]>> out = new ArrayList<>();
        forEach((k, v) -> out.add(java.util.Map.entry(k.toArray(JAVA_BYTE), v.toArray(JAVA_BYTE))));
        return out;
    }

    /** Iterates keys lazily. */
    public Iterator<byte[]> keyIterator() {
        requireKeyed("iterate");
        return new Iterator<>() {
            private byte[] current;
            private byte[] pending = nextKey((byte[]) null);

            @Override
            public boolean hasNext() {
                return pending != null;
            }

            @Override
            public byte[] next() {
                if (pending == null) throw new NoSuchElementException();
                current = pending;
                pending = nextKey(current);
                return current;
            }
        };
    }

    // ---- batch operations --------------------------------------------------------------------------------------

    /** Creates a cursor for {@link #lookupBatch} / {@link #lookupAndDeleteBatch} starting at the beginning. */
    public MapBatchCursor batchCursor() {
        return new MapBatchCursor(Math.max(keySize, 8));
    }

    /**
     * Reads up to {@code maxCount} entries starting at {@code cursor} into {@code keys} ({@code maxCount × keySize}
     * bytes) and {@code values} ({@code maxCount × valueBufferSize}); returns how many were read and advances the
     * cursor. {@link MapBatchCursor#isDone()} turns true once the map is exhausted.
     */
    public int lookupBatch(MapBatchCursor cursor, MemorySegment keys, MemorySegment values, int maxCount) {
        return batchRead(BpfCommand.MAP_LOOKUP_BATCH, cursor, keys, values, maxCount);
    }

    /** As {@link #lookupBatch} but deletes what it returns. */
    public int lookupAndDeleteBatch(MapBatchCursor cursor, MemorySegment keys, MemorySegment values, int maxCount) {
        return batchRead(BpfCommand.MAP_LOOKUP_AND_DELETE_BATCH, cursor, keys, values, maxCount);
    }

    /** Writes {@code count} entries; returns how many the kernel wrote. */
    public int updateBatch(MemorySegment keys, MemorySegment values, int count, UpdateMode mode) {
        requireKeyed("batch update");
        checkBatch(keys, values, count);
        MemorySegment a = batchAttr(keys, values, count, mode.flag());
        a.set(JAVA_LONG, BpfAttr.BATCH_KEYS, NativeArgs.in(keys, NativeArgs.KEY, (long) count * keySize));
        a.set(JAVA_LONG, BpfAttr.BATCH_VALUES, NativeArgs.in(values, NativeArgs.VALUE, (long) count * valueBufferSize));
        long r = Bpf.call(BpfCommand.MAP_UPDATE_BATCH, a, BpfAttr.BATCH_SIZE);
        Reference.reachabilityFence(keys);
        Reference.reachabilityFence(values);
        if (r < 0) throw batchFail(BpfCommand.MAP_UPDATE_BATCH, r, "batch-updating");
        return a.get(JAVA_INT, BpfAttr.BATCH_COUNT);
    }

    /** Deletes {@code count} keys; returns how many were deleted. */
    public int deleteBatch(MemorySegment keys, int count) {
        requireKeyed("batch delete");
        checkBatch(keys, null, count);
        MemorySegment a = batchAttr(keys, null, count, 0);
        a.set(JAVA_LONG, BpfAttr.BATCH_KEYS, NativeArgs.in(keys, NativeArgs.KEY, (long) count * keySize));
        long r = Bpf.call(BpfCommand.MAP_DELETE_BATCH, a, BpfAttr.BATCH_SIZE);
        Reference.reachabilityFence(keys);
        int done = a.get(JAVA_INT, BpfAttr.BATCH_COUNT);
        if (r < 0 && r != -ENOENT) throw batchFail(BpfCommand.MAP_DELETE_BATCH, r, "batch-deleting from");
        return done;
    }

    private int batchRead(BpfCommand cmd, MapBatchCursor cursor, MemorySegment keys, MemorySegment values,
                          int maxCount) {
        requireKeyed("batch lookup");
        checkBatch(keys, values, maxCount);
        if (cursor.isDone()) return 0;
        MemorySegment a = batchAttr(keys, values, maxCount, 0);
        a.set(JAVA_LONG, BpfAttr.BATCH_IN_BATCH, cursor.started() ? cursor.in().address() : 0);
        a.set(JAVA_LONG, BpfAttr.BATCH_OUT_BATCH, cursor.out().address());
        a.set(JAVA_LONG, BpfAttr.BATCH_KEYS, NativeArgs.out(keys, NativeArgs.KEY, (long) maxCount * keySize));
        a.set(JAVA_LONG, BpfAttr.BATCH_VALUES, NativeArgs.out(values, NativeArgs.VALUE,
                (long) maxCount * valueBufferSize));
        long r = Bpf.call(cmd, a, BpfAttr.BATCH_SIZE);
        Reference.reachabilityFence(keys);
        Reference.reachabilityFence(values);
        int n = a.get(JAVA_INT, BpfAttr.BATCH_COUNT);
        if (r < 0 && r != -ENOENT) throw batchFail(cmd, r, "batch-reading");
        NativeArgs.copyBack(keys, NativeArgs.KEY, (long) n * keySize);
        NativeArgs.copyBack(values, NativeArgs.VALUE, (long) n * valueBufferSize);
        cursor.advance(r == -ENOENT);
        return n;
    }

    private MemorySegment batchAttr(MemorySegment keys, MemorySegment values, int count, long elemFlags) {
        MemorySegment a = CallScratch.get().attr(BpfAttr.BATCH_SIZE);
        a.set(JAVA_INT, BpfAttr.BATCH_MAP_FD, fd.get());
        a.set(JAVA_INT, BpfAttr.BATCH_COUNT, count);
        a.set(JAVA_LONG, BpfAttr.BATCH_ELEM_FLAGS, elemFlags);
        return a;
    }

    private void checkBatch(MemorySegment keys, MemorySegment values, int count) {
        if (count <= 0) throw new BpfArgumentException(what + ": batch count must be positive, got " + count);
        checkSegment(keys, (long) count * keySize, "batch keys buffer (" + count + " keys)");
        if (values != null) checkSegment(values, (long) count * valueBufferSize, "batch values buffer (" + count + " values)");
    }

    private BpfException batchFail(BpfCommand cmd, long r, String doing) {
        int errno = (int) -r;
        if (errno == Errno.ENOTSUPP.number() || errno == Errno.EOPNOTSUPP.number()
                || (errno == Errno.EINVAL.number() && !supportsBatch())) {
            return new NotSupportedException("batch operations on " + MapType.describe(typeNumber) + " maps", "5.6",
                    cmd.cName() + " is not implemented for this map type; iterate with forEach instead", errno);
        }
        return fail(cmd, r, doing);
    }

    private boolean supportsBatch() {
        return switch (type) {
            case HASH, PERCPU_HASH, LRU_HASH, LRU_PERCPU_HASH, ARRAY, PERCPU_ARRAY, HASH_OF_MAPS, ARRAY_OF_MAPS,
                 LPM_TRIE -> true;
            default -> false;
        };
    }

    // ---- whole-map operations -----------------------------------------------------------------------------------

    /** Makes the map read-only for user space from now on (BPF programs can still write unless RDONLY_PROG). */
    public void freeze() {
        MemorySegment a = CallScratch.get().attr(BpfAttr.SINGLE_SIZE);
        a.set(JAVA_INT, BpfAttr.SINGLE_FD, fd.get());
        Bpf.check(BpfCommand.MAP_FREEZE, a, BpfAttr.SINGLE_SIZE, "freezing " + what);
    }

    /**
     * The map's memory mapped into this process, for arrays created with {@link MapFlags#MMAPABLE} (and arenas):
     * {@code maxEntries × roundup(valueSize, 8)} bytes, writable unless the map is frozen or read-only. The segment is
     * unmapped when the map is closed; using it afterwards raises IllegalStateException, never a crash.
     *
     * <p>An arena ({@link MapType#ARENA}, {@code maxEntries} pages) is mapped once: its address is where the
     * programs' arena pointers point, so every call returns the same segment. An arena created with an address hint
     * ({@link MapSpec#mapExtra()}) is mapped exactly there (failing rather than replacing another mapping).
     */
    public synchronized MemorySegment memory() {
        if ((flags & MapFlags.MMAPABLE) == 0) {
            throw new BpfArgumentException(what + " was not created with MapFlags.MMAPABLE, so it cannot be mapped");
        }
        if (type == MapType.ARENA && arenaMapping != null) return arenaMapping;
        long size = type == MapType.ARENA ? (long) maxEntries * PageSize.get()
                : PageSize.roundUp((long) roundUp8(valueSize) * maxEntries);
        boolean writable = (flags & MapFlags.RDONLY) == 0;
        long hint = type == MapType.ARENA ? mapExtra : 0;
        MemorySegment m = tryMap(size, writable, hint);
        if (m == null && writable) {
            writable = false;
            m = tryMap(size, false, hint);
        }
        if (m == null) {
            throw dev.ebpf4j.internal.sys.SysErrors.of("mmap of " + what
                    + (hint != 0 ? " at its address hint 0x" + Long.toHexString(hint) : ""), CallScratch.get().errno());
        }
        if (hint != 0 && m.address() != hint) {
            Libc.munmap(m, size);
            throw new BpfException("mmap of " + what + " placed it at 0x" + Long.toHexString(m.address())
                    + ", not at its address hint 0x" + Long.toHexString(hint) + " (the kernel ignored "
                    + "MAP_FIXED_NOREPLACE)");
        }
        if (mappings == null) mappings = Arena.ofShared();
        long addr = m.address();
        long len = size;
        long dataSize = type == MapType.ARENA ? size : (long) roundUp8(valueSize) * maxEntries;
        MemorySegment whole = m.reinterpret(len, mappings, seg -> Libc.munmap(MemorySegment.ofAddress(addr), len));
        MemorySegment view = whole.asSlice(0, dataSize);
        MemorySegment result = writable ? view : view.asReadOnly();
        if (type == MapType.ARENA) arenaMapping = result;
        return result;
    }

    private MemorySegment tryMap(long size, boolean writable, long hint) {
        int prot = Libc.PROT_READ | (writable ? Libc.PROT_WRITE : 0);
        int mapFlags = Libc.MAP_SHARED | (hint != 0 ? Libc.MAP_FIXED_NOREPLACE : 0);
        MemorySegment m = Libc.mmap(MemorySegment.ofAddress(hint), size, prot, mapFlags, fd.get(), 0);
        return m.address() == -1L ? null : m;
    }

    /** Pins the map at {@code path} on bpffs. */
    public void pin(Path path) {
        ObjectPins.pin(fd.get(), path, what);
    }

    /** Removes the pin at {@code path}. */
    public static void unpin(Path path) {
        ObjectPins.unpin(path);
    }

    /** Closes the fd and unmaps any {@link #memory()} segments; the kernel frees the map when nothing else uses it. */
    @Override
    public synchronized void close() {
        if (mappings != null) {
            mappings.close();
            mappings = null;
        }
        arenaMapping = null;
        fd.close();
    }

    /** True once closed. */
    public boolean isClosed() {
        return fd.isClosed();
    }

    @Override
    public String toString() {
        return what + (fd.isClosed() ? " [closed]" : " fd " + fd.get());
    }

    // ---- checks ----------------------------------------------------------------------------------------------------

    private void checkKey(MemorySegment key) {
        checkSegment(key, keySize, "key");
    }

    private void checkValue(MemorySegment value) {
        checkSegment(value, valueBufferSize, "value");
    }

    private void checkSegment(MemorySegment seg, long need, String role) {
        if (seg.byteSize() < need) {
            throw new BpfArgumentException(what + ": " + role + " buffer is " + seg.byteSize() + " bytes, needs " + need
                    + sizeHint(role));
        }
    }

    private byte[] checkKey(byte[] key) {
        if (key.length != keySize) {
            throw new BpfArgumentException(what + ": key is " + key.length + " bytes, the map's keys are " + keySize
                    + " bytes");
        }
        return key;
    }

    private byte[] checkValue(byte[] value) {
        if (value.length != valueBufferSize) {
            throw new BpfArgumentException(what + ": value is " + value.length + " bytes, the map's values are "
                    + valueBufferSize + " bytes" + sizeHint("value"));
        }
        return value;
    }

    private String sizeHint(String role) {
        return type.isPerCpu() && role.contains("value")
                ? " (per-CPU: " + roundUp8(valueSize) + " bytes × " + Cpus.possibleCount() + " possible CPUs)" : "";
    }

    private void requirePerCpu() {
        if (!type.isPerCpu()) throw new BpfArgumentException(what + " is not a per-CPU map");
    }

    private void requireKeyless(String op) {
        if (keySize != 0) {
            throw new BpfArgumentException(what + ": " + op + " is for queue, stack and bloom filter maps (keyless)");
        }
    }

    private void requireKeyed(String op) {
        if (keySize == 0) throw new BpfArgumentException(what + " has no keys, so it cannot " + op);
    }

    private BpfException fail(BpfCommand cmd, long r, String doing) {
        int errno = (int) -r;
        if (errno == Errno.EPERM.number() && writes(cmd) && isFrozen()) {
            return new BpfException(what + " is frozen: user space can no longer write to it (bpf(" + cmd.cName()
                    + ") failed with EPERM while " + doing + " it; a map is frozen with BpfMap.freeze() or "
                    + "'map freeze', or by its loader for read-only data)", errno);
        }
        String hint = switch (Errno.of(errno)) {
            case EEXIST -> " (the key exists and UpdateMode.NO_EXIST was asked)";
            case E2BIG -> " (the map is full: max entries " + maxEntries + ")";
            case ENOSPC -> " (no space left: the map is full)";
            case EPERM, EACCES -> "";
            case EINVAL -> type.takesFdValues() ? " (values of this map type are file descriptors)" : "";
            default -> "";
        };
        BpfException e = Bpf.error(cmd, errno, doing + " " + what, Capabilities.CAP_BPF);
        return hint.isEmpty() ? e : new BpfException(e.getMessage() + hint, errno);
    }

    /** The commands that change entries, which a frozen map refuses with EPERM. */
    private static boolean writes(BpfCommand cmd) {
        return switch (cmd) {
            case MAP_UPDATE_ELEM, MAP_DELETE_ELEM, MAP_LOOKUP_AND_DELETE_ELEM, MAP_UPDATE_BATCH, MAP_DELETE_BATCH,
                 MAP_LOOKUP_AND_DELETE_BATCH -> true;
            default -> false;
        };
    }

    /** True when the kernel reports the map frozen ({@code frozen: 1} in its fdinfo). */
    private boolean isFrozen() {
        return FdInfo.of(fd.get()).number("frozen", 0) != 0;
    }

    static int roundUp8(int n) {
        return (n + 7) & ~7;
    }
}
