package dev.ebpf4j.btf;

/**
 * What a CO-RE relocation asks about ({@code enum bpf_core_relo_kind}).
 *
 * <pre>{@code
 * if (relo.kind() == BtfCoreReloKind.FIELD_BYTE_OFFSET) { ... }
 * }</pre>
 */
public enum BtfCoreReloKind {
    FIELD_BYTE_OFFSET,
    FIELD_BYTE_SIZE,
    FIELD_EXISTS,
    FIELD_SIGNED,
    FIELD_LSHIFT_U64,
    FIELD_RSHIFT_U64,
    TYPE_ID_LOCAL,
    TYPE_ID_TARGET,
    TYPE_EXISTS,
    TYPE_SIZE,
    ENUMVAL_EXISTS,
    ENUMVAL_VALUE,
    TYPE_MATCHES;

    private static final BtfCoreReloKind[] BY_VALUE = values();

    /** The kind for an encoded value, or {@code null} when unknown. */
    public static BtfCoreReloKind of(long value) {
        return value >= 0 && value < BY_VALUE.length ? BY_VALUE[(int) value] : null;
    }

    /** The encoded value. */
    public int value() {
        return ordinal();
    }

    /** True for the kinds about a struct/union member (access string ends at a member). */
    public boolean isFieldBased() {
        return ordinal() <= FIELD_RSHIFT_U64.ordinal();
    }

    /** True for the kinds about a whole type. */
    public boolean isTypeBased() {
        return this == TYPE_ID_LOCAL || this == TYPE_ID_TARGET || this == TYPE_EXISTS || this == TYPE_SIZE
                || this == TYPE_MATCHES;
    }

    /** True for the kinds about an enumerator. */
    public boolean isEnumValueBased() {
        return this == ENUMVAL_EXISTS || this == ENUMVAL_VALUE;
    }
}
