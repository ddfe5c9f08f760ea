package dev.ebpf4j.vm.verifier;

/**
 * A tristate number: each bit known 0, known 1, or unknown ({@code mask} bit set). The verifier tracks scalars with
 * a tnum next to their signed and unsigned ranges, as the kernel does; these are the usual transfer functions
 * (written from the published definitions of tnum arithmetic).
 *
 * <pre>{@code
 * Tnum t = Tnum.constant(4).and(Tnum.unknown());   // value 0, mask 4
 * }</pre>
 *
 * @param value known-1 bits (never overlaps mask)
 * @param mask  unknown bits
 */
public record Tnum(long value, long mask) {
    public static final Tnum UNKNOWN = new Tnum(0, -1L);

    public static Tnum constant(long v) {
        return new Tnum(v, 0);
    }

    public static Tnum unknown() {
        return UNKNOWN;
    }

    /** The smallest tnum covering every value in [min, max] (unsigned). */
    public static Tnum range(long min, long max) {
        long chi = min ^ max;
        int bits = 64 - Long.numberOfLeadingZeros(chi);
        if (bits > 63) return UNKNOWN;
        long delta = (1L << bits) - 1;
        return new Tnum(min & ~delta, delta);
    }

    public boolean isConstant() {
        return mask == 0;
    }

    public Tnum add(Tnum b) {
        long sm = mask + b.mask;
        long sv = value + b.value;
        long sigma = sm + sv;
        long chi = sigma ^ sv;
        long mu = chi | mask | b.mask;
        return new Tnum(sv & ~mu, mu);
    }

    public Tnum sub(Tnum b) {
        long dv = value - b.value;
        long alpha = dv + mask;
        long beta = dv - b.mask;
        long chi = alpha ^ beta;
        long mu = chi | mask | b.mask;
        return new Tnum(dv & ~mu, mu);
    }

    public Tnum and(Tnum b) {
        long alpha = value | mask;
        long beta = b.value | b.mask;
        long v = value & b.value;
        return new Tnum(v, alpha & beta & ~v);
    }

    public Tnum or(Tnum b) {
        long v = value | b.value;
        long mu = mask | b.mask;
        return new Tnum(v, mu & ~v);
    }

    public Tnum xor(Tnum b) {
        long v = value ^ b.value;
        long mu = mask | b.mask;
        return new Tnum(v & ~mu, mu);
    }

    public Tnum lshift(int s) {
        return new Tnum(value << s, mask << s);
    }

    public Tnum rshift(int s) {
        return new Tnum(value >>> s, mask >>> s);
    }

    public Tnum arshift(int s, boolean is32) {
        if (is32) return new Tnum(((int) value >> s) & 0xffffffffL, ((int) mask >> s) & 0xffffffffL);
        return new Tnum(value >> s, mask >> s);
    }

    public Tnum mul(Tnum b) {
        if (isConstant() && b.isConstant()) return constant(value * b.value);
        // Shift-and-add over the bits of a, as in the published tnum_mul.
        Tnum a = this;
        Tnum acc = constant(0);
        long accV = a.value * b.value;
        Tnum accM = constant(0);
        Tnum bb = b;
        while (a.value != 0 || a.mask != 0) {
            if ((a.value & 1) != 0) accM = accM.add(new Tnum(0, bb.mask));
            else if ((a.mask & 1) != 0) accM = accM.add(new Tnum(0, bb.value | bb.mask));
            a = a.rshift(1);
            bb = bb.lshift(1);
        }
        return constant(accV).add(accM).or(acc);
    }

    /** Truncated to the low 32 bits. */
    public Tnum cast32() {
        return new Tnum(value & 0xffffffffL, mask & 0xffffffffL);
    }

    /** True when every value {@code b} allows, this allows too. */
    public boolean contains(Tnum b) {
        if ((b.mask & ~mask) != 0) return false;
        return (b.value & ~mask) == value;
    }

    /** The intersection (assumes they overlap). */
    public Tnum intersect(Tnum b) {
        long v = value | b.value;
        long mu = mask & b.mask;
        return new Tnum(v & ~mu, mu);
    }

    public long min() {
        return value;
    }

    public long max() {
        return value | mask;
    }

    @Override
    public String toString() {
        return isConstant() ? Long.toString(value) : String.format("(%#x; %#x)", value, mask);
    }
}
