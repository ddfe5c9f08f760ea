package dev.ebpf4j.btf;

import java.util.Arrays;

/**
 * The one pass over a type section that makes the rest of {@link Btf} safe: it records where each type record starts
 * and checks every record structurally — known kind, record inside the type section, name and member/value/param
 * name offsets inside the string table, every referenced type id below the final type count, INT encodings, FUNC and
 * VAR linkages. After it, decoding any record cannot fail. Loops between types are legal at this level (a struct
 * points to itself) and are left to the helpers that follow chains, which bound their steps.
 *
 * <p>Speed matters (vmlinux has ~150k types, parsed at tool start-up while the JIT has not compiled anything yet): the
 * hot loop reads plain ints from one copy of the section and keeps just the largest name offset and type id seen;
 * only when one of them is out of range does a second pass find the first offending field to name it in the error.
 */
final class BtfIndexer {
    /** Per kind value: bytes between vlen entries' start and their name offset / type id fields, or -1. */
    private static final int[] ENTRY_NAME_AT = new int[BtfKind.values().length];
    private static final int[] ENTRY_REF_AT = new int[BtfKind.values().length];
    /** Per kind value: record bytes after the header that do not depend on vlen, and bytes per vlen entry. */
    private static final int[] FIXED = new int[BtfKind.values().length];
    private static final int[] PER_VLEN = new int[BtfKind.values().length];
    private static final int KINDS = BtfKind.values().length;

    static {
        for (BtfKind k : BtfKind.values()) {
            FIXED[k.value()] = BtfKind.HEADER_BYTES + k.fixedBytes();
            PER_VLEN[k.value()] = k.bytesPerVlen();
        }
        Arrays.fill(ENTRY_NAME_AT, -1);
        Arrays.fill(ENTRY_REF_AT, -1);
        for (BtfKind k : new BtfKind[]{BtfKind.STRUCT, BtfKind.UNION, BtfKind.FUNC_PROTO}) {
            ENTRY_NAME_AT[k.value()] = 0;
            ENTRY_REF_AT[k.value()] = 4;
        }
        ENTRY_NAME_AT[BtfKind.ENUM.value()] = 0;
        ENTRY_NAME_AT[BtfKind.ENUM64.value()] = 0;
        ENTRY_REF_AT[BtfKind.DATASEC.value()] = 0;
    }

    private final BtfBytes b;
    private final int firstId;
    private final long stringsEnd;

    private BtfIndexer(BtfBytes b, int firstId, long stringsEnd) {
        this.b = b;
        this.firstId = firstId;
        this.stringsEnd = stringsEnd;
    }

