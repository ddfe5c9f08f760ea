package dev.ebpf4j.asm;

/**
 * The eleven BPF registers. R0 holds return values, R1-R5 arguments, R6-R9 are callee-saved, R10 is the read-only
 * frame pointer.
 *
 * <pre>{@code
 * Asm a = new Asm().mov64(Register.R0, 0).exit();
 * }</pre>
 */
public enum Register {
    R0, R1, R2, R3, R4, R5, R6, R7, R8, R9, R10;

    /** The frame pointer (R10). */
    public static final Register FP = R10;

    private static final Register[] ALL = values();

    /** The register's number, 0..10. */
    public int number() {
        return ordinal();
    }

    /** The register with number {@code n}; throws for numbers outside 0..10. */
    public static Register of(int n) {
        if (n < 0 || n >= ALL.length) throw new IllegalArgumentException("no BPF register r" + n + " (r0..r10 exist)");
        return ALL[n];
    }

    @Override
    public String toString() {
        return "r" + ordinal();
    }
}
