package dev.ebpf4j.btf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Serialises types into a little-endian BTF blob: header, type section (type ids in list order, from 1 — or from
 * the base's {@link Btf#typeCount()} for split BTF), string section with each string once. Checks that the types fit
 * the encoding and refer only to ids that exist, so what it writes always parses:
 * {@code Btf.parse(BtfWriter.write(types)).types().equals(types)}.
 *
 * <pre>{@code
 * byte[] blob = BtfWriter.write(List.of(
 *         new BtfInt("int", 4, BtfIntEncoding.SIGNED),                  // [1]
 *         new BtfPtr(1)));                                              // [2] int *
 * byte[] again = BtfWriter.write(Btf.parse(blob));                      // the same types
 * }</pre>
 */
public final class BtfWriter {
    private BtfWriter() {
    }

    /** A standalone blob with {@code types} as ids 1, 2, …. */
    public static byte[] write(List<? extends BtfType> types) {
        return write(types, null);
    }

    /** A blob with {@code types}; split on {@code base} when it is not null. */
    public static byte[] write(List<? extends BtfType> types, Btf base) {
        return encode(types, base, new StringTable(base == null ? 0 : base.stringsEnd()));
    }

    /** A blob with {@code btf}'s own types (split on its base, if it has one). */
    public static byte[] write(Btf btf) {
        return write(btf.types(), btf.base().orElse(null));
    }

    static byte[] encode(List<? extends BtfType> types, Btf base, StringTable strings) {
        int firstId = base == null ? 1 : base.typeCount();
        long limit = (long) firstId + types.size();
        if (limit > Integer.MAX_VALUE) throw new IllegalArgumentException("too many types: " + types.size());
        Out out = new Out();
        for (int i = 0; i < types.size(); i++) {
            BtfType t = types.get(i);
            try {
                encodeType(t, out, strings, limit);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("type [" + (firstId + i) + "] " + t.kind() + " '" + t.name()
                        + "': " + e.getMessage(), e);
            }
        }
        byte[] typeBytes = out.toBytes();
        byte[] stringBytes = strings.toBytes();
        ByteBuffer blob = ByteBuffer.allocate(BtfHeader.KNOWN_LENGTH + typeBytes.length + stringBytes.length)
                .order(ByteOrder.LITTLE_ENDIAN);
        blob.putShort((short) BtfBytes.MAGIC).put((byte) 1).put((byte) 0).putInt(BtfHeader.KNOWN_LENGTH)
                .putInt(0).putInt(typeBytes.length).putInt(typeBytes.length).putInt(stringBytes.length)
                .put(typeBytes).put(stringBytes);
        return blob.array();
    }

    private static void encodeType(BtfType type, Out out, StringTable strings, long limit) {
        long name = strings.add(type.name());
        // An instanceof chain rather than a pattern switch: the switch's bootstrap costs ms at start-up, and
        // every object load writes BTF. The last branch keeps it exhaustive over the sealed BtfType.
        if (type instanceof BtfVoid) {
            throw new IllegalArgumentException("void is type id 0 and has no record");
        } else if (type instanceof BtfInt t) {
            header(out, name, BtfKind.INT, 0, false, t.size());
            out.i32(t.encoding().value() << 24 | t.bitOffset() << 16 | t.bits());
        } else if (type instanceof BtfPtr t) {
            header(out, name, BtfKind.PTR, 0, false, ref(t.typeId(), limit));
        } else if (type instanceof BtfModifier t) {
            header(out, name, t.kind(), 0, false, ref(t.typeId(), limit));
        } else if (type instanceof BtfArray t) {
            header(out, name, BtfKind.ARRAY, 0, false, 0);
            out.i32(ref(t.elementTypeId(), limit)).i32(ref(t.indexTypeId(), limit)).i32(t.length());
        } else if (type instanceof BtfComposite t) {
            boolean kflag = t.hasBitfieldMembers();
            header(out, name, t.kind(), t.members().size(), kflag, t.size());
            for (BtfMember m : t.members()) {
                if (kflag && m.bitOffsetUnsigned() > 0xffffff) {
                    throw new IllegalArgumentException("member '" + m.name() + "' bit offset " + m.bitOffset()
                            + " does not fit the 24 bits left beside bitfield sizes");
                }
                out.i32(strings.add(m.name())).i32(ref(m.typeId(), limit))
                        .i32(kflag ? m.bitfieldSize() << 24 | m.bitOffset() : m.bitOffset());
            }
        } else if (type instanceof BtfEnum t) {
            header(out, name, BtfKind.ENUM, t.values().size(), t.signed(), t.size());
            for (BtfEnumValue v : t.values()) out.i32(strings.add(v.name())).i32((int) v.value());
        } else if (type instanceof BtfEnum64 t) {
            header(out, name, BtfKind.ENUM64, t.values().size(), t.signed(), t.size());
            for (BtfEnumValue v : t.values()) {
                out.i32(strings.add(v.name())).i32((int) v.value()).i32((int) (v.value() >>> 32));
            }
        } else if (type instanceof BtfFwd t) {
            header(out, name, BtfKind.FWD, 0, t.union(), 0);
        } else if (type instanceof BtfFunc t) {
            header(out, name, BtfKind.FUNC, t.linkage().value(), false, ref(t.typeId(), limit));
        } else if (type instanceof BtfFuncProto t) {
            header(out, name, BtfKind.FUNC_PROTO, t.vlen(), false, ref(t.returnTypeId(), limit));
            for (BtfParam p : t.params()) out.i32(strings.add(p.name())).i32(ref(p.typeId(), limit));
            if (t.variadic()) out.i32(0).i32(0);
        } else if (type instanceof BtfVar t) {
            header(out, name, BtfKind.VAR, 0, false, ref(t.typeId(), limit));
            out.i32(t.linkage().value());
        } else if (type instanceof BtfDatasec t) {
            header(out, name, BtfKind.DATASEC, t.vars().size(), false, t.size());
            for (BtfVarSecinfo v : t.vars()) out.i32(ref(v.typeId(), limit)).i32(v.offset()).i32(v.size());
        } else if (type instanceof BtfFloat t) {
            header(out, name, BtfKind.FLOAT, 0, false, t.size());
        } else if (type instanceof BtfDeclTag t) {
            header(out, name, BtfKind.DECL_TAG, 0, false, ref(t.typeId(), limit));
            out.i32(t.componentIndex());
        } else {
            throw new IllegalStateException("unhandled BTF type " + type.getClass().getSimpleName());
        }
    }

    private static void header(Out out, long name, BtfKind kind, int vlen, boolean kflag, int sizeOrType) {
        out.i32(name).i32((kflag ? 1 << 31 : 0) | kind.value() << 24 | vlen).i32(sizeOrType);
    }

    private static int ref(int id, long limit) {
        if (id >= limit) throw new IllegalArgumentException("refers to type id " + id + ", but the last id is "
                + (limit - 1));
        return id;
    }

    /** A growable little-endian int buffer. */
    private static final class Out {
        private ByteBuffer buffer = ByteBuffer.allocate(256).order(ByteOrder.LITTLE_ENDIAN);

        Out i32(long value) {
            if (buffer.remaining() < 4) {
                ByteBuffer bigger = ByteBuffer.allocate(buffer.capacity() * 2).order(ByteOrder.LITTLE_ENDIAN);
                buffer.flip();
                bigger.put(buffer);
                buffer = bigger;
            }
            buffer.putInt((int) value);
            return this;
        }

        byte[] toBytes() {
            byte[] result = new byte[buffer.position()];
            buffer.get(0, result);
            return result;
        }
    }
}