    /** The record offsets of all types in the section ({@code offsets.length} may exceed {@code count}). */
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
        long start = h.typeStart();
        long end = h.typeEnd();
        // Every field the loop reads is a 4-byte word at a multiple of 4 from the section start (records and their
        // entries are whole words). Reading them from an int[] copy (byte order fixed by the copy) rather than through
        // the segment keeps the pass fast before the JIT has compiled it, which is the common case: a tool parses
        // vmlinux once, at start-up.
        int[] w = b.words(start, (end - start) >>> 2);
        int[] offsets = new int[(int) Math.min(h.typeLength() / 32 + 16, 1 << 20)];
        int n = 0;
        long maxName = 0;
        long maxRef = 0;
        long pos = start;
        while (pos < end) {
            if (end - pos < BtfKind.HEADER_BYTES) {
                throw b.error(pos, "type [" + (firstId + n) + "]: record header truncated, " + (end - pos)
                        + " bytes left in the type section");
            }
            int at = (int) ((pos - start) >>> 2);
            int info = w[at + 1];
            int kindValue = (info >>> 24) & 0x1f;
            int vlen = info & 0xffff;
            if (kindValue == 0 || kindValue >= KINDS) {
                throw b.error(pos + 4, "type [" + (firstId + n) + "]: unknown kind " + kindValue);
            }
            int stride = PER_VLEN[kindValue];
            long size = FIXED[kindValue] + (long) vlen * stride;
            if (size > end - pos) {
                throw b.error(pos, "type [" + (firstId + n) + "] " + BtfKind.of(kindValue) + " with vlen=" + vlen
                        + " needs " + size + " bytes but only " + (end - pos) + " remain in the type section");
            }
            maxName = Math.max(maxName, Integer.toUnsignedLong(w[at]));
            int p = at + BtfKind.HEADER_BYTES / 4;
            switch (kindValue) {
                case 1 -> checkEncoding(w[p], pos + BtfKind.HEADER_BYTES, firstId + n);          // INT
                case 2, 8, 9, 10, 11, 13, 17, 18 -> maxRef = Math.max(maxRef, Integer.toUnsignedLong(w[at + 2]));
                case 12 -> {                                                                  // FUNC
                    maxRef = Math.max(maxRef, Integer.toUnsignedLong(w[at + 2]));
                    if (BtfLinkage.of(vlen) == null) {
                        throw b.error(pos + 4, "type [" + (firstId + n) + "] FUNC: linkage " + vlen
                                + " is not static, global or extern");
                    }
                }
                case 14 -> {                                                                  // VAR
                    maxRef = Math.max(maxRef, Integer.toUnsignedLong(w[at + 2]));
                    long linkage = Integer.toUnsignedLong(w[p]);
                    if (BtfLinkage.of(linkage) == null) {
                        throw b.error(pos + BtfKind.HEADER_BYTES, "type [" + (firstId + n) + "] VAR: linkage "
                                + linkage + " is not static, global or extern");
                    }
                }
                case 3 -> maxRef = Math.max(maxRef,                                           // ARRAY
                        Math.max(Integer.toUnsignedLong(w[p]), Integer.toUnsignedLong(w[p + 1])));
                default -> {
                }
            }
            if (vlen != 0 && stride != 0) {
                int nameAt = ENTRY_NAME_AT[kindValue];
                int refAt = ENTRY_REF_AT[kindValue];
                int words = stride >>> 2;
                int entriesEnd = p + vlen * words;
                if (nameAt >= 0) {
                    for (int e = p + (nameAt >>> 2); e < entriesEnd; e += words) {
                        maxName = Math.max(maxName, Integer.toUnsignedLong(w[e]));
                    }
                }
                if (refAt >= 0) {
                    for (int e = p + (refAt >>> 2); e < entriesEnd; e += words) {
                        maxRef = Math.max(maxRef, Integer.toUnsignedLong(w[e]));
                    }
                }
            }
            if (n == offsets.length) offsets = Arrays.copyOf(offsets, n + (n >> 1) + 16);
            offsets[n++] = (int) pos;
            pos += size;
        }
        long limit = (long) firstId + n;
        if (limit > Integer.MAX_VALUE) throw b.error(h.typeStart(), "more types than type ids");
        if (maxName >= stringsEnd || maxRef >= limit) findBadField(offsets, n, limit);
        return new Index(offsets, n);
    }

    private void checkEncoding(int word, long at, int id) {
        int encoding = (word >>> 24) & 0x0f;
        if (BtfIntEncoding.of(encoding) == null) {
            throw b.error(at, "type [" + id + "] INT: encoding " + encoding
                    + " is not one of none, SIGNED, CHAR, BOOL");
        }
    }

    /** Second, slow pass: throws for the first name offset or type id out of range, in record order. */
    private void findBadField(int[] offsets, int n, long limit) {
        for (int i = 0; i < n; i++) {
            long pos = offsets[i];
            int id = firstId + i;
            int info = b.i32(pos + 4);
            int kindValue = (info >>> 24) & 0x1f;
            BtfKind kind = BtfKind.of(kindValue);
            int vlen = info & 0xffff;
            name(pos, id, kind, "name", -1);
            long p = pos + BtfKind.HEADER_BYTES;
            switch (kind) {
                case PTR, TYPEDEF, VOLATILE, CONST, RESTRICT, TYPE_TAG, DECL_TAG, FUNC_PROTO, FUNC, VAR ->
                        ref(pos + 8, id, kind, limit);
                case ARRAY -> {
                    ref(p, id, kind, limit);
                    ref(p + 4, id, kind, limit);
                }
                default -> {
                }
            }
            int stride = kind.bytesPerVlen();
            for (int e = 0; stride != 0 && e < vlen; e++, p += stride) {
                String what = kind == BtfKind.STRUCT || kind == BtfKind.UNION ? "member"
                        : kind == BtfKind.FUNC_PROTO ? "param" : kind == BtfKind.DATASEC ? "variable" : "value";
                if (ENTRY_NAME_AT[kindValue] >= 0) name(p + ENTRY_NAME_AT[kindValue], id, kind, what, e);
                if (ENTRY_REF_AT[kindValue] >= 0) ref(p + ENTRY_REF_AT[kindValue], id, kind, limit);
            }
        }
        throw new IllegalStateException("a name offset or type id was out of range but no field was");
    }

    private void name(long at, int id, BtfKind kind, String what, int index) {
        long off = b.u32(at);
        if (off >= stringsEnd) {
            throw b.error(at, "type [" + id + "] " + kind + ": " + what + (index < 0 ? "" : " " + index + " name")
                    + " offset " + off + " is outside the string section (" + stringsEnd + " bytes)");
        }
    }

    private void ref(long at, int id, BtfKind kind, long limit) {
        long ref = b.u32(at);
        if (ref >= limit) {
            throw b.error(at, "type [" + id + "] " + kind + " refers to type id " + ref + ", but the last type id is "
                    + (limit - 1));
        }
    }
}
