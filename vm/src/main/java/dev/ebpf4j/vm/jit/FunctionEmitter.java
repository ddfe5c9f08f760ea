package dev.ebpf4j.vm.jit;

import dev.ebpf4j.vm.code.Code;

import java.lang.classfile.CodeBuilder;
import java.lang.classfile.Label;
import java.lang.classfile.Opcode;
import java.lang.constant.ClassDesc;
import java.lang.constant.DynamicConstantDesc;
import java.lang.constant.MethodTypeDesc;

import static dev.ebpf4j.asm.Opcodes.*;
import static dev.ebpf4j.vm.jit.ClassEmitter.*;
import static java.lang.constant.ConstantDescs.CD_boolean;
import static java.lang.constant.ConstantDescs.CD_int;
import static java.lang.constant.ConstantDescs.CD_long;
import static java.lang.constant.ConstantDescs.CD_void;

/**
 * Emits the static method of one BPF function. Registers live in {@code long} locals ({@link Locals}: r1..r5 and
 * r10 are parameters, with the context, stack and packet arrays; r0 and r6..r9 start at 0); every BPF instruction
 * gets a label; loop headers (targets of backward jumps) and the entry subtract from {@code Execution.fuel} a bound
 * on the instructions run until the next charge. Memory accesses with a known region go to {@link MemoryEmitter}.
 *
 * <pre>{@code
 * new FunctionEmitter(classEmitter, code, subprogram, codeBuilder).emit();
 * }</pre>
 */
final class FunctionEmitter {
    private static final int EX = Locals.EX;
    private static final int MEM = Locals.REGIONS;
    private static final int FUEL = Locals.FUEL;
    private static final int[] REG = Locals.REG;
    private static final long LOW = 0xffffffffL;

    private static final MethodTypeDesc LOAD = MethodTypeDesc.of(CD_long, CD_REGIONS, CD_long, CD_int);
    private static final MethodTypeDesc STORE = MethodTypeDesc.of(CD_void, CD_REGIONS, CD_long, CD_long, CD_int);
    private static final MethodTypeDesc ATOMIC_RMW = MethodTypeDesc.of(CD_long, CD_REGIONS, CD_long, CD_int, CD_long,
            CD_int);
    private static final MethodTypeDesc CMPXCHG_TYPE = MethodTypeDesc.of(CD_long, CD_REGIONS, CD_long, CD_long, CD_long,
            CD_int);
    private static final MethodTypeDesc SIZED_LOAD = MethodTypeDesc.of(CD_long, CD_REGIONS, CD_long, CD_int, CD_int);
    private static final MethodTypeDesc SIZED_STORE = MethodTypeDesc.of(CD_void, CD_REGIONS, CD_long, CD_int, CD_long,
            CD_int);
    private static final MethodTypeDesc BINARY = MethodTypeDesc.of(CD_long, CD_long, CD_long);
    private static final MethodTypeDesc SWAP = MethodTypeDesc.of(CD_long, CD_long, CD_int);
    private static final MethodTypeDesc HELPER_CALL = MethodTypeDesc.of(CD_long, CD_HELPER_CONTEXT, CD_long, CD_long,
            CD_long, CD_long, CD_long);
    private static final MethodTypeDesc CALL_HELPER = MethodTypeDesc.of(CD_long, CD_long, CD_int, CD_long, CD_long,
            CD_long, CD_long, CD_long);
    private static final MethodTypeDesc PACKET_LOAD = MethodTypeDesc.of(CD_long, CD_EXECUTION, CD_long, CD_int,
            CD_int);

    private static final ClassDesc CD_LONG = ClassDesc.of("java.lang.Long");
    private static final ClassDesc CD_INTEGER = ClassDesc.of("java.lang.Integer");

    private final ClassEmitter owner;
    private final Code code;
    private final int start;
    private final int end;
    private final CodeBuilder c;
    private final Label[] labels;
    private final int[] charge;
    private final MemoryEmitter memory;

