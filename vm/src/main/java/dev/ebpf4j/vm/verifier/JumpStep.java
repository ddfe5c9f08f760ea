package dev.ebpf4j.vm.verifier;

import static dev.ebpf4j.asm.Opcodes.*;

/**
 * Abstract execution of control flow: unconditional jumps, conditional jumps (deciding impossible outcomes and
 * forking a path per possible one, with ranges refined on each side, NULL checks turning nullable pointers into
 * pointers or NULL, and packet pointers compared with {@code data_end} gaining a verified range), calls and exit.
 *
 * <pre>{@code
 * boolean goesOn = JumpStep.step(verifier, path, instructionIndex);
 * }</pre>
 */
final class JumpStep {
    private JumpStep() {
    }

    private static final long LOW = 0xffffffffL;

    static boolean step(Verifier v, Verifier.Path p, int i) {
        int op = v.code.opcode[i];
        int operation = op & 0xf0;
        switch (operation) {
            case JA -> {
                p.pc = v.code.target[i];
                return true;
            }
            case EXIT -> {
                return v.exit(p);
            }
            case CALL -> {
                if (op == (JMP | CALL | X)) throw v.reject(p, "callx (call by register) is not allowed in kernel mode");
                if (v.code.src[i] == PSEUDO_CALL) {
                    v.enterFunction(p, i, v.code.target[i], p.st.cur().regs, false);
                    return true;
                }
                return v.helperChecks.call(p, i);
            }
            default -> {
                conditional(v, p, i, op, operation);
                return true;
            }
        }
    }

    private static void conditional(Verifier v, Verifier.Path p, int i, int op, int operation) {
        boolean wide = (op & 7) == JMP;
        boolean x = (op & X) != 0;
        int d = v.code.dst[i];
        int s = v.code.src[i];
        int target = v.code.target[i];
        RegState a = v.read(p, d);
        RegState b = x ? v.read(p, s) : RegState.constant(v.code.imm[i]);

        if (a.isScalar() && b.isScalar()) {
            scalars(v, p, i, operation, wide, x, d, s, target);
            return;
        }
        if (wide && (operation == JEQ || operation == JNE) && (a.type.isPointer() != b.type.isPointer())) {
            RegState ptr = a.type.isPointer() ? a : b;
            RegState other = a.type.isPointer() ? b : a;
            if (other.isConstant() && other.constant() == 0) {
                nullCheck(v, p, ptr, operation == JEQ, target);
                return;
            }
        }
        if (wide && a.type.isPointer() && b.type.isPointer()) {
            if (packetCompare(v, p, a, b, operation, target)) return;
        }
        // anything else: both outcomes possible, nothing learned
        v.fork(p, p.st.copy(), target);
        p.pc++;
    }

    private static void scalars(Verifier v, Verifier.Path p, int i, int operation, boolean wide, boolean x, int d,
                                int s, int target) {
        RegState a = p.st.reg(d);
        RegState b = x ? p.st.reg(s) : RegState.constant(v.code.imm[i]);
        int outcome;
        if (wide) {
            outcome = Branches.outcome(a, b, operation);
        } else {
            RegState[] ab = Branches.as64(a, b, operation);
            if (ab != null) {
                outcome = Branches.outcome(ab[0], ab[1], operation);
            } else if (a.isConstant() && b.isConstant()) {
                outcome = holds32(a.constant(), b.constant(), operation) ? 1 : -1;
            } else {
                outcome = 0;
            }
        }
        if (outcome > 0) {
            p.pc = target;
            return;
        }
        if (outcome < 0) {
            p.pc++;
            return;
        }
        VerifierState taken = p.st.copy();
        boolean takenOk = refine(v, taken, i, operation, wide, x, d, s, true);
        boolean fallOk = refine(v, p.st, i, operation, wide, x, d, s, false);
        if (takenOk && fallOk) {
            v.fork(p, taken, target);
            p.pc++;
        } else if (takenOk) {
            p.st = taken;
            p.pc = target;
        } else {
            p.pc++;
        }
    }

    private static boolean refine(Verifier v, VerifierState st, int i, int operation, boolean wide, boolean x, int d,
                                  int s, boolean holds) {
        RegState a = st.reg(d);
        RegState b = x ? st.reg(s) : RegState.constant(v.code.imm[i]);
        if (x && d == s) return true;
        boolean ok;
        if (wide) {
            ok = Branches.refine(a, b, operation, holds);
        } else {
            RegState[] ab = Branches.as64(a, b, operation);
            if (ab == null) return true;
            ok = Branches.refine(ab[0], ab[1], operation, holds);
        }
        if (ok) {
            propagate(st, a);
            if (x) propagate(st, b);
        }
        return ok;
    }

