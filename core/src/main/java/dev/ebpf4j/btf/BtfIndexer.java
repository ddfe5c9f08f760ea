package dev.ebpf4j.btf;

import java.util.Arrays;

/**
 * The one pass over a type section that makes the rest of {@link Btf} safe: it records where each type record starts
 * and checks every record structurally — known kind, record inside the type section, name and member/value/param
 * name offsets inside the string table, every referenced type id below the final type count, INT encodings, FUNC and
 * VAR linkages. It reads integers only (no strings, no objects), so indexing a 6 MB vmlinux BTF is cheap. After it,
 * decoding any record cannot fail. Loops between types are legal at this level (a struct points to itself) and are
 * left to the helpers that follow chains, which bound their steps.
 */
final class BtfIndexer {
    private final BtfBytes b;
    private final int firstId;
    private final long stringsEnd;
    private long maxRef;
    private long maxRefAt = -1;
    private int maxRefOwner;

    private BtfIndexer(BtfBytes b, int firstId, long stringsEnd) {
        this.b = b;
        this.firstId = firstId;
        this.stringsEnd = stringsEnd;
    }

    /** The record offsets of all types in the section ({@code result.length} may exceed the count; see count). */
    record Index(int[] offsets, int count) {
    }

    /**
     * Indexes and checks the type section of {@code h}. Type ids start at {@code firstId}; name offsets must be
     * below {@code stringsEnd} (base strings plus this blob's own).
     */
    static Index index(BtfBytes b, BtfHeader h, int firstId, long stringsEnd) {
        return new BtfIndexer(b, firstId, stringsEnd).run(h);
    }

    private Index run(BtfHeader h) {
        long pos = h.typeStart();
        long end = h.typeEnd();
        int[] offsets = new int[(int) Math.min(h.typeLength() / 32 + 16, 1 << 20)];
        int n = 0;
        while (pos < end) {
            int id = firstId + n;
            if (id == Integer.MAX_VALUE) throw b.error(pos, "more types than type ids");
            if (end - pos < BtfKind.HEADER_BYTES) {
                throw b.error(pos, "type [" + id + "]: record header truncated, " + (end - pos)
                        + " bytes left in the type section");
            }
            int info = b.i32(pos + 4);
            int kindValue = (info >>> 24) & 0x1f;
            BtfKind kind = BtfKind.of(kindValue);
            if (kind == null || kind == BtfKind.VOID) {
                throw b.error(pos + 4, "type [" + id + "]: unknown kind " + kindValue);
            }
            int vlen = info & 0xffff;
            long size = kind.recordSize(vlen);
            if (size > end - pos) {
                throw b.error(pos, "type [" + id + "] " + kind + " with vlen=" + vlen + " needs " + size
                        + " bytes but only " + (end - pos) + " remain in the type section");
            }
            name(pos, id, kind, "name");
            check(pos, id, kind, vlen);
            if (n == offsets.length) offsets = Arrays.copyOf(offsets, n + (n >> 1) + 16);
            offsets[n++] = (int) pos;
            pos += size;
        }
        long limit = (long) firstId + n;
        if (maxRef >= limit) {
            throw b.error(maxRefAt, "type [" + maxRefOwner + "] refers to type id " + maxRef
                    + ", but the last type id is " + (limit - 1));
        }
        return new Index(offsets, n);
    }

    private void check(long pos, int id, BtfKind kind, int vlen) {
        long p = pos + BtfKind.HEADER_BYTES;
        switch (kind) {
            case INT -> {
                int encoding = (b.i32(p) >>> 24) & 0x0f;
                if (BtfIntEncoding.of(encoding) == null) {
                    throw b.error(p, "type [" + id + "] INT: encoding " + encoding
                            + " is not one of none, SIGNED, CHAR, BOOL");
                }
            }
            case PTR, TYPEDEF, VOLATILE, CONST, RESTRICT, TYPE_TAG, DECL_TAG -> ref(pos + 8, id);
            case FUNC -> {
                ref(pos + 8, id);
                if (BtfLinkage.of(vlen) == null) throw b.error(pos + 4, "type [" + id + "] FUNC: linkage " + vlen
                        + " is not static, global or extern");
            }
            case VAR -> {
                ref(pos + 8, id);
                long linkage = b.u32(p);
                if (BtfLinkage.of(linkage) == null) throw b.error(p, "type [" + id + "] VAR: linkage " + linkage
                        + " is not static, global or extern");
            }
            case ARRAY -> {
                ref(p, id);
                ref(p + 4, id);
            }
            case STRUCT, UNION -> {
                for (int i = 0; i < vlen; i++, p += 12) {
                    name(p, id, kind, "member " + i + " name");
                    ref(p + 4, id);
                }
            }
            case ENUM -> {
                for (int i = 0; i < vlen; i++, p += 8) name(p, id, kind, "value " + i + " name");
            }
            case ENUM64 -> {
                for (int i = 0; i < vlen; i++, p += 12) name(p, id, kind, "value " + i + " name");
            }
            case FUNC_PROTO -> {
                ref(pos + 8, id);
                for (int i = 0; i < vlen; i++, p += 8) {
                    name(p, id, kind, "param " + i + " name");
                    ref(p + 4, id);
                }
            }
            case DATASEC -> {
                for (int i = 0; i < vlen; i++, p += 12) ref(p, id);
            }
            case FWD, FLOAT, VOID -> {
            }
        }
    }

    private void name(long at, int id, BtfKind kind, String what) {
        long off = b.u32(at);
        if (off >= stringsEnd) {
            throw b.error(at, "type [" + id + "] " + kind + ": " + what + " offset " + off
                    + " is outside the string section (" + stringsEnd + " bytes)");
        }
    }

    private void ref(long at, int owner) {
        long ref = b.u32(at);
        if (ref > maxRef) {
            maxRef = ref;
            maxRefAt = at;
            maxRefOwner = owner;
        }
    }
}
