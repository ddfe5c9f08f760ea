package dev.ebpf4j.vm.jit;

import dev.ebpf4j.vm.code.Code;

import java.lang.classfile.CodeBuilder;
import java.lang.classfile.Label;
import java.lang.classfile.Opcode;
import java.lang.classfile.instruction.SwitchCase;
import java.lang.constant.ClassDesc;
import java.lang.constant.DynamicConstantDesc;
import java.lang.constant.MethodTypeDesc;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

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
 * on the instructions run until the next charge. Arithmetic goes to {@link AluEmitter}, memory accesses with a
 * known region to {@link MemoryEmitter}.
 * A function too large for one method is emitted as segments ({@link Segments}): each loads the registers from the
 * register file, enters at the instruction asked for, and leaves (a jump out of the segment, falling off its end,
 * exit, a stop request) by storing them back and returning where to continue.
 *
 * <pre>{@code
 * new FunctionEmitter(classEmitter, code, subprogram, codeBuilder).emit();
 * new FunctionEmitter(classEmitter, code, subprogram, from, to, Locals.SEGMENT, codeBuilder).emit();
 * }</pre>
 */
final class FunctionEmitter {
    /** Slots of the execution and the region table: the same in both {@link Locals} layouts. */
    private static final int EX = 0;
    private static final int MEM = 1;
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
    /** The function's first instruction and the end of the instructions this method emits. */
    private final int start;
    private final int from;
    private final int to;
    private final int[] charge;
    private final CodeBuilder c;
    private final Locals locals;
    private final int fuelSlot;
    private final int[] reg;
    private final Label[] labels;
    /** Segment mode: the stub leaving the segment for each outside instruction jumped to. */
    private final Map<Integer, Label> exits = new TreeMap<>();
    private Label leave;
    private final MemoryEmitter memory;
    private final AluEmitter alu;

    /** Emits function {@code sub} whole, as one method with the {@link Locals#FUNCTION} layout. */
    FunctionEmitter(ClassEmitter owner, Code code, int sub, CodeBuilder c) {
        this(owner, code, sub, code.subprogStart[sub], code.subprogEnd(sub), Locals.FUNCTION, c);
    }

    /**
     * Emits instructions {@code [from, to)} of function {@code sub}: the whole function with {@link Locals#FUNCTION},
     * or one segment of it with {@link Locals#SEGMENT}.
     */
    FunctionEmitter(ClassEmitter owner, Code code, int sub, int from, int to, Locals locals, CodeBuilder c) {
        this.owner = owner;
        this.code = code;
        this.start = code.subprogStart[sub];
        this.from = from;
        this.to = to;
        this.charge = charges(code, sub);
        this.c = c;
        this.locals = locals;
        this.fuelSlot = locals.fuel;
        this.reg = locals.reg;
        this.labels = new Label[to - from];
        for (int i = from; i < to; i++) labels[i - from] = c.newLabel();
        this.memory = new MemoryEmitter(c, code, from, to, locals);
        this.alu = new AluEmitter(c, code, reg);
    }

    /**
     * Per instruction of function {@code sub} (index minus its start): the fuel charged on arriving there, a bound on
     * the instructions run until the next charge: at loop headers the longest loop, at the entry the whole function.
     */
    static int[] charges(Code code, int sub) {
        int start = code.subprogStart[sub];
        int end = code.subprogEnd(sub);
        int[] charge = new int[end - start];
        for (int i = start; i < end; i++) {
            int op = code.opcode[i];
            int cls = op & 7;
            boolean jump = (cls == JMP || cls == JMP32) && (op & 0xf0) != CALL && (op & 0xf0) != EXIT;
            if (jump && code.target[i] <= i) {
                int h = code.target[i] - start;
                charge[h] = Math.max(charge[h], i - code.target[i] + 1);
            }
        }
        charge[0] += end - start;
        return charge;
    }

    void emit() {
        if (locals.segment()) {
            emitSegment();
            return;
        }
        for (int r : new int[] {0, 6, 7, 8, 9}) {
            c.lconst_0();
            c.lstore(reg[r]);
        }
        loadFuel();
        memory.loadRegions();
        body();
    }

    private void body() {
        for (int i = from; i < to; i++) {
            c.labelBinding(labels[i - from]);
            if (charge[i - start] > 0) charge(charge[i - start], code.slot[i]);
            instruction(i);
        }
    }

