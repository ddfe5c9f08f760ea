package dev.ebpf4j.btf;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds BTF in Java: add types, get their ids back, write the blob. Ids are handed out in order, so a type may
 * refer to one added later through {@link #nextId()} (a struct that points to itself). Strings added with
 * {@link #addString} keep their offsets in the written blob, for records that carry string offsets
 * (line info). Not thread-safe.
 *
 * <pre>{@code
 * BtfBuilder b = new BtfBuilder();
 * int u32 = b.addInt("unsigned int", 4, BtfIntEncoding.NONE);
 * int node = b.nextId() + 1;                                   // the struct added after the pointer
 * int next = b.addPtr(node);
 * b.add(new BtfStruct("node", 16, List.of(new BtfMember("value", u32, 0, 0), new BtfMember("next", next, 64, 0))));
 * byte[] blob = b.toBytes();      // for BPF_BTF_LOAD
 * Btf btf = b.build();            // or read it back
 * }</pre>
 */
public final class BtfBuilder {
    private final Btf base;
    private final List<BtfType> types = new ArrayList<>();
    private final StringTable strings;

    /** A builder for standalone BTF (ids from 1). */
    public BtfBuilder() {
        this(null);
    }

    /** A builder for split BTF on {@code base} (ids from {@code base.typeCount()}); null means standalone. */
    public BtfBuilder(Btf base) {
        this.base = base;
        this.strings = new StringTable(base == null ? 0 : base.stringsEnd());
    }

    /** Adds a type and returns its id. */
    public int add(BtfType type) {
        if (type instanceof BtfVoid) throw new IllegalArgumentException("void is type id 0 and cannot be added");
        int id = nextId();
        types.add(java.util.Objects.requireNonNull(type, "type"));
        return id;
    }

    /** Adds an ordinary integer type. */
    public int addInt(String name, int size, BtfIntEncoding encoding) {
        return add(new BtfInt(name, size, encoding));
    }

    /** Adds an anonymous pointer to {@code typeId}. */
    public int addPtr(int typeId) {
        return add(new BtfPtr(typeId));
    }

    /** The id the next {@link #add} will return. */
    public int nextId() {
        return (base == null ? 1 : base.typeCount()) + types.size();
    }

    /** Adds a string to the string table (once) and returns its offset in the written blob. */
    public long addString(String s) {
        return strings.add(s);
    }

    /** The types added so far, in id order. */
    public List<BtfType> types() {
        return List.copyOf(types);
    }

    /** Writes the blob (little-endian). */
    public byte[] toBytes() {
        return BtfWriter.encode(types, base, strings);
    }

    /** Writes the blob and parses it back. */
    public Btf build() {
        return Btf.parse(toBytes(), "BtfBuilder", base);
    }
}
