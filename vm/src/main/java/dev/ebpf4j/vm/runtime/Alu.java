package dev.ebpf4j.vm.runtime;

/**
 * The arithmetic whose BPF meaning differs from Java's, shared by the interpreter and JIT-compiled code: division by
 * zero gives 0, modulo by zero leaves the dividend (32-bit forms zero-extend), {@code INT_MIN / -1} is
 * {@code INT_MIN} and {@code INT_MIN % -1} is 0, byte swaps and sign extensions.
 *
 * <pre>{@code
 * Alu.udiv64(10, 0);   // 0
 * Alu.umod32(7, 0);    // 7
 * }</pre>
 */
public final class Alu {
    private Alu() {
    }

    private static final long LOW = 0xffffffffL;

    public static long udiv64(long a, long b) {
        return b == 0 ? 0 : Long.divideUnsigned(a, b);
    }

    public static long umod64(long a, long b) {
        return b == 0 ? a : Long.remainderUnsigned(a, b);
    }

    public static long sdiv64(long a, long b) {
        return b == 0 ? 0 : b == -1 ? -a : a / b;
    }

    public static long smod64(long a, long b) {
        return b == 0 ? a : b == -1 ? 0 : a % b;
    }

    public static long udiv32(long a, long b) {
        int y = (int) b;
        return y == 0 ? 0 : Integer.divideUnsigned((int) a, y) & LOW;
    }

    public static long umod32(long a, long b) {
        int y = (int) b;
        return y == 0 ? a & LOW : Integer.remainderUnsigned((int) a, y) & LOW;
    }

    public static long sdiv32(long a, long b) {
        int y = (int) b;
        return y == 0 ? 0 : y == -1 ? (-(int) a) & LOW : ((int) a / y) & LOW;
    }

    public static long smod32(long a, long b) {
        int y = (int) b;
        return y == 0 ? a & LOW : y == -1 ? 0 : ((int) a % y) & LOW;
    }

    /** {@code le}: truncate to {@code bits} (the VM is little-endian). */
    public static long toLe(long v, int bits) {
        return switch (bits) {
            case 16 -> v & 0xffff;
            case 32 -> v & LOW;
            default -> v;
        };
    }

    /** {@code be} and {@code bswap}: swap the low {@code bits} bits' bytes, zero the rest. */
    public static long swap(long v, int bits) {
        return switch (bits) {
            case 16 -> Short.reverseBytes((short) v) & 0xffffL;
            case 32 -> Integer.reverseBytes((int) v) & LOW;
            default -> Long.reverseBytes(v);
        };
    }
}
