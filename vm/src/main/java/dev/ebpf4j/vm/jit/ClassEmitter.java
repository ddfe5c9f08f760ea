package dev.ebpf4j.vm.jit;

import dev.ebpf4j.vm.VmHelper;
import dev.ebpf4j.vm.code.Code;
import dev.ebpf4j.vm.mem.Addresses;

import java.lang.classfile.ClassBuilder;
import java.lang.classfile.ClassFile;
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
 * static method) and one static method per BPF function, emitted by {@link FunctionEmitter}.
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

    private final Code code;
    private final VmHelper[] helpers;
    private final List<VmHelper> classData;

    ClassEmitter(Code code, VmHelper[] helpers, List<VmHelper> classData) {
        this.code = code;
        this.helpers = helpers;
        this.classData = classData;
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
            List<java.lang.classfile.Label> labels = new ArrayList<>();
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
            cb.withMethodBody(functionName(sub), FUNCTION_TYPE, ClassFile.ACC_STATIC | ClassFile.ACC_PRIVATE,
                    c -> new FunctionEmitter(this, code, s, c).emit());
        }
    }

    static MethodTypeDesc type(ClassDesc ret, ClassDesc... args) {
        return MethodTypeDesc.of(ret, args);
    }

    static final MethodTypeDesc MTD_VOID = MethodTypeDesc.of(CD_void);
}
