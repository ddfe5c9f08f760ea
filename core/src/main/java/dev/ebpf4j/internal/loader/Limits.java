package dev.ebpf4j.internal.loader;

/**
 * Sanity limits that keep malformed objects from exhausting memory: far above anything clang produces for a
 * program the kernel could load (the verifier's limit is one million instructions).
 *
 * <pre>{@code
 * if (slots > Limits.MAX_PROGRAM_SLOTS) throw ...;
 * }</pre>
 */
public final class Limits {
    /** Largest executable section, in 8-byte slots. */
    public static final int MAX_SECTION_SLOTS = 1 << 22;
    /** Largest linked program (program plus the subprograms it calls), in slots. */
    public static final int MAX_PROGRAM_SLOTS = 1 << 22;
    /** Largest total of linked instructions over all programs of one object. */
    public static final long MAX_TOTAL_SLOTS = 1L << 25;
    /** Deepest nesting of map-in-map definitions and BTF type chains followed while parsing maps. */
    public static final int MAX_DEPTH = 32;
    /** Largest initial {@code values} array of a BTF-defined map. */
    public static final int MAX_INITIAL_SLOTS = 1 << 20;

    private Limits() {
    }
}