    /**
     * A segment: loads the registers from the register file, enters at instruction {@code entry} (its first
     * instruction or one that other segments jump to), and leaves by storing the registers back and returning the
     * instruction to continue at (-1 when the function returns: r0 is in the file).
     */
    private void emitSegment() {
        leave = c.newLabel();
        for (int r = 0; r <= 10; r++) {
            c.aload(locals.file);
            c.iload(locals.base);
            if (r != 0) {
                c.loadConstant(r);
                c.iadd();
            }
            c.laload();
            c.lstore(reg[r]);
        }
        loadFuel();
        memory.loadRegions();
        List<SwitchCase> cases = new ArrayList<>();
        for (int e : Segments.entries(code, start, code.subprogEnd(code.subprogOf[start]), from, to)) {
            cases.add(SwitchCase.of(e, labels[e - from]));
        }
        Label bad = c.newLabel();
        c.iload(locals.entry);
        c.lookupswitch(bad, cases);
        body();
        exitTo(to);   // falling off the segment's end
        for (var e : exits.entrySet()) {
            c.labelBinding(e.getValue());
            exitTo(e.getKey());
        }
        c.labelBinding(bad);
        c.iload(locals.entry);
        c.invokestatic(CD_JIT_BASE, "badEntry", MethodTypeDesc.of(CD_long, CD_int));
        c.pop2();
        c.loadConstant(-1);
        c.istore(locals.next);
        c.labelBinding(leave);
        for (int r = 0; r <= 10; r++) {
            c.aload(locals.file);
            c.iload(locals.base);
            if (r != 0) {
                c.loadConstant(r);
                c.iadd();
            }
            c.lload(reg[r]);
            c.lastore();
        }
        storeFuel();
        c.iload(locals.next);
        c.ireturn();
    }

    /** Segment mode: leaves the segment for instruction {@code next} (-1: the function returns r0). */
    private void exitTo(int next) {
        c.loadConstant(next);
        c.istore(locals.next);
        c.goto_(leave);
    }

    /** {@code fuel -= cost; if (fuel < 0) { ex.fuel = fuel; fuel = ex.refuel(slot); }} */
    private void charge(long cost, int slot) {
        Label ok = c.newLabel();
        c.lload(fuelSlot);
        c.loadConstant(cost);
        c.lsub();
        c.lstore(fuelSlot);
        c.lload(fuelSlot);
        c.lconst_0();
        c.lcmp();
        c.ifge(ok);
        storeFuel();
        c.aload(EX);
        c.loadConstant(slot);
        c.invokevirtual(CD_EXECUTION, "refuel", MethodTypeDesc.of(CD_long, CD_int));
        c.lstore(fuelSlot);
        c.labelBinding(ok);
    }

    private void loadFuel() {
        c.aload(EX);
        c.getfield(CD_EXECUTION, "fuel", CD_long);
        c.lstore(fuelSlot);
    }

    private void storeFuel() {
        c.aload(EX);
        c.lload(fuelSlot);
        c.putfield(CD_EXECUTION, "fuel", CD_long);
    }

    /** The label of instruction {@code index}: its own, or (segment mode) the stub leaving for it. */
    private Label label(int index) {
        if (index >= from && index < to) return labels[index - from];
        return exits.computeIfAbsent(index, k -> c.newLabel());
    }

    private void load(int r) {
        c.lload(reg[r]);
    }

    private void store(int r) {
        c.lstore(reg[r]);
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
            case ALU64 -> alu.alu64(i, op, d);
            case ALU -> alu.alu32(i, op, d);
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

    private void jump(int i, int op, int d, int slot) {
        int operation = op & 0xf0;
        boolean wide = (op & 7) == JMP;
        switch (operation) {
            case JA -> c.goto_(label(code.target[i]));
            case EXIT -> {
                if (locals.segment()) {
                    exitTo(-1);
                } else {
                    storeFuel();
                    load(0);
                    c.lreturn();
                }
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
        alu.operand64(i);
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
        alu.operand32(i);
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
            c.aload(locals.ctxArray);
            c.aload(locals.stackArray);
            c.aload(locals.packetArray);
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
        if (locals.segment()) {
            if (!returnR0) {
                c.aload(EX);
                c.getfield(CD_EXECUTION, "stopValue", CD_long);
                store(0);
            }
            exitTo(-1);
        } else {
            storeFuel();
            if (returnR0) {
                load(0);
            } else {
                c.aload(EX);
                c.getfield(CD_EXECUTION, "stopValue", CD_long);
            }
            c.lreturn();
        }
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