    FunctionEmitter(ClassEmitter owner, Code code, int sub, CodeBuilder c) {
        this.owner = owner;
        this.code = code;
        this.start = code.subprogStart[sub];
        this.end = code.subprogEnd(sub);
        this.c = c;
        this.labels = new Label[end - start];
        this.charge = new int[end - start];
        for (int i = start; i < end; i++) {
            labels[i - start] = c.newLabel();
            int op = code.opcode[i];
            int cls = op & 7;
            boolean jump = (cls == JMP || cls == JMP32) && (op & 0xf0) != CALL && (op & 0xf0) != EXIT;
            if (jump && code.target[i] <= i) {
                int h = code.target[i] - start;
                charge[h] = Math.max(charge[h], i - code.target[i] + 1);
            }
        }
        charge[0] += end - start;
        this.memory = new MemoryEmitter(c, code, start, end);
    }

    void emit() {
        for (int r : new int[] {0, 6, 7, 8, 9}) {
            c.lconst_0();
            c.lstore(REG[r]);
        }
        loadFuel();
        memory.loadRegions();
        for (int i = start; i < end; i++) {
            c.labelBinding(labels[i - start]);
            if (charge[i - start] > 0) charge(charge[i - start], code.slot[i]);
            instruction(i);
        }
    }

    /** {@code fuel -= cost; if (fuel < 0) { ex.fuel = fuel; fuel = ex.refuel(slot); }} */
    private void charge(long cost, int slot) {
        Label ok = c.newLabel();
        c.lload(FUEL);
        c.loadConstant(cost);
        c.lsub();
        c.lstore(FUEL);
        c.lload(FUEL);
        c.lconst_0();
        c.lcmp();
        c.ifge(ok);
        storeFuel();
        c.aload(EX);
        c.loadConstant(slot);
        c.invokevirtual(CD_EXECUTION, "refuel", MethodTypeDesc.of(CD_long, CD_int));
        c.lstore(FUEL);
        c.labelBinding(ok);
    }

    private void loadFuel() {
        c.aload(EX);
        c.getfield(CD_EXECUTION, "fuel", CD_long);
        c.lstore(FUEL);
    }

    private void storeFuel() {
        c.aload(EX);
        c.lload(FUEL);
        c.putfield(CD_EXECUTION, "fuel", CD_long);
    }

    private Label label(int index) {
        return labels[index - start];
    }

    private void load(int reg) {
        c.lload(REG[reg]);
    }

    private void store(int reg) {
        c.lstore(REG[reg]);
    }

    /** Pushes the second operand as a long: the register for X forms, the sign-extended immediate for K forms. */
    private void operand64(int i) {
        if ((code.opcode[i] & X) != 0) load(code.src[i]);
        else c.loadConstant(code.imm[i]);
    }

