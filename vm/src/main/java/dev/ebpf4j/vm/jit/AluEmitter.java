package dev.ebpf4j.vm.jit;

import dev.ebpf4j.vm.code.Code;

import java.lang.classfile.CodeBuilder;
import java.lang.constant.MethodTypeDesc;

import static dev.ebpf4j.asm.Opcodes.*;
import static dev.ebpf4j.vm.jit.ClassEmitter.CD_ALU;
import static java.lang.constant.ConstantDescs.CD_int;
import static java.lang.constant.ConstantDescs.CD_long;

/**
 * Emits the arithmetic instructions ({@code ALU64} and 32-bit {@code ALU}) of one JIT-compiled function as JVM
 * arithmetic on the registers' {@code long} locals, with division, modulo and byte swaps as calls to {@code Alu}
 * (BPF's division by zero and signed-overflow rules); and pushes the second operand for the jumps that
 * {@link FunctionEmitter} emits.
 *
 * <pre>{@code
 * AluEmitter alu = new AluEmitter(c, code, reg);
 * alu.alu64(i, code.opcode[i], code.dst[i]);
 * }</pre>
 */
final class AluEmitter {
    private static final long LOW = 0xffffffffL;
    private static final MethodTypeDesc BINARY = MethodTypeDesc.of(CD_long, CD_long, CD_long);
    private static final MethodTypeDesc SWAP = MethodTypeDesc.of(CD_long, CD_long, CD_int);

    private final CodeBuilder c;
    private final Code code;
    private final int[] reg;

    AluEmitter(CodeBuilder c, Code code, int[] reg) {
        this.c = c;
        this.code = code;
        this.reg = reg;
    }

    /** An {@code ALU64} instruction. */
    void alu64(int i, int op, int d) {
        int operation = op & 0xf0;
        switch (operation) {
            case ADD, SUB, MUL, OR, AND, XOR -> {
                load(d);
                operand64(i);
                switch (operation) {
                    case ADD -> c.ladd();
                    case SUB -> c.lsub();
                    case MUL -> c.lmul();
                    case OR -> c.lor();
                    case AND -> c.land();
                    default -> c.lxor();
                }
                store(d);
            }
            case LSH, RSH, ARSH -> {
                load(d);
                operand32(i);
                switch (operation) {
                    case LSH -> c.lshl();
                    case RSH -> c.lushr();
                    default -> c.lshr();
                }
                store(d);
            }
            case DIV, MOD -> {
                load(d);
                operand64(i);
                boolean signed = code.offset[i] == 1;
                String name = (operation == DIV ? (signed ? "sdiv" : "udiv") : (signed ? "smod" : "umod")) + "64";
                c.invokestatic(CD_ALU, name, BINARY);
                store(d);
            }
            case NEG -> {
                load(d);
                c.lneg();
                store(d);
            }
            case MOV -> {
                if ((op & X) == 0) {
                    c.loadConstant(code.imm[i]);
                } else {
                    load(code.src[i]);
                    switch (code.offset[i]) {
                        case 8 -> { c.l2i(); c.i2b(); c.i2l(); }
                        case 16 -> { c.l2i(); c.i2s(); c.i2l(); }
                        case 32 -> { c.l2i(); c.i2l(); }
                        default -> { }
                    }
                }
                store(d);
            }
            case END -> {
                load(d);
                c.loadConstant((int) code.imm[i]);
                c.invokestatic(CD_ALU, "swap", SWAP);
                store(d);
            }
            default -> throw new IllegalStateException("alu64 " + operation);
        }
    }

    /** An {@code ALU} (32-bit) instruction: results zero-extended into the 64-bit register. */
    void alu32(int i, int op, int d) {
        int operation = op & 0xf0;
        switch (operation) {
            case ADD, SUB, MUL, OR, AND, XOR, LSH, RSH, ARSH -> {
                load(d);
                c.l2i();
                operand32(i);
                switch (operation) {
                    case ADD -> c.iadd();
                    case SUB -> c.isub();
                    case MUL -> c.imul();
                    case OR -> c.ior();
                    case AND -> c.iand();
                    case XOR -> c.ixor();
                    case LSH -> c.ishl();
                    case RSH -> c.iushr();
                    default -> c.ishr();
                }
                zeroExtend();
                store(d);
            }
            case DIV, MOD -> {
                load(d);
                operand64(i);
                boolean signed = code.offset[i] == 1;
                String name = (operation == DIV ? (signed ? "sdiv" : "udiv") : (signed ? "smod" : "umod")) + "32";
                c.invokestatic(CD_ALU, name, BINARY);
                store(d);
            }
            case NEG -> {
                load(d);
                c.l2i();
                c.ineg();
                zeroExtend();
                store(d);
            }
            case MOV -> {
                if ((op & X) == 0) {
                    c.loadConstant(code.imm[i] & LOW);
                } else {
                    load(code.src[i]);
                    c.l2i();
                    switch (code.offset[i]) {
                        case 8 -> c.i2b();
                        case 16 -> c.i2s();
                        default -> { }
                    }
                    zeroExtend();
                }
                store(d);
            }
            case END -> {
                load(d);
                c.loadConstant((int) code.imm[i]);
                c.invokestatic(CD_ALU, (op & TO_BE) != 0 ? "swap" : "toLe", SWAP);
                store(d);
            }
            default -> throw new IllegalStateException("alu32 " + operation);
        }
    }

    /** Pushes the second operand as a long: the register for X forms, the sign-extended immediate for K forms. */
    void operand64(int i) {
        if ((code.opcode[i] & X) != 0) load(code.src[i]);
        else c.loadConstant(code.imm[i]);
    }

    /** Pushes the second operand as an int: the register's low half for X forms, the immediate for K forms. */
    void operand32(int i) {
        if ((code.opcode[i] & X) != 0) {
            load(code.src[i]);
            c.l2i();
        } else {
            c.loadConstant((int) code.imm[i]);
        }
    }

    private void zeroExtend() {
        c.i2l();
        c.loadConstant(LOW);
        c.land();
    }

    private void load(int r) {
        c.lload(reg[r]);
    }

    private void store(int r) {
        c.lstore(reg[r]);
    }
}
