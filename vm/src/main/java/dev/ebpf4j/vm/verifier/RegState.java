package dev.ebpf4j.vm.verifier;

/**
 * The verifier's knowledge of one register: its {@link RegType}; for scalars the value's unsigned and signed ranges
 * and {@link Tnum}; for pointers a fixed offset plus a variable offset (kept in the same range fields), and the
 * pointee (map, stack frame, packet range, memory size, reference, function). Mutable; states copy registers.
 *
 * <pre>{@code
 * RegState r = RegState.constant(42);
 * r.isConstant();   // true
 * }</pre>
 */
public final class RegState {
    public RegType type = RegType.NOT_INIT;
    public long umin;
    public long umax;
    public long smin;
    public long smax;
    public Tnum tnum = Tnum.UNKNOWN;
    /** Fixed offset of a pointer. */
    public int off;
    /** Map of a map pointer or map value pointer. */
    public int map = -1;
    /** Frame of a stack pointer. */
    public int frame;
    /** Shared by copies of one nullable pointer, or by packet pointers with the same variable part. */
    public int id;
    /** Packet bytes known to be in bounds from {@code pkt + var} (packet pointers). */
    public int range;
    /** Bytes of a PTR_TO_MEM. */
    public int memSize;
    /** Acquired reference (ring buffer record), 0 when none. */
    public int ref;
    /** Entry instruction of a function pointer. */
    public int func = -1;

    public static RegState notInit() {
        return new RegState();
    }

    public static RegState unknown() {
        RegState r = new RegState();
        r.type = RegType.SCALAR;
        r.setUnknown();
        return r;
    }

    public static RegState constant(long v) {
        RegState r = new RegState();
        r.type = RegType.SCALAR;
        r.setConstant(v);
        return r;
    }

    /** A scalar in [0, max] (unsigned). */
    public static RegState bounded(long max) {
        RegState r = unknown();
        r.umin = 0;
        r.umax = max;
        r.sync();
        return r;
    }

    public static RegState pointer(RegType type) {
        RegState r = new RegState();
        r.type = type;
        r.setConstant(0);
        return r;
    }

    public RegState copy() {
        RegState r = new RegState();
        r.type = type;
        r.umin = umin;
        r.umax = umax;
        r.smin = smin;
        r.smax = smax;
        r.tnum = tnum;
        r.off = off;
        r.map = map;
        r.frame = frame;
        r.id = id;
        r.range = range;
        r.memSize = memSize;
        r.ref = ref;
        r.func = func;
        return r;
    }

    public void setUnknown() {
        umin = 0;
        umax = -1L;
        smin = Long.MIN_VALUE;
        smax = Long.MAX_VALUE;
        tnum = Tnum.UNKNOWN;
    }

    public void setConstant(long v) {
        umin = umax = smin = smax = v;
        tnum = Tnum.constant(v);
    }

    /** Becomes an unknown scalar. */
    public void markUnknown() {
        RegState u = unknown();
        copyFrom(u);
    }

    public void copyFrom(RegState o) {
        type = o.type;
        umin = o.umin;
        umax = o.umax;
        smin = o.smin;
        smax = o.smax;
        tnum = o.tnum;
        off = o.off;
        map = o.map;
        frame = o.frame;
        id = o.id;
        range = o.range;
        memSize = o.memSize;
        ref = o.ref;
        func = o.func;
    }

    public boolean isScalar() {
        return type == RegType.SCALAR;
    }

    /** A scalar (or the variable part of a pointer) with one possible value. */
    public boolean isConstant() {
        return tnum.isConstant();
    }

    public long constant() {
        return tnum.value();
    }

    /** Whether the ranges are empty (an impossible branch). */
    public boolean isEmpty() {
        return Long.compareUnsigned(umin, umax) > 0 || smin > smax
                || (tnum.value() & tnum.mask()) != 0;
    }

    /** Tightens ranges and tnum against each other, as the kernel's reg_bounds_sync. */
    public void sync() {
        // tnum -> ranges
        umin = max(umin, tnum.min());
        umax = min(umax, tnum.max());
        if ((tnum.mask() & Long.MIN_VALUE) == 0) {
            long lo = tnum.value() | (tnum.mask() & Long.MIN_VALUE);
            long hi = tnum.value() | (tnum.mask() & Long.MAX_VALUE);
            smin = Math.max(smin, lo);
            smax = Math.min(smax, hi);
        }
        // signed <-> unsigned
        if (smin >= 0 || smax < 0) {
            long lo = max(smin, umin);
            long hi = min(smax, umax);
            smin = umin = lo;
            smax = umax = hi;
        } else if (umax >= 0) {   // unsigned range in the positive half
            smin = umin;
            smax = umax = min(smax, umax);
        } else if (umin < 0) {    // unsigned range in the negative half
            smin = umin = max(smin, umin);
            smax = umax;
        }
        // ranges -> tnum
        if (Long.compareUnsigned(umin, umax) <= 0) tnum = tnum.intersect(Tnum.range(umin, umax));
    }

    /** Unsigned max. */
    static long max(long a, long b) {
        return Long.compareUnsigned(a, b) >= 0 ? a : b;
    }

    /** Unsigned min. */
    static long min(long a, long b) {
        return Long.compareUnsigned(a, b) <= 0 ? a : b;
    }

    /** True when this (old, proven safe) covers every value {@code cur} may hold. */
    public boolean rangeContains(RegState cur) {
        return Long.compareUnsigned(umin, cur.umin) <= 0 && Long.compareUnsigned(umax, cur.umax) >= 0
                && smin <= cur.smin && smax >= cur.smax && tnum.contains(cur.tnum);
    }

    public boolean sameRange(RegState o) {
        return umin == o.umin && umax == o.umax && smin == o.smin && smax == o.smax && tnum.equals(o.tnum);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(type.logName());
        switch (type) {
            case NOT_INIT -> { return "?"; }
            case SCALAR -> {
                if (isConstant()) return Long.toString(constant());
                sb.append('(');
                if (smin != Long.MIN_VALUE) sb.append("smin=").append(smin).append(',');
                if (smax != Long.MAX_VALUE) sb.append("smax=").append(smax).append(',');
                if (umin != 0) sb.append("umin=").append(Long.toUnsignedString(umin)).append(',');
                if (umax != -1L) sb.append("umax=").append(Long.toUnsignedString(umax)).append(',');
                if (!tnum.equals(Tnum.UNKNOWN)) sb.append("var_off=").append(tnum).append(',');
                if (sb.charAt(sb.length() - 1) == ',') sb.setLength(sb.length() - 1);
                sb.append(')');
                return sb.toString().replace("scalar()", "scalar()");
            }
            default -> {
                sb.append('(');
                if (id != 0) sb.append("id=").append(id).append(',');
                if (ref != 0) sb.append("ref_obj_id=").append(ref).append(',');
                sb.append("off=").append(off);
                if (type == RegType.PTR_TO_PACKET || type == RegType.PTR_TO_PACKET_META) sb.append(",r=").append(range);
                if (type == RegType.PTR_TO_MEM || type == RegType.MEM_OR_NULL) sb.append(",sz=").append(memSize);
                if (!isConstant()) sb.append(",var_off=").append(tnum).append(",smin=").append(smin)
                        .append(",umax=").append(Long.toUnsignedString(umax));
                sb.append(')');
                return sb.toString();
            }
        }
    }
}