    /** Copies of a refined scalar (same id) learn the same bounds, as the kernel's find_equal_scalars. */
    private static void propagate(VerifierState st, RegState refined) {
        if (!refined.isScalar() || refined.id == 0) return;
        st.forEachReg(r -> {
            if (r != refined && r.isScalar() && r.id == refined.id) {
                r.umin = refined.umin;
                r.umax = refined.umax;
                r.smin = refined.smin;
                r.smax = refined.smax;
                r.tnum = refined.tnum;
            }
        });
    }

    static boolean holds32(long a, long b, int operation) {
        int x = (int) a;
        int y = (int) b;
        return switch (operation) {
            case JEQ -> x == y;
            case JNE -> x != y;
            case JSET -> (x & y) != 0;
            case JGT -> Integer.compareUnsigned(x, y) > 0;
            case JGE -> Integer.compareUnsigned(x, y) >= 0;
            case JLT -> Integer.compareUnsigned(x, y) < 0;
            case JLE -> Integer.compareUnsigned(x, y) <= 0;
            case JSGT -> x > y;
            case JSGE -> x >= y;
            case JSLT -> x < y;
            default -> x <= y;
        };
    }

    /** {@code if ptr == 0} / {@code if ptr != 0}. */
    private static void nullCheck(Verifier v, Verifier.Path p, RegState ptr, boolean jeq, int target) {
        if (!ptr.type.isNullable()) {
            // a pointer that cannot be NULL: the "== 0" outcome is impossible
            if (jeq) p.pc++;
            else p.pc = target;
            return;
        }
        int id = ptr.id;
        VerifierState nullSide = p.st.copy();
        markNull(nullSide, id, true);
        markNull(p.st, id, false);
        if (jeq) {
            v.fork(p, nullSide, target);
            p.pc++;
        } else {
            v.fork(p, p.st, target);
            p.st = nullSide;
            p.pc++;
        }
    }

    private static void markNull(VerifierState st, int id, boolean isNull) {
        st.forEachReg(r -> {
            if (r.type.isNullable() && r.id == id) {
                if (isNull) {
                    int ref = r.ref;
                    r.copyFrom(RegState.constant(0));
                    if (ref != 0) st.refs.remove(ref);
                } else {
                    r.type = r.type.nonNull();
                    if (r.ref == 0) r.id = 0;
                }
            }
        });
    }

    /** {@code pkt op pkt_end} (either order) and {@code pkt_meta op pkt}: learns verified packet ranges. */
    private static boolean packetCompare(Verifier v, Verifier.Path p, RegState a, RegState b, int operation,
                                         int target) {
        RegState ptr;
        boolean ptrIsDst;
        if (a.type == RegType.PTR_TO_PACKET && b.type == RegType.PTR_TO_PACKET_END
                || a.type == RegType.PTR_TO_PACKET_META && isInitialPacket(b)) {
            ptr = a;
            ptrIsDst = true;
        } else if (b.type == RegType.PTR_TO_PACKET && a.type == RegType.PTR_TO_PACKET_END
                || b.type == RegType.PTR_TO_PACKET_META && isInitialPacket(a)) {
            ptr = b;
            ptrIsDst = false;
        } else {
            return false;
        }
        // normalise to "ptr OP end"
        int o = ptrIsDst ? operation : switch (operation) {
            case JGT -> JLT;
            case JGE -> JLE;
            case JLT -> JGT;
            case JLE -> JGE;
            default -> operation;
        };
        // in which outcome is ptr <= end (the access [pkt, ptr) is in bounds)?
        Boolean safeWhenTaken = switch (o) {
            case JGT -> false;   // taken: ptr > end; fall: ptr <= end
            case JGE -> false;   // fall: ptr < end
            case JLT, JLE -> true;
            default -> null;
        };
        if (safeWhenTaken == null || ptr.smin < 0 || Long.compareUnsigned(ptr.umax, 0xffff) > 0 || ptr.off < 0) {
            return false;
        }
        VerifierState taken = p.st.copy();
        VerifierState safe = safeWhenTaken ? taken : p.st;
        int id = ptr.id;
        RegType t = ptr.type;
        int newRange = ptr.off;
        safe.forEachReg(r -> {
            if (r.type == t && r.id == id && r.range < newRange) r.range = newRange;
        });
        v.fork(p, taken, target);
        p.pc++;
        return true;
    }

    private static boolean isInitialPacket(RegState r) {
        return r.type == RegType.PTR_TO_PACKET && r.off == 0 && r.isConstant() && r.constant() == 0;
    }
}
