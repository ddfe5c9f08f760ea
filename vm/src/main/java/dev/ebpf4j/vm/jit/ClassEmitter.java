package dev.ebpf4j.vm.jit;

import dev.ebpf4j.vm.VmHelper;
import dev.ebpf4j.vm.code.Code;
import dev.ebpf4j.vm.mem.Addresses;

import java.lang.classfile.ClassBuilder;
import java.lang.classfile.ClassFile;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.Label;
import java.lang.classfile.instruction.SwitchCase;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.DynamicConstantDesc;
import java.lang.constant.MethodTypeDesc;
import java.util.ArrayList;
import java.util.List;

import static java.lang.constant.ConstantDescs.CD_int;
import static java.lang.constant.ConstantDescs.CD_long;
import static java.lang.constant.ConstantDescs.CD_void;

/**
 * Builds the JIT's hidden class: constructor, {@code dispatch} (a switch from function entry index to the function's
 * static method) and one static method per BPF function, emitted by {@link FunctionEmitter}; a function cut into
 * segments ({@link Segments}) gets a driver method of the same name and one method per segment.
 *
 * <pre>{@code
 * byte[] bytes = ClassFile.of().build(desc, cb -> new ClassEmitter(code, helpers, classData).emit(cb));
 * }</pre>
 */
final class ClassEmitter {
    static final ClassDesc CD_EXECUTION = ClassDesc.of("dev.ebpf4j.vm.runtime.Execution");
    static final ClassDesc CD_JIT_BASE = ClassDesc.of("dev.ebpf4j.vm.jit.JitBase");
    static final ClassDesc CD_HELPER = ClassDesc.of("dev.ebpf4j.vm.VmHelper");
    static final ClassDesc CD_HELPER_CONTEXT = ClassDesc.of("dev.ebpf4j.vm.HelperContext");
    static final ClassDesc CD_MEMORY = ClassDesc.of("dev.ebpf4j.vm.mem.Memory");
    static final ClassDesc CD_ALU = ClassDesc.of("dev.ebpf4j.vm.runtime.Alu");
    static final ClassDesc CD_PACKET_LOADS = ClassDesc.of("dev.ebpf4j.vm.runtime.LegacyPacketLoads");
    static final ClassDesc CD_REGIONS = ConstantDescs.CD_byte.arrayType(2);
    static final ClassDesc CD_BYTES = ConstantDescs.CD_byte.arrayType();
    /** (Execution, byte[][], r1, r2, r3, r4, r5, r10, ctx array, stack array, packet array) -> r0; see {@link Locals} */
    static final MethodTypeDesc FUNCTION_TYPE = MethodTypeDesc.of(CD_long, CD_EXECUTION, CD_REGIONS, CD_long, CD_long,
            CD_long, CD_long, CD_long, CD_long, CD_BYTES, CD_BYTES, CD_BYTES);
    static final MethodTypeDesc REGION_OR_EMPTY = MethodTypeDesc.of(CD_BYTES, CD_REGIONS, CD_int);
    static final MethodTypeDesc DISPATCH_TYPE = MethodTypeDesc.of(CD_long, CD_EXECUTION, CD_int, CD_long, CD_long,
            CD_long, CD_long, CD_long, CD_long);
    /** (Execution, byte[][], register file, base, ctx array, stack array, packet array, entry) -> next; see Locals */
    static final MethodTypeDesc SEGMENT_TYPE = MethodTypeDesc.of(CD_int, CD_EXECUTION, CD_REGIONS,
            ConstantDescs.CD_long.arrayType(), CD_int, CD_BYTES, CD_BYTES, CD_BYTES, CD_int);

    private final Code code;
    private final VmHelper[] helpers;
    private final List<VmHelper> classData;
    /** Per function: its segment boundaries ({@link Segments#split}); {@code [start, end]} for one method. */
    private final int[][] segments;

    /** Emits every function as one method. */
    ClassEmitter(Code code, VmHelper[] helpers, List<VmHelper> classData) {
        this(code, helpers, classData, null);
    }

    /** Emits function {@code sub} in the segments {@code segments[sub]} (null: every function as one method). */
    ClassEmitter(Code code, VmHelper[] helpers, List<VmHelper> classData, int[][] segments) {
        this.code = code;
        this.helpers = helpers;
        this.classData = classData;
        if (segments == null) {
            segments = new int[code.subprogStart.length][];
            for (int sub = 0; sub < segments.length; sub++) {
                segments[sub] = new int[] {code.subprogStart[sub], code.subprogEnd(sub)};
            }
        }
        this.segments = segments;
    }

    /** The class-data constant for helper {@code id}, or null when no such helper is registered. */
    DynamicConstantDesc<Object> helperConstant(long id) {
        if (id < 0 || id >= helpers.length || helpers[(int) id] == null) return null;
        VmHelper h = helpers[(int) id];
        int index = classData.indexOf(h);
        if (index < 0) {
            index = classData.size();
            classData.add(h);
        }
        return DynamicConstantDesc.ofNamed(ConstantDescs.BSM_CLASS_DATA_AT, "_", CD_HELPER, index);
    }

    static String functionName(int sub) {
        return "f" + sub;
    }

