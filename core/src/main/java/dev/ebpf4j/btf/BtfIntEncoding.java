package dev.ebpf4j.btf;

/**
 * How an {@link BtfInt} is interpreted. The encoded values are bit flags, but at most one may be set.
 *
 * <pre>{@code
 * new BtfInt("_Bool", 1, BtfIntEncoding.BOOL);
 * }</pre>
 */
public enum BtfIntEncoding {
    /** Unsigned. */
    NONE(0, "(none)"),
    SIGNED(1, "SIGNED"),
    /** A character type (for pretty printing). */
    CHAR(2, "CHAR"),
    BOOL(4, "BOOL");

    private final int value;
    private final String label;

    BtfIntEncoding(int value, String label) {
        this.value = value;
        this.label = label;
    }

    /** The encoding for the 4-bit encoding field, or {@code null} when it is not exactly one known flag (or none). */
    public static BtfIntEncoding of(int value) {
        return switch (value) {
            case 0 -> NONE;
            case 1 -> SIGNED;
            case 2 -> CHAR;
            case 4 -> BOOL;
            default -> null;
        };
    }

    /** The encoded value. */
    public int value() {
        return value;
    }

    /** The label bpftool prints ({@code (none)}, {@code SIGNED}, {@code CHAR}, {@code BOOL}). */
    public String label() {
        return label;
    }
}
