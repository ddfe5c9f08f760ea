package dev.ebpf4j.vm.verifier;

import dev.ebpf4j.vm.runtime.Alu;

import static dev.ebpf4j.asm.Opcodes.*;

/**
 * Abstract arithmetic on scalars: given what is known of {@code dst} and {@code src}, what is known of
 * {@code dst op src}. Constants fold exactly with the runtime's own semantics ({@link Alu}); otherwise ranges and
 * tnums follow sound (possibly loose) rules; 32-bit operations work on the low halves and zero-extend.
 *
 * <pre>{@code
 * RegState d = RegState.bounded(255);
 * ScalarOps.apply(d, RegState.constant(4), LSH, 0, true);   // d in [0, 1020]
 * }</pre>
 */
public final class ScalarOps {
    private ScalarOps() {
    }

    private static final long LOW = 0xffffffffL;

    /** {@code dst = dst op src}; {@code off} is the instruction offset (signed div/mod, movsx width). */
    public static void apply(RegState dst, RegState src, int op, int off, boolean wide) {
        if (dst.isConstant() && src.isConstant()) {
            dst.setConstant(fold(dst.constant(), src.constant(), op, off, wide));
            return;
        }
        if (!wide) {
            RegState a = trunc32(dst);
            RegState b = trunc32(src);
            apply64(a, b, op, off, false);
            RegState r = fitted32(a);
            dst.copyFrom(r);
            dst.type = RegType.SCALAR;
            return;
        }
        apply64(dst, src, op, off, true);
    }

    /** The concrete result, exactly as the interpreter computes it. */
    public static long fold(long a, long b, int op, int off, boolean wide) {
        if (wide) {
            return switch (op) {
                case ADD -> a + b;
                case SUB -> a - b;
                case MUL -> a * b;
                case DIV -> off == 1 ? Alu.sdiv64(a, b) : Alu.udiv64(a, b);
                case MOD -> off == 1 ? Alu.smod64(a, b) : Alu.umod64(a, b);
                case OR -> a | b;
                case AND -> a & b;
                case XOR -> a ^ b;
                case LSH -> a << (b & 63);
                case RSH -> a >>> (b & 63);
                case ARSH -> a >> (b & 63);
                case NEG -> -a;
                default -> throw new IllegalArgumentException("op " + op);
            };
        }
        int x = (int) a;
        int y = (int) b;
        return switch (op) {
            case ADD -> (x + y) & LOW;
            case SUB -> (x - y) & LOW;
            case MUL -> (x * y) & LOW;
            case DIV -> off == 1 ? Alu.sdiv32(a, b) : Alu.udiv32(a, b);
            case MOD -> off == 1 ? Alu.smod32(a, b) : Alu.umod32(a, b);
            case OR -> (x | y) & LOW;
            case AND -> (x & y) & LOW;
            case XOR -> (x ^ y) & LOW;
            case LSH -> (x << (y & 31)) & LOW;
            case RSH -> (x >>> (y & 31)) & LOW;
            case ARSH -> (x >> (y & 31)) & LOW;
            case NEG -> (-x) & LOW;
            default -> throw new IllegalArgumentException("op " + op);
        };
    }

    /** The low 32 bits of {@code r} as a scalar in [0, 2^32). */
    public static RegState trunc32(RegState r) {
        if (r.isConstant()) return RegState.constant(r.constant() & LOW);
        if (Long.compareUnsigned(r.umax, LOW) <= 0) return r.copy();
        RegState t = RegState.bounded(LOW);
        t.tnum = r.tnum.cast32();
        t.sync();
        return t;
    }

    /** A 64-bit result of 32-bit operands, zero-extended from its low 32 bits. */
    private static RegState fitted32(RegState r) {
        if (r.isConstant()) return RegState.constant(r.constant() & LOW);
        if (Long.compareUnsigned(r.umax, LOW) <= 0 && r.smin >= 0) return r.copy();
        RegState t = RegState.bounded(LOW);
        t.tnum = r.tnum.cast32();
        t.sync();
        return t;
    }