    void emit(ClassBuilder cb) {
        cb.withFlags(ClassFile.ACC_PUBLIC | ClassFile.ACC_FINAL | ClassFile.ACC_SUPER);
        cb.withSuperclass(CD_JIT_BASE);
        cb.withMethodBody(ConstantDescs.INIT_NAME, ConstantDescs.MTD_void, ClassFile.ACC_PUBLIC, c -> {
            c.aload(0);
            c.invokespecial(CD_JIT_BASE, ConstantDescs.INIT_NAME, ConstantDescs.MTD_void);
            c.return_();
        });
        cb.withMethodBody("dispatch", DISPATCH_TYPE, ClassFile.ACC_PROTECTED | ClassFile.ACC_FINAL, c -> {
            List<SwitchCase> cases = new ArrayList<>();
            var bad = c.newLabel();
            List<Label> labels = new ArrayList<>();
            for (int sub = 0; sub < code.subprogStart.length; sub++) {
                var l = c.newLabel();
                labels.add(l);
                cases.add(SwitchCase.of(code.subprogStart[sub], l));
            }
            int regions = 15;
            c.aload(1);
            c.getfield(CD_EXECUTION, "regions", CD_REGIONS);
            c.astore(regions);
            c.iload(2);
            c.lookupswitch(bad, cases);
            for (int sub = 0; sub < code.subprogStart.length; sub++) {
                c.labelBinding(labels.get(sub));
                c.aload(1);
                c.aload(regions);
                for (int slot = 3; slot <= 13; slot += 2) c.lload(slot);
                for (int region : new int[] {Addresses.CTX, Addresses.STACK, Addresses.PACKET}) {
                    c.aload(regions);
                    c.loadConstant(region);
                    c.invokestatic(CD_MEMORY, "regionOrEmpty", REGION_OR_EMPTY);
                }
                c.invokestatic(JitCompiler.THIS_CLASS, functionName(sub), FUNCTION_TYPE);
                c.lreturn();
            }
            c.labelBinding(bad);
            c.iload(2);
            c.invokestatic(CD_JIT_BASE, "badEntry", MethodTypeDesc.of(CD_long, CD_int));
            c.lreturn();
        });
        for (int sub = 0; sub < code.subprogStart.length; sub++) {
            int s = sub;
            int[] bounds = segments[sub];
            if (bounds.length == 2) {
                cb.withMethodBody(functionName(sub), FUNCTION_TYPE, ClassFile.ACC_STATIC | ClassFile.ACC_PRIVATE,
                        c -> new FunctionEmitter(this, code, s, c).emit());
                continue;
            }
            cb.withMethodBody(functionName(sub), FUNCTION_TYPE, ClassFile.ACC_STATIC | ClassFile.ACC_PRIVATE,
                    c -> segmentDriver(c, s, bounds));
            for (int k = 0; k + 1 < bounds.length; k++) {
                int from = bounds[k];
                int to = bounds[k + 1];
                cb.withMethodBody(segmentName(sub, k), SEGMENT_TYPE, ClassFile.ACC_STATIC | ClassFile.ACC_PRIVATE,
                        c -> new FunctionEmitter(this, code, s, from, to, Locals.SEGMENT, c).emit());
            }
        }
    }

    /** Only function {@code sub}, as one method: for measuring its size. */
    void emitAlone(ClassBuilder cb, int sub) {
        cb.withFlags(ClassFile.ACC_PUBLIC | ClassFile.ACC_FINAL | ClassFile.ACC_SUPER);
        cb.withSuperclass(CD_JIT_BASE);
        cb.withMethodBody(functionName(sub), FUNCTION_TYPE, ClassFile.ACC_STATIC | ClassFile.ACC_PRIVATE,
                c -> new FunctionEmitter(this, code, sub, c).emit());
    }

    static String segmentName(int sub, int k) {
        return "f" + sub + "_" + k;
    }

    /**
     * The method of a function split into segments: puts r1..r5, r10 (and zeroed r0, r6..r9) into the register file
     * at the frame's base, then runs the segment holding the next instruction until one returns -1, and returns r0.
     */
    private void segmentDriver(CodeBuilder c, int sub, int[] bounds) {
        Locals l = Locals.FUNCTION;
        int file = 17;
        int base = 18;
        int next = 19;
        c.aload(l.ex);
        c.getfield(CD_EXECUTION, "registers", ConstantDescs.CD_long.arrayType());
        c.astore(file);
        c.aload(l.ex);
        c.getfield(CD_EXECUTION, "depth", CD_int);
        c.loadConstant(dev.ebpf4j.vm.runtime.Execution.REGISTERS_PER_FRAME);
        c.imul();
        c.istore(base);
        for (int r = 0; r <= 10; r++) {
            c.aload(file);
            c.iload(base);
            c.loadConstant(r);
            c.iadd();
            if ((r >= 1 && r <= 5) || r == 10) c.lload(l.reg[r]);
            else c.lconst_0();
            c.lastore();
        }
        c.loadConstant(bounds[0]);
        c.istore(next);
        Label loop = c.newLabel();
        Label check = c.newLabel();
        c.labelBinding(loop);
        for (int k = 0; k + 1 < bounds.length; k++) {
            Label other = c.newLabel();
            if (k + 2 < bounds.length) {
                c.iload(next);
                c.loadConstant(bounds[k + 1]);
                c.if_icmpge(other);
            }
            c.aload(l.ex);
            c.aload(l.regions);
            c.aload(file);
            c.iload(base);
            c.aload(l.ctxArray);
            c.aload(l.stackArray);
            c.aload(l.packetArray);
            c.iload(next);
            c.invokestatic(JitCompiler.THIS_CLASS, segmentName(sub, k), SEGMENT_TYPE);
            c.istore(next);
            c.goto_(check);
            c.labelBinding(other);
        }
        c.labelBinding(check);
        c.iload(next);
        c.ifge(loop);
        c.aload(file);
        c.iload(base);
        c.laload();
        c.lreturn();
    }

    static MethodTypeDesc type(ClassDesc ret, ClassDesc... args) {
        return MethodTypeDesc.of(ret, args);
    }

    static final MethodTypeDesc MTD_VOID = MethodTypeDesc.of(CD_void);
}
