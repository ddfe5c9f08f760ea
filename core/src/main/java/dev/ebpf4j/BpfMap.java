package dev.ebpf4j;

import dev.ebpf4j.internal.MapCreator;
import dev.ebpf4j.internal.sys.Bpf;
import dev.ebpf4j.internal.sys.BpfAttr;
import dev.ebpf4j.internal.sys.BpfCommand;
import dev.ebpf4j.internal.sys.CallScratch;
import dev.ebpf4j.internal.sys.Cpus;
import dev.ebpf4j.internal.sys.Fd;
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
    private final MapArguments args;
    private final MapBatches batches;
    private final MapMemory memory;

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
        this.args = new MapArguments(this);
        this.batches = new MapBatches(this, args);
        this.memory = new MapMemory(this);
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
        args.checkKey(key);
        args.checkValue(value);
        long r = elem(BpfCommand.MAP_LOOKUP_ELEM, key, value, true, lookupFlags);
        if (r == -ENOENT) return false;
        if (r < 0) throw args.fail(BpfCommand.MAP_LOOKUP_ELEM, r, "looking up a key in");
        NativeArgs.copyBack(value, NativeArgs.VALUE, valueBufferSize);
        return true;
    }

    /** Writes {@code value} for {@code key}. */
    public void update(MemorySegment key, MemorySegment value, UpdateMode mode) {
        update(key, value, mode.flag());
    }

    /** Writes {@code value} for {@code key} with raw flags ({@link UpdateMode#flag()} | {@link UpdateMode#F_LOCK}). */
    public void update(MemorySegment key, MemorySegment value, long updateFlags) {
        args.checkKey(key);
        args.checkValue(value);
        long r = elem(BpfCommand.MAP_UPDATE_ELEM, key, value, false, updateFlags);
        if (r < 0) throw args.fail(BpfCommand.MAP_UPDATE_ELEM, r, "updating");
    }

    /** Deletes {@code key}; false when it was absent. */
    public boolean delete(MemorySegment key) {
        args.checkKey(key);
        long r = elem(BpfCommand.MAP_DELETE_ELEM, key, null, false, 0);
        if (r == -ENOENT) return false;
        if (r < 0) throw args.fail(BpfCommand.MAP_DELETE_ELEM, r, "deleting a key from");
        return true;
    }

    /** Reads and deletes {@code key} atomically; false when absent. */
    public boolean lookupAndDelete(MemorySegment key, MemorySegment value) {
        args.checkKey(key);
        args.checkValue(value);
        long r = elem(BpfCommand.MAP_LOOKUP_AND_DELETE_ELEM, key, value, true, 0);
        if (r == -ENOENT) return false;
        if (r < 0) throw args.fail(BpfCommand.MAP_LOOKUP_AND_DELETE_ELEM, r, "looking up and deleting a key in");
        NativeArgs.copyBack(value, NativeArgs.VALUE, valueBufferSize);
        return true;
    }

    /**
     * Writes the key after {@code key} (or the first key when {@code key} is null) into {@code nextKey}; false when
     * there is none.
     */
    public boolean nextKey(MemorySegment key, MemorySegment nextKey) {
        if (key != null) args.checkKey(key);
        args.checkSegment(nextKey, keySize, "next key");
        MemorySegment a = CallScratch.get().attr(BpfAttr.ELEM_SIZE);
        a.set(JAVA_INT, BpfAttr.ELEM_MAP_FD, fd.get());
        a.set(JAVA_LONG, BpfAttr.ELEM_KEY, key == null ? 0 : NativeArgs.in(key, NativeArgs.KEY, keySize));
        a.set(JAVA_LONG, BpfAttr.ELEM_NEXT_KEY, NativeArgs.out(nextKey, NativeArgs.EXTRA, keySize));
        long r = Bpf.call(BpfCommand.MAP_GET_NEXT_KEY, a, BpfAttr.ELEM_SIZE);
        Reference.reachabilityFence(key);
        Reference.reachabilityFence(nextKey);
        if (r == -ENOENT) return false;
        if (r < 0) throw args.fail(BpfCommand.MAP_GET_NEXT_KEY, r, "iterating keys of");
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
        return lookup(MemorySegment.ofArray(args.checkKey(key)), MemorySegment.ofArray(value))
                ? Optional.of(value) : Optional.empty();
    }

    /** Creates or replaces {@code key}'s value. */
    public void update(byte[] key, byte[] value) {
        update(key, value, UpdateMode.ANY);
    }

    /** Writes {@code key}'s value per {@code mode}. */
    public void update(byte[] key, byte[] value, UpdateMode mode) {
        update(MemorySegment.ofArray(args.checkKey(key)), MemorySegment.ofArray(args.checkValue(value)), mode);
    }

    /** Deletes {@code key}; false when absent. */
    public boolean delete(byte[] key) {
        return delete(MemorySegment.ofArray(args.checkKey(key)));
    }

    /** Reads and deletes {@code key}; empty when absent. */
    public Optional<byte[]> lookupAndDelete(byte[] key) {
        byte[] value = new byte[valueBufferSize];
        return lookupAndDelete(MemorySegment.ofArray(args.checkKey(key)), MemorySegment.ofArray(value))
                ? Optional.of(value) : Optional.empty();
    }

    /** The key after {@code key} (the first key when null), or null at the end. */
    public byte[] nextKey(byte[] key) {
        byte[] next = new byte[keySize];
        return nextKey(key == null ? null : MemorySegment.ofArray(args.checkKey(key)), MemorySegment.ofArray(next))
                ? next : null;
    }

    /** The per-CPU values of {@code key} (one array of {@link #valueSize()} bytes per possible CPU), or empty. */
    public Optional<List<byte[]>> lookupPerCpu(byte[] key) {
        args.requirePerCpu();
        return lookup(key).map(this::splitPerCpu);
    }

    /** Writes one value per possible CPU for {@code key}. */
    public void updatePerCpu(byte[] key, List<byte[]> values, UpdateMode mode) {
        args.requirePerCpu();
        update(key, joinPerCpu(values), mode);
    }

    /** Splits a per-CPU value buffer into one array per possible CPU. */
    public List<byte[]> splitPerCpu(byte[] buffer) {
        args.requirePerCpu();
        return PerCpuValues.split(buffer, valueSize);
    }

    /** Joins one value per possible CPU into the buffer layout the kernel expects. */
    public byte[] joinPerCpu(List<byte[]> values) {
        args.requirePerCpu();
        return PerCpuValues.join(values, valueSize, valueBufferSize, what);
    }

    // ---- queue, stack, bloom filter ----------------------------------------------------------------------------

    /** Pushes {@code value} onto a queue or stack, or adds it to a bloom filter. */
    public void push(MemorySegment value, UpdateMode mode) {
        args.requireKeyless("push");
        args.checkValue(value);
        long r = elem(BpfCommand.MAP_UPDATE_ELEM, null, value, false, mode.flag());
        if (r < 0) throw args.fail(BpfCommand.MAP_UPDATE_ELEM, r, "pushing a value onto");
    }

    /** Pushes {@code value} onto a queue or stack (failing when full), or adds it to a bloom filter. */
    public void push(byte[] value) {
        push(MemorySegment.ofArray(args.checkValue(value)), UpdateMode.ANY);
    }

    /** Removes the head of a queue or top of a stack into {@code value}; false when empty. */
    public boolean pop(MemorySegment value) {
        args.requireKeyless("pop");
        args.checkValue(value);
        long r = elem(BpfCommand.MAP_LOOKUP_AND_DELETE_ELEM, null, value, true, 0);
        if (r == -ENOENT) return false;
        if (r < 0) throw args.fail(BpfCommand.MAP_LOOKUP_AND_DELETE_ELEM, r, "popping from");
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
        args.requireKeyless("peek");
        byte[] v = new byte[valueBufferSize];
        MemorySegment seg = MemorySegment.ofArray(v);
        long r = elem(BpfCommand.MAP_LOOKUP_ELEM, null, seg, true, 0);
        if (r == -ENOENT) return Optional.empty();
        if (r < 0) throw args.fail(BpfCommand.MAP_LOOKUP_ELEM, r, "peeking into");
        NativeArgs.copyBack(seg, NativeArgs.VALUE, valueBufferSize);
        return Optional.of(v);
    }

    /** For a bloom filter: true when {@code value} may be present, false when it is certainly absent. */
    public boolean mayContain(byte[] value) {
        if (type != MapType.BLOOM_FILTER) throw new BpfArgumentException(what + " is not a bloom filter");
        MemorySegment seg = MemorySegment.ofArray(args.checkValue(value));
        long r = elem(BpfCommand.MAP_LOOKUP_ELEM, null, seg, false, 0);
        if (r == -ENOENT) return false;
        if (r < 0) throw args.fail(BpfCommand.MAP_LOOKUP_ELEM, r, "querying");
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
        args.requireKeyed("iterate");
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
        args.requireKeyed("iterate");
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
        return batches.read(BpfCommand.MAP_LOOKUP_BATCH, cursor, keys, values, maxCount);
    }

    /** As {@link #lookupBatch} but deletes what it returns. */
    public int lookupAndDeleteBatch(MapBatchCursor cursor, MemorySegment keys, MemorySegment values, int maxCount) {
        return batches.read(BpfCommand.MAP_LOOKUP_AND_DELETE_BATCH, cursor, keys, values, maxCount);
    }

    /** Writes {@code count} entries; returns how many the kernel wrote. */
    public int updateBatch(MemorySegment keys, MemorySegment values, int count, UpdateMode mode) {
        return batches.update(keys, values, count, mode);
    }

    /** Deletes {@code count} keys; returns how many were deleted. */
    public int deleteBatch(MemorySegment keys, int count) {
        return batches.delete(keys, count);
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
    public MemorySegment memory() {
        return memory.map();
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
        memory.close();
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

    /** "map 'name' (type)", the subject of this map's error messages. */
    String what() {
        return what;
    }

    /** The address hint an arena is mapped at ({@code map_extra}); 0 for none. */
    long mapExtra() {
        return mapExtra;
    }

    static int roundUp8(int n) {
        return (n + 7) & ~7;
    }
}
