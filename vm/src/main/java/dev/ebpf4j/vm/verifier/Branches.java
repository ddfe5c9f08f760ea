package dev.ebpf4j.vm.verifier;

import static dev.ebpf4j.asm.Opcodes.*;

/**
 * What a conditional jump between two scalars tells: whether each outcome is possible, and the tightened ranges on
 * each side. 32-bit jumps are refined only when both values are known to fit the compared 32 bits.
 *
 * <pre>{@code
 * RegState a = RegState.bounded(100), b = RegState.constant(10);
 * Branches.outcome(a, b, JGT);          // 0: unknown
 * Branches.refine(a, b, JGT, true);     // a in [11, 100]
 * }</pre>
 */
public final class Branches {
    private Branches() {
    }

    private static final long LOW = 0xffffffffL;

    /** +1 when {@code a op b} always holds, -1 when never, 0 when either may happen (64-bit). */
    public static int outcome(RegState a, RegState b, int op) {
        switch (op) {
            case JEQ -> {
                if (a.isConstant() && b.isConstant()) return a.constant() == b.constant() ? 1 : -1;
                if (Long.compareUnsigned(a.umin, b.umax) > 0 || Long.compareUnsigned(a.umax, b.umin) < 0) return -1;
                if (a.smin > b.smax || a.smax < b.smin) return -1;
                long known = ~(a.tnum.mask() | b.tnum.mask());
                if (((a.tnum.value() ^ b.tnum.value()) & known) != 0) return -1;
                return 0;
            }
            case JNE -> {
                return -outcome(a, b, JEQ);
            }
            case JSET -> {
                if ((a.tnum.value() & b.tnum.value()) != 0) return 1;
                if ((a.tnum.max() & b.tnum.max()) == 0) return -1;
                return 0;
            }
            case JGT -> {
                if (Long.compareUnsigned(a.umin, b.umax) > 0) return 1;
                if (Long.compareUnsigned(a.umax, b.umin) <= 0) return -1;
                return 0;
            }
            case JGE -> {
                if (Long.compareUnsigned(a.umin, b.umax) >= 0) return 1;
                if (Long.compareUnsigned(a.umax, b.umin) < 0) return -1;
                return 0;
            }
            case JLT -> {
                return outcome(b, a, JGT);
            }
            case JLE -> {
                return outcome(b, a, JGE);
            }
            case JSGT -> {
                if (a.smin > b.smax) return 1;
                if (a.smax <= b.smin) return -1;
                return 0;
            }
            case JSGE -> {
                if (a.smin >= b.smax) return 1;
                if (a.smax < b.smin) return -1;
                return 0;
            }
            case JSLT -> {
                return outcome(b, a, JSGT);
            }
            case JSLE -> {
                return outcome(b, a, JSGE);
            }
            default -> throw new IllegalArgumentException("jump op " + op);
        }
    }

    /** The operation that holds when {@code op} does not. */
    public static int negate(int op) {
        return switch (op) {
            case JEQ -> JNE;
            case JNE -> JEQ;
            case JGT -> JLE;
            case JLE -> JGT;
            case JGE -> JLT;
            case JLT -> JGE;
            case JSGT -> JSLE;
            case JSLE -> JSGT;
            case JSGE -> JSLT;
            case JSLT -> JSGE;
            default -> -1;   // JSET has no negation operator: handled by refine(..., false)
        };
    }

    /** Tightens {@code a} and {@code b} given that {@code a op b} is {@code holds}. False when impossible. */
    public static boolean refine(RegState a, RegState b, int op, boolean holds) {
        if (op == JSET) {
            if (!holds && b.isConstant()) {
                long c = b.constant();
                a.tnum = new Tnum(a.tnum.value() & ~c, a.tnum.mask() & ~c);
                a.sync();
            } else if (!holds && a.isConstant()) {
                long c = a.constant();
                b.tnum = new Tnum(b.tnum.value() & ~c, b.tnum.mask() & ~c);
                b.sync();
            }
            return !a.isEmpty() && !b.isEmpty();
        }
        int o = holds ? op : negate(op);
        switch (o) {
            case JEQ -> {
                long umin = RegState.max(a.umin, b.umin);
                long umax = RegState.min(a.umax, b.umax);
                long smin = Math.max(a.smin, b.smin);
                long smax = Math.min(a.smax, b.smax);
                Tnum t = a.tnum.intersect(b.tnum);
                for (RegState r : new RegState[] {a, b}) {
                    r.umin = umin;
                    r.umax = umax;
                    r.smin = smin;
                    r.smax = smax;
                    r.tnum = t;
                }
            }
            case JNE -> {
                if (b.isConstant()) exclude(a, b.constant());
                if (a.isConstant()) exclude(b, a.constant());
            }
            case JGT -> {
                if (b.umin == -1L) return false;
                a.umin = RegState.max(a.umin, b.umin + 1);
                if (a.umax == 0) return false;
                b.umax = RegState.min(b.umax, a.umax - 1);
            }
            case JGE -> {
                a.umin = RegState.max(a.umin, b.umin);
                b.umax = RegState.min(b.umax, a.umax);
            }
            case JLT -> {
                return refine(b, a, JGT, true);
            }
            case JLE -> {
                return refine(b, a, JGE, true);
            }
            case JSGT -> {
                if (b.smin == Long.MAX_VALUE || a.smax == Long.MIN_VALUE) return false;
                a.smin = Math.max(a.smin, b.smin + 1);
                b.smax = Math.min(b.smax, a.smax - 1);
            }
            case JSGE -> {
                a.smin = Math.max(a.smin, b.smin);
                b.smax = Math.min(b.smax, a.smax);
            }
            case JSLT -> {
                return refine(b, a, JSGT, true);
            }
            case JSLE -> {
                return refine(b, a, JSGE, true);
            }
            default -> throw new IllegalArgumentException("jump op " + o);
        }
        if (a.isEmpty() || b.isEmpty()) return false;
        a.sync();
        b.sync();
        return !a.isEmpty() && !b.isEmpty();
    }

    private static void exclude(RegState r, long c) {
        if (r.umin == c && r.umin != -1L) r.umin++;
        else if (r.umax == c && r.umax != 0) r.umax--;
        if (r.smin == c && r.smin != Long.MAX_VALUE) r.smin++;
        else if (r.smax == c && r.smax != Long.MIN_VALUE) r.smax--;
    }

    /**
     * For a 32-bit jump: 64-bit stand-ins of the compared values when both are known to fit (then refining them is
     * exact), or null.
     */
    public static RegState[] as64(RegState a, RegState b, int op) {
        boolean signed = op == JSGT || op == JSGE || op == JSLT || op == JSLE;
        long limit = signed ? 0x7fffffffL : LOW;
        if (Long.compareUnsigned(a.umax, limit) > 0) return null;
        RegState bb;
        if (b.isConstant()) {
            bb = RegState.constant(signed ? (int) b.constant() : b.constant() & LOW);
        } else if (Long.compareUnsigned(b.umax, limit) <= 0) {
            bb = b;
        } else {
            return null;
        }
        return new RegState[] {a, bb};
    }
}
