package dev.ebpf4j.btf;

/**
 * The kinds of BTF type records, with their encoded value and record layout: every record is a 12-byte header
 * ({@code name_off}, {@code info}, {@code size} or {@code type}) followed by {@link #fixedBytes()} bytes and then
 * {@code vlen × }{@link #bytesPerVlen()} bytes. {@link #VOID} is not a record kind: it stands for type id 0.
 *
 * <p>The constant names are the ones {@code bpftool btf dump} prints.
 *
 * <pre>{@code
 * BtfKind k = BtfKind.of(4);                 // STRUCT
 * long recordSize = k.recordSize(3);         // 12 + 3 × 12 = 48
 * }</pre>
 */
public enum BtfKind {
    //          value fixed perVlen usesSize
    VOID(0, 0, 0, false),
    INT(1, 4, 0, true),
    PTR(2, 0, 0, false),
    ARRAY(3, 12, 0, false),
    STRUCT(4, 0, 12, true),
    UNION(5, 0, 12, true),
    ENUM(6, 0, 8, true),
    FWD(7, 0, 0, false),
    TYPEDEF(8, 0, 0, false),
    VOLATILE(9, 0, 0, false),
    CONST(10, 0, 0, false),
    RESTRICT(11, 0, 0, false),
    /** vlen holds the linkage, not a count. */
    FUNC(12, 0, 0, false),
    FUNC_PROTO(13, 0, 8, false),
    VAR(14, 4, 0, false),
    DATASEC(15, 0, 12, true),
    FLOAT(16, 0, 0, true),
    DECL_TAG(17, 4, 0, false),
    TYPE_TAG(18, 0, 0, false),
    ENUM64(19, 0, 12, true);

    /** Size of the common record header: name_off, info, size/type. */
    public static final int HEADER_BYTES = 12;

    private static final BtfKind[] BY_VALUE = values();

    private final int value;
    private final int fixedBytes;
    private final int bytesPerVlen;
    private final boolean usesSize;

    BtfKind(int value, int fixedBytes, int bytesPerVlen, boolean usesSize) {
        this.value = value;
        this.fixedBytes = fixedBytes;
        this.bytesPerVlen = bytesPerVlen;
        this.usesSize = usesSize;
    }

    /** The kind for an encoded value, or {@code null} when the value is not a known kind (0 gives {@link #VOID}). */
    public static BtfKind of(int value) {
        return value >= 0 && value < BY_VALUE.length ? BY_VALUE[value] : null;
    }

    /** The value encoded in bits 24..28 of a record's {@code info} word. */
    public int value() {
        return value;
    }

    /** Bytes that follow the 12-byte header regardless of vlen (INT: 4, ARRAY: 12, VAR: 4, DECL_TAG: 4). */
    public int fixedBytes() {
        return fixedBytes;
    }

    /** Bytes per vlen entry after the fixed part (members, enum values, params, secinfos); 0 when vlen is no count. */
    public int bytesPerVlen() {
        return bytesPerVlen;
    }

    /** True when the header's third word is a byte size; false when it is a type id. */
    public boolean usesSize() {
        return usesSize;
    }

    /** The full record size in bytes for the given vlen. */
    public long recordSize(int vlen) {
        return HEADER_BYTES + fixedBytes + (long) vlen * bytesPerVlen;
    }
}