    private static void apply64(RegState d, RegState s, int op, int off, boolean wide) {
        int width = wide ? 64 : 32;
        switch (op) {
            case ADD -> {
                Tnum t = d.tnum.add(s.tnum);
                long smin;
                long smax;
                try {
                    smin = Math.addExact(d.smin, s.smin);
                    smax = Math.addExact(d.smax, s.smax);
                } catch (ArithmeticException e) {
                    smin = Long.MIN_VALUE;
                    smax = Long.MAX_VALUE;
                }
                long umin = d.umin + s.umin;
                long umax = d.umax + s.umax;
                if (Long.compareUnsigned(umax, d.umax) < 0 || Long.compareUnsigned(umin, d.umin) < 0) {
                    umin = 0;
                    umax = -1;
                }
                set(d, t, umin, umax, smin, smax);
            }
            case SUB -> {
                Tnum t = d.tnum.sub(s.tnum);
                long smin;
                long smax;
                try {
                    smin = Math.subtractExact(d.smin, s.smax);
                    smax = Math.subtractExact(d.smax, s.smin);
                } catch (ArithmeticException e) {
                    smin = Long.MIN_VALUE;
                    smax = Long.MAX_VALUE;
                }
                long umin;
                long umax;
                if (Long.compareUnsigned(d.umin, s.umax) < 0) {
                    umin = 0;
                    umax = -1;
                } else {
                    umin = d.umin - s.umax;
                    umax = d.umax - s.umin;
                }
                set(d, t, umin, umax, smin, smax);
            }
            case MUL -> {
                Tnum t = d.tnum.mul(s.tnum);
                if (Long.compareUnsigned(d.umax, LOW) <= 0 && Long.compareUnsigned(s.umax, LOW) <= 0) {
                    long umin = d.umin * s.umin;
                    long umax = d.umax * s.umax;
                    boolean signedOk = umax >= 0;
                    set(d, t, umin, umax, signedOk ? umin : Long.MIN_VALUE, signedOk ? umax : Long.MAX_VALUE);
                } else {
                    set(d, t, 0, -1, Long.MIN_VALUE, Long.MAX_VALUE);
                }
            }
            case AND -> {
                Tnum t = d.tnum.and(s.tnum);
                long umax = RegState.min(RegState.min(d.umax, s.umax), t.max());
                long smin = Long.MIN_VALUE;
                long smax = Long.MAX_VALUE;
                if (d.smin >= 0 || s.smin >= 0) {
                    smin = 0;
                    smax = Math.min(d.smin >= 0 ? d.smax : Long.MAX_VALUE, s.smin >= 0 ? s.smax : Long.MAX_VALUE);
                }
                set(d, t, t.min(), umax, smin, smax);
            }
            case OR -> {
                Tnum t = d.tnum.or(s.tnum);
                long umin = RegState.max(d.umin, s.umin);
                set(d, t, umin, t.max(), Long.MIN_VALUE, Long.MAX_VALUE);
            }
            case XOR -> {
                Tnum t = d.tnum.xor(s.tnum);
                set(d, t, t.min(), t.max(), Long.MIN_VALUE, Long.MAX_VALUE);
            }
            case LSH, RSH, ARSH -> shift(d, s, op, width);
            case DIV -> {
                if (off == 1) {
                    set(d, Tnum.UNKNOWN, 0, -1, Long.MIN_VALUE, Long.MAX_VALUE);
                } else if (s.isConstant() && s.constant() == 0) {
                    d.setConstant(0);
                } else if (s.umin != 0) {
                    long umin = Long.divideUnsigned(d.umin, s.umax);
                    long umax = Long.divideUnsigned(d.umax, s.umin);
                    set(d, Tnum.range(umin, umax), umin, umax, Long.MIN_VALUE, Long.MAX_VALUE);
                } else {
                    set(d, Tnum.range(0, d.umax), 0, d.umax, Long.MIN_VALUE, Long.MAX_VALUE);
                }
            }
            case MOD -> {
                if (off == 1) {
                    set(d, Tnum.UNKNOWN, 0, -1, Long.MIN_VALUE, Long.MAX_VALUE);
                } else if (s.isConstant() && s.constant() == 0) {
                    // dst unchanged
                } else {
                    long umax = s.umin != 0 ? RegState.min(d.umax, s.umax - 1) : d.umax;
                    set(d, Tnum.range(0, umax), 0, umax, Long.MIN_VALUE, Long.MAX_VALUE);
                }
            }
            case NEG -> set(d, Tnum.UNKNOWN, 0, -1, Long.MIN_VALUE, Long.MAX_VALUE);
            default -> throw new IllegalArgumentException("op " + op);
        }
    }

