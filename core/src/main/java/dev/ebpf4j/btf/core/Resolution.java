package dev.ebpf4j.btf.core;

/**
 * What one relocation does to its instruction: the value the compiler put there for the local BTF
 * ({@code expected}), the value for the target ({@code value}), whether the instruction must be poisoned instead,
 * whether {@code expected} is checked against the instruction, and — for field byte offsets of load/store
 * instructions — the local and target access sizes and whether changing the access size would be unsafe.
 *
 * @param poisonReason why the instruction is poisoned (for notes), or null
 */
record Resolution(long expected, long value, boolean poison, String poisonReason, boolean validate,
                  int expectedSize, int targetSize, boolean unsafeSizeChange) {

    static Resolution poisoned(long expected, String reason) {
        return new Resolution(expected, 0, true, reason, false, 0, 0, false);
    }

    static Resolution value(long expected, long value, boolean validate) {
        return new Resolution(expected, value, false, null, validate, 0, 0, false);
    }
}