    private void operand32(int i) {
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

    private void address(int base, int off) {
        load(base);
        if (off != 0) {
            c.loadConstant((long) off);
            c.ladd();
        }
    }

    private void instruction(int i) {
        int op = code.opcode[i];
        int d = code.dst[i];
        int slot = code.slot[i];
        switch (op & 7) {
            case ALU64 -> alu64(i, op, d);
            case ALU -> alu32(i, op, d);
            case JMP, JMP32 -> jump(i, op, d, slot);
            case LD -> {
                if ((op & 0xe0) == IMM) {
                    c.loadConstant(code.imm[i]);
                    store(d);
                } else {
                    c.aload(EX);
                    c.loadConstant((long) (int) code.imm[i]);
                    if ((op & 0xe0) == IND) {
                        load(code.src[i]);
                        c.l2i();
                        c.i2l();
                        c.ladd();
                    }
                    c.loadConstant(sizeBytes(op & 0x18));
                    c.loadConstant(slot);
                    c.invokestatic(CD_PACKET_LOADS, "load", PACKET_LOAD);
                    store(0);
                    stopCheck(false);
                }
            }
            case LDX -> {
                if (memory.emit(i)) return;
                c.aload(MEM);
                address(code.src[i], code.offset[i]);
                c.loadConstant(slot);
                String name = switch (op & 0x18) {
                    case B -> "load8";
                    case H -> "load16";
                    case W -> "load32";
                    default -> "load64";
                };
                if ((op & 0xe0) == MEMSX) name += "s";
                c.invokestatic(CD_MEMORY, name, LOAD);
                store(d);
            }
            case ST, STX -> {
                if ((op & 0xe0) == ATOMIC) {
                    atomic(i, op, d, slot);
                    return;
                }
                if (memory.emit(i)) return;
                c.aload(MEM);
                address(d, code.offset[i]);
                if ((op & 7) == ST) c.loadConstant(code.imm[i]);
                else load(code.src[i]);
                c.loadConstant(slot);
                String name = switch (op & 0x18) {
                    case B -> "store8";
                    case H -> "store16";
                    case W -> "store32";
                    default -> "store64";
                };
                c.invokestatic(CD_MEMORY, name, STORE);
            }
            default -> throw new IllegalStateException("class " + (op & 7));
        }
    }

    private void alu64(int i, int op, int d) {
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

    private void alu32(int i, int op, int d) {
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

    private void jump(int i, int op, int d, int slot) {
        int operation = op & 0xf0;
        boolean wide = (op & 7) == JMP;
        switch (operation) {
            case JA -> c.goto_(label(code.target[i]));
            case EXIT -> {
                storeFuel();
                load(0);
                c.lreturn();
            }
            case CALL -> call(i, op, d, slot);
            default -> {
                Label to = label(code.target[i]);
                if (code.target[i] > i) {
                    branch(i, operation, d, wide, false, to);
                } else {
                    // a loop's back edge: the JVM's safepoint sits at an unconditional goto with an empty operand
                    // stack, so no comparison result has to be kept for it
                    Label stay = c.newLabel();
                    branch(i, operation, d, wide, true, stay);
                    c.goto_(to);
                    c.labelBinding(stay);
                }
            }
        }
    }

    /** Branches to {@code to} when the jump's condition holds (or, with {@code negate}, when it does not). */
    private void branch(int i, int operation, int d, boolean wide, boolean negate, Label to) {
        Opcode test = wide ? compare64(i, operation, d) : compare32(i, operation, d);
        c.branch(negate ? negated(test) : test, to);
    }

    private static Opcode negated(Opcode test) {
        return switch (test) {
            case IFEQ -> Opcode.IFNE;
            case IFNE -> Opcode.IFEQ;
            case IFGT -> Opcode.IFLE;
            case IFLE -> Opcode.IFGT;
            case IFGE -> Opcode.IFLT;
            case IFLT -> Opcode.IFGE;
            case IF_ICMPEQ -> Opcode.IF_ICMPNE;
            case IF_ICMPNE -> Opcode.IF_ICMPEQ;
            case IF_ICMPGT -> Opcode.IF_ICMPLE;
            case IF_ICMPLE -> Opcode.IF_ICMPGT;
            case IF_ICMPGE -> Opcode.IF_ICMPLT;
            case IF_ICMPLT -> Opcode.IF_ICMPGE;
            default -> throw new IllegalStateException("not a comparison: " + test);
        };
    }

    private static boolean isUnsigned(int operation) {
        return operation == JGT || operation == JGE || operation == JLT || operation == JLE;
    }

    private static Opcode signTest(int operation) {
        return switch (operation) {
            case JEQ -> Opcode.IFEQ;
            case JNE, JSET -> Opcode.IFNE;
            case JGT, JSGT -> Opcode.IFGT;
            case JGE, JSGE -> Opcode.IFGE;
            case JLT, JSLT -> Opcode.IFLT;
            default -> Opcode.IFLE;
        };
    }

    /** Pushes what the 64-bit jump compares and returns the branch opcode testing it. */
    private Opcode compare64(int i, int operation, int d) {
        load(d);
        operand64(i);
        if (operation == JSET) {
            c.land();
            c.lconst_0();
            c.lcmp();
        } else if (isUnsigned(operation)) {
            c.invokestatic(CD_LONG, "compareUnsigned", MethodTypeDesc.of(CD_int, CD_long, CD_long));
        } else {
            c.lcmp();
        }
        return signTest(operation);
    }

    /** Pushes what the 32-bit jump compares and returns the branch opcode testing it. */
    private Opcode compare32(int i, int operation, int d) {
        load(d);
        c.l2i();
        operand32(i);
        if (operation == JSET) {
            c.iand();
            return Opcode.IFNE;
        }
        if (isUnsigned(operation)) {
            c.invokestatic(CD_INTEGER, "compareUnsigned", MethodTypeDesc.of(CD_int, CD_int, CD_int));
            return signTest(operation);
        }
        return switch (operation) {
            case JEQ -> Opcode.IF_ICMPEQ;
            case JNE -> Opcode.IF_ICMPNE;
            case JSGT -> Opcode.IF_ICMPGT;
            case JSGE -> Opcode.IF_ICMPGE;
            case JSLT -> Opcode.IF_ICMPLT;
            default -> Opcode.IF_ICMPLE;
        };
    }

    private void call(int i, int op, int d, int slot) {
        storeFuel();
        if (op == (JMP | CALL) && code.src[i] == PSEUDO_CALL) {
            int callee = code.subprogOf[code.target[i]];
            c.aload(EX);
            c.loadConstant(slot);
            c.invokevirtual(CD_EXECUTION, "enterFrame", MethodTypeDesc.of(CD_void, CD_int));
            c.aload(EX);
            c.aload(MEM);
            for (int r = 1; r <= 5; r++) load(r);
            load(10);
            c.loadConstant((long) dev.ebpf4j.vm.mem.Addresses.FRAME_SIZE);
            c.lsub();
            c.aload(Locals.CTX_ARRAY);
            c.aload(Locals.STACK_ARRAY);
            c.aload(Locals.PACKET_ARRAY);
            c.invokestatic(JitCompiler.THIS_CLASS, ClassEmitter.functionName(callee), FUNCTION_TYPE);
            store(0);
            c.aload(EX);
            c.invokevirtual(CD_EXECUTION, "leaveFrame", MTD_VOID);
            loadFuel();
            stopCheck(true);
            return;
        }
        DynamicConstantDesc<Object> helper = op == (JMP | CALL) ? owner.helperConstant(code.imm[i]) : null;
        c.aload(EX);
        if (helper != null) {
            c.loadConstant(slot);
            c.putfield(CD_EXECUTION, "pc", CD_int);
            c.ldc(helper);
            c.aload(EX);
            for (int r = 1; r <= 5; r++) load(r);
            c.invokeinterface(CD_HELPER, "call", HELPER_CALL);
        } else {
            if (op == (JMP | CALL | X)) load(d);
            else c.loadConstant(code.imm[i]);
            c.loadConstant(slot);
            for (int r = 1; r <= 5; r++) load(r);
            c.invokevirtual(CD_EXECUTION, "callHelper", CALL_HELPER);
        }
        store(0);
        loadFuel();
        stopCheck(false);
    }

    /** {@code if (ex.stop) return <r0 | ex.stopValue>;} */
    private void stopCheck(boolean returnR0) {
        Label go = c.newLabel();
        c.aload(EX);
        c.getfield(CD_EXECUTION, "stop", CD_boolean);
        c.ifeq(go);
        storeFuel();
        if (returnR0) {
            load(0);
        } else {
            c.aload(EX);
            c.getfield(CD_EXECUTION, "stopValue", CD_long);
        }
        c.lreturn();
        c.labelBinding(go);
    }

    private void atomic(int i, int op, int d, int slot) {
        int aop = (int) code.imm[i];
        int s = code.src[i];
        boolean wide = (op & 0x18) == DW;
        int size = sizeBytes(op & 0x18);
        if (aop == LOAD_ACQ) {
            c.aload(MEM);
            address(s, code.offset[i]);
            c.loadConstant(size);
            c.loadConstant(slot);
            c.invokestatic(CD_MEMORY, "loadAcquire", SIZED_LOAD);
            store(d);
            return;
        }
        c.aload(MEM);
        address(d, code.offset[i]);
        if (aop == STORE_REL) {
            c.loadConstant(size);
            load(s);
            c.loadConstant(slot);
            c.invokestatic(CD_MEMORY, "storeRelease", SIZED_STORE);
            return;
        }
        if (aop == CMPXCHG) {
            load(0);
            load(s);
            c.loadConstant(slot);
            c.invokestatic(CD_MEMORY, wide ? "cmpxchg64" : "cmpxchg32", CMPXCHG_TYPE);
            if (!wide) {
                c.loadConstant(LOW);
                c.land();
            }
            store(0);
            return;
        }
        c.loadConstant(aop);
        load(s);
        c.loadConstant(slot);
        c.invokestatic(CD_MEMORY, wide ? "atomic64" : "atomic32", ATOMIC_RMW);
        if ((aop & FETCH) != 0) {
            if (!wide) {
                c.loadConstant(LOW);
                c.land();
            }
            store(s);
        } else {
            c.pop2();
        }
    }

}