    private static void shift(RegState d, RegState s, int op, int width) {
        if (!s.isConstant()) {
            set(d, Tnum.UNKNOWN, 0, -1, Long.MIN_VALUE, Long.MAX_VALUE);
            return;
        }
        int k = (int) (s.constant() & (width - 1));
        switch (op) {
            case LSH -> {
                Tnum t = d.tnum.lshift(k);
                boolean fits = k == 0 || (d.umax >>> (64 - k)) == 0;
                if (fits) set(d, t, d.umin << k, d.umax << k, Long.MIN_VALUE, Long.MAX_VALUE);
                else set(d, t, t.min(), t.max(), Long.MIN_VALUE, Long.MAX_VALUE);
            }
            case RSH -> {
                Tnum t = d.tnum.rshift(k);
                set(d, t, d.umin >>> k, d.umax >>> k, Long.MIN_VALUE, Long.MAX_VALUE);
            }
            default -> {
                if (width == 32) {
                    if (Long.compareUnsigned(d.umax, 0x7fffffffL) <= 0) {
                        set(d, d.tnum.rshift(k), d.umin >>> k, d.umax >>> k, Long.MIN_VALUE, Long.MAX_VALUE);
                    } else {
                        set(d, Tnum.UNKNOWN.cast32(), 0, LOW, Long.MIN_VALUE, Long.MAX_VALUE);
                    }
                } else {
                    Tnum t = d.tnum.arshift(k, false);
                    set(d, t, 0, -1, d.smin >> k, d.smax >> k);
                }
            }
        }
    }

    private static void set(RegState d, Tnum t, long umin, long umax, long smin, long smax) {
        d.tnum = t;
        d.umin = umin;
        d.umax = umax;
        d.smin = smin;
        d.smax = smax;
        d.sync();
    }

    /** Result of a byte-swap/truncation ({@code le}, {@code be}, {@code bswap}) of width {@code bits}. */
    public static void byteSwap(RegState d, int bits, boolean swap) {
        if (d.isConstant()) {
            d.setConstant(swap ? Alu.swap(d.constant(), bits) : Alu.toLe(d.constant(), bits));
            return;
        }
        if (bits == 64) {
            if (swap) d.setUnknown();
            return;
        }
        long max = bits == 16 ? 0xffff : LOW;
        if (!swap && Long.compareUnsigned(d.umax, max) <= 0) return;
        Tnum t = swap ? Tnum.range(0, max) : d.tnum.and(Tnum.constant(max)).or(Tnum.constant(0));
        set(d, t, 0, max, 0, max);
    }

    /** {@code movsx}: sign-extend the low {@code bits} bits (then zero-extend to 64 when {@code !wide}). */
    public static void signExtend(RegState d, int bits, boolean wide) {
        if (d.isConstant()) {
            long v = d.constant();
            long r = switch (bits) {
                case 8 -> (byte) v;
                case 16 -> (short) v;
                default -> (int) v;
            };
            d.setConstant(wide ? r : r & LOW);
            return;
        }
        long half = (1L << (bits - 1)) - 1;
        if (Long.compareUnsigned(d.umax, half) <= 0) {
            return;   // sign bit known zero: unchanged
        }
        if (wide) set(d, Tnum.UNKNOWN, 0, -1, -half - 1, half);
        else set(d, Tnum.UNKNOWN.cast32(), 0, LOW, 0, LOW);
    }
}
