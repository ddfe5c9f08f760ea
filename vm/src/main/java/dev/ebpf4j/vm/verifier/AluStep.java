package dev.ebpf4j.vm.verifier;

import static dev.ebpf4j.asm.Opcodes.*;

/**
 * Abstract execution of ALU instructions: scalar arithmetic through {@link ScalarOps}, moves (copying pointers),
 * and pointer arithmetic ({@code ptr += scalar}, {@code ptr -= scalar}, {@code ptr - ptr}) with the kernel's
 * restrictions: no 32-bit or bitwise arithmetic on pointers, no arithmetic on nullable pointers, map pointers,
 * {@code pkt_end} or function pointers; constant shifts within the width; no constant division by zero.
 *
 * <pre>{@code
 * AluStep.step(verifier, path, instructionIndex);
 * }</pre>
 */
final class AluStep {
    private AluStep() {
    }

    private static final long LOW = 0xffffffffL;

    static void step(Verifier v, Verifier.Path p, int i) {
        int op = v.code.opcode[i];
        boolean wide = (op & 7) == ALU64;
        int operation = op & 0xf0;
        int d = v.code.dst[i];
        int s = v.code.src[i];
        int off = v.code.offset[i];
        long imm = v.code.imm[i];
        FrameState f = p.st.cur();
        boolean x = (op & X) != 0 && operation != END;

        if (operation == MOV) {
            if (!x) {
                f.regs[d] = RegState.constant(wide ? imm : imm & LOW);
                return;
            }
            RegState src = v.read(p, s);
            if (off != 0) {
                if (!src.isScalar()) throw v.reject(p, "R" + s + " sign-extension part of pointer");
                RegState r = wide ? src.copy() : ScalarOps.trunc32(src);
                ScalarOps.signExtend(r, off, wide);
                r.id = 0;
                f.regs[d] = r;
            } else if (wide) {
                if (src.isScalar() && !src.isConstant() && src.id == 0) src.id = v.newId();   // linked copies
                f.regs[d] = src.copy();
            } else if (src.isScalar()) {
                RegState r = ScalarOps.trunc32(src);
                r.id = 0;
                f.regs[d] = r;
            } else {
                f.regs[d] = RegState.bounded(LOW);   // partial copy of a pointer: a 32-bit scalar
            }
            return;
        }
        RegState dst = v.read(p, d);
        if (dst.isScalar()) dst.id = 0;   // about to change: no longer equal to its copies
        if (operation == NEG || operation == END) {
            if (!dst.isScalar()) throw v.reject(p, "R" + d + " pointer arithmetic prohibited");
            if (operation == NEG) {
                ScalarOps.apply(dst, RegState.constant(0), NEG, 0, wide);
            } else {
                boolean swap = wide || (op & TO_BE) != 0;
                ScalarOps.byteSwap(dst, (int) imm, swap);
            }
            return;
        }
        RegState src = x ? v.read(p, s) : RegState.constant(wide ? imm : imm & LOW);
        if (!x) {
            if ((operation == LSH || operation == RSH || operation == ARSH) && (imm < 0 || imm >= (wide ? 64 : 32))) {
                throw v.reject(p, "invalid shift " + imm);
            }
            if ((operation == DIV || operation == MOD) && imm == 0) throw v.reject(p, "div by zero");
        }
        if (dst.isScalar() && src.isScalar()) {
            ScalarOps.apply(dst, src, operation, off, wide);
            return;
        }
        pointerArithmetic(v, p, i, dst, src, d, s, operation, wide);
    }

    private static void pointerArithmetic(Verifier v, Verifier.Path p, int i, RegState dst, RegState src, int d,
                                          int s, int operation, boolean wide) {
        FrameState f = p.st.cur();
        if (!wide) throw v.reject(p, "R" + d + " 32-bit pointer arithmetic prohibited");
        if (operation != ADD && operation != SUB) {
            String what = operation == AND || operation == OR || operation == XOR ? "bitwise operator" : "pointer "
                    + "arithmetic with operator";
            throw v.reject(p, "R" + d + " " + what + " " + name(operation) + " on pointer prohibited");
        }
        if (dst.type.isPointer() && src.type.isPointer()) {
            if (operation == SUB && dst.type == src.type && (dst.type.isPacket() || dst.type
                    == RegType.PTR_TO_PACKET_END || dst.type == RegType.PTR_TO_STACK || dst.type
                    == RegType.PTR_TO_MAP_VALUE)) {
                f.regs[d] = RegState.unknown();
                return;
            }
            if (operation == SUB && dst.type == RegType.PTR_TO_PACKET_END && src.type.isPacket()) {
                f.regs[d] = RegState.unknown();
                return;
            }
            throw v.reject(p, "R" + d + " pointer " + name(operation) + " pointer prohibited");
        }
        RegState ptr;
        RegState scalar;
        if (dst.type.isPointer()) {
            ptr = dst;
            scalar = src;
        } else {
            if (operation == SUB) throw v.reject(p, "R" + d + " tried to subtract pointer from scalar");
            ptr = src.copy();
            scalar = dst;
            f.regs[d] = ptr;
        }
        switch (ptr.type) {
            case MAP_VALUE_OR_NULL, MEM_OR_NULL -> throw v.reject(p, "R" + d + " pointer arithmetic on "
                    + ptr.type.logName() + " prohibited, null-check it first");
            case PTR_TO_PACKET_END, CONST_PTR_TO_MAP, PTR_TO_FUNC -> throw v.reject(p, "R" + d
                    + " pointer arithmetic on " + ptr.type.logName() + " prohibited");
            default -> { }
        }
        if (scalar.isConstant()) {
            long c = scalar.constant();
            long newOff = operation == ADD ? ptr.off + c : ptr.off - c;
            if (newOff <= -(1L << 29) || newOff >= (1L << 29)) {
                throw v.reject(p, "value " + c + " makes " + ptr.type.logName() + " pointer be out of bounds");
            }
            ptr.off = (int) newOff;
            return;
        }
        // a variable offset: kept in the pointer's range fields
        RegState var = ptr.copy();
        var.type = RegType.SCALAR;
        ScalarOps.apply(var, scalar, operation, 0, true);
        ptr.umin = var.umin;
        ptr.umax = var.umax;
        ptr.smin = var.smin;
        ptr.smax = var.smax;
        ptr.tnum = var.tnum;
        if (ptr.type.isPacket()) {
            ptr.id = v.newId();
            ptr.range = 0;
        }
    }

    static String name(int operation) {
        return switch (operation) {
            case ADD -> "+=";
            case SUB -> "-=";
            case MUL -> "*=";
            case DIV -> "/=";
            case OR -> "|=";
            case AND -> "&=";
            case LSH -> "<<=";
            case RSH -> ">>=";
            case MOD -> "%=";
            case XOR -> "^=";
            case ARSH -> "s>>=";
            default -> "op " + operation;
        };
    }
}
