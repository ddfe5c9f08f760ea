package dev.ebpf4j;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * A global variable of a loaded {@link BpfObject}, read and written in place: through the memory-mapped global data
 * map where the map is mmap-able (always for objects loaded by ebpf4j; programs see writes immediately and vice
 * versa), else through map lookups and updates. {@code .rodata} variables are frozen after load and read-only here.
 * Typed accessors require the variable's size to match ({@code getLong} needs 8 bytes, {@code getInt} 4, ...).
 *
 * <pre>{@code
 * try (BpfObject obj = BpfObject.load(ObjectSpec.read(path))) {
 *     Variable hits = obj.variable("hits");        // long hits; in .bss
 *     obj.attachAll();
 *     ...
 *     System.out.println(hits.getLong());
 *     obj.variable("enabled").setBoolean(false);   // bool enabled = true; in .data
 * }
 * }</pre>
 */
public final class Variable {
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.nativeOrder());
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.nativeOrder());
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.nativeOrder());

    private final VariableSpec spec;
    private final BpfMap map;
    private final MemorySegment memory;

    Variable(VariableSpec spec, BpfMap map, MemorySegment mappedSection) {
        this.spec = spec;
        this.map = map;
        this.memory = mappedSection == null ? null : mappedSection.asSlice(spec.offset(), spec.size());
    }

    public String name() {
        return spec.name();
    }

    /** Where the variable lives. */
    public VariableSpec spec() {
        return spec;
    }

    /** Size in bytes. */
    public int size() {
        return spec.size();
    }

    /**
     * The variable's bytes in the mapped map (a live view, read-only for {@code .rodata}); throws
     * {@link BpfArgumentException} when the map is not mmap-able.
     */
    public MemorySegment segment() {
        if (memory == null) {
            throw new BpfArgumentException("variable '" + name() + "': " + map + " is not memory-mapped (not created "
                    + "with MapFlags.MMAPABLE); use get()/set()");
        }
        return memory;
    }

    /** A copy of the current bytes. */
    public byte[] get() {
        if (memory != null) return memory.toArray(ValueLayout.JAVA_BYTE);
        byte[] value = map.lookup(new byte[4]).orElseThrow(() -> new BpfException(map + " has no element 0"));
        byte[] out = new byte[spec.size()];
        System.arraycopy(value, spec.offset(), out, 0, out.length);
        return out;
    }

    /** Overwrites the bytes ({@code bytes.length} must equal the size). */
    public void set(byte[] bytes) {
        if (bytes.length != spec.size()) {
            throw new BpfArgumentException("variable '" + name() + "' is " + spec.size() + " bytes, got " + bytes.length);
        }
        checkWritable();
        if (memory != null) {
            MemorySegment.copy(bytes, 0, memory, ValueLayout.JAVA_BYTE, 0, bytes.length);
            return;
        }
        byte[] key = new byte[4];
        byte[] value = map.lookup(key).orElseThrow(() -> new BpfException(map + " has no element 0"));
        System.arraycopy(bytes, 0, value, spec.offset(), bytes.length);
        map.update(key, value, UpdateMode.ANY);
    }

    public long getLong() {
        need(8);
        return memory != null ? memory.get(LONG, 0) : MemorySegment.ofArray(get()).get(LONG, 0);
    }

    public int getInt() {
        need(4);
        return memory != null ? memory.get(INT, 0) : MemorySegment.ofArray(get()).get(INT, 0);
    }

    public short getShort() {
        need(2);
        return memory != null ? memory.get(SHORT, 0) : MemorySegment.ofArray(get()).get(SHORT, 0);
    }

    public byte getByte() {
        need(1);
        return get()[0];
    }

    public boolean getBoolean() {
        return getByte() != 0;
    }

    public void setLong(long v) {
        need(8);
        if (memory != null && writable()) memory.set(LONG, 0, v);
        else set(bytes(8, v));
    }

    public void setInt(int v) {
        need(4);
        if (memory != null && writable()) memory.set(INT, 0, v);
        else set(bytes(4, v));
    }

    public void setShort(short v) {
        need(2);
        set(bytes(2, v));
    }

    public void setByte(byte v) {
        need(1);
        set(new byte[]{v});
    }

    public void setBoolean(boolean v) {
        setByte((byte) (v ? 1 : 0));
    }

    private boolean writable() {
        return !spec.readOnly() && !memory.isReadOnly();
    }

    private void checkWritable() {
        if (spec.readOnly() || (memory != null && memory.isReadOnly())) {
            throw new BpfArgumentException("variable '" + name() + "' is in " + spec.section() + ", which is frozen "
                    + "after load; set it before loading with ObjectSpec.withVariable");
        }
    }

    private void need(int size) {
        if (spec.size() != size) {
            throw new BpfArgumentException("variable '" + name() + "' is " + spec.size() + " bytes, not " + size);
        }
    }

    private static byte[] bytes(int size, long v) {
        byte[] b = new byte[size];
        MemorySegment s = MemorySegment.ofArray(b);
        switch (size) {
            case 2 -> s.set(SHORT, 0, (short) v);
            case 4 -> s.set(INT, 0, (int) v);
            default -> s.set(LONG, 0, v);
        }
        return b;
    }

    @Override
    public String toString() {
        return "Variable[" + name() + " in " + spec.section() + " at " + spec.offset() + ", " + spec.size() + " bytes]";
    }
}
