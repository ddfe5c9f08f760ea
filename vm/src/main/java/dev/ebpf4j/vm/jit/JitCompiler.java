package dev.ebpf4j.vm.jit;

import dev.ebpf4j.vm.VmHelper;
import dev.ebpf4j.vm.code.Code;
import dev.ebpf4j.vm.runtime.Engine;
import dev.ebpf4j.vm.runtime.LoadedProgram;

import java.lang.classfile.ClassFile;
import java.lang.classfile.Attributes;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.MethodModel;
import java.lang.constant.ClassDesc;
import java.lang.invoke.MethodHandles;
import java.util.ArrayList;
import java.util.List;

/**
 * Compiles a verified program to one hidden JVM class (java.lang.classfile), which HotSpot then compiles to machine
 * code: every BPF function becomes a static method whose BPF registers are JVM {@code long} locals, jumps become
 * JVM branches (unsigned comparisons through {@code Long/Integer.compareUnsigned}, which HotSpot compiles to one
 * unsigned compare; loop back edges as a forward test around a {@code goto}), memory instructions whose region the
 * verifier knows (or that go through r10) access the region's array directly ({@link MemoryEmitter},
 * {@link RegionAccess}) and the others call {@link dev.ebpf4j.vm.mem.Memory}'s bounds-checked accessors (inlined by
 * HotSpot), helpers are invoked through constants from the class data, and loop headers and function entries charge
 * the instruction budget. Semantics match the interpreter instruction for instruction.
 *
 * <p>A function whose method would hold more bytecode than HotSpot compiles well is split into segments, one method
 * each ({@link Segments}). Falls back (the caller then interprets, and {@code VmProgram.jitFallbackReason()} says
 * why) when the class cannot be built (a class file limit, such as 65535 constants, exceeded).
 *
 * <pre>{@code
 * Engine jit = JitCompiler.compile(loaded);
 * }</pre>
 */
public final class JitCompiler {
    private JitCompiler() {
    }

    /** The program cannot be compiled; the message says why. */
    public static final class Unsupported extends Exception {
        public Unsupported(String message) {
            super(message);
        }
    }

    static final ClassDesc THIS_CLASS = ClassDesc.of("dev.ebpf4j.vm.jit.JitProgram");

    public static Engine compile(LoadedProgram p) throws Unsupported {
        return compile(p, 0);
    }

    /**
     * Compiles with every function cut into segments of about {@code instructionsPerSegment} instructions (0: only
     * functions too large for one method, as {@link #compile(LoadedProgram)}). For tests of the segment machinery.
     */
    public static Engine compile(LoadedProgram p, int instructionsPerSegment) throws Unsupported {
        Code code = p.code;
        List<VmHelper> classData = new ArrayList<>();
        byte[] bytes;
        try {
            ClassFile cf = ClassFile.of(ClassFile.ClassHierarchyResolverOption.of(
                    ClassHierarchyResolver.defaultResolver().orElse(
                            ClassHierarchyResolver.ofClassLoading(JitCompiler.class.getClassLoader()))));
            int[][] segments = new int[code.subprogStart.length][];
            for (int sub = 0; sub < segments.length; sub++) {
                int start = code.subprogStart[sub];
                int end = code.subprogEnd(sub);
                segments[sub] = instructionsPerSegment > 0
                        ? Segments.cut(code, start, end, instructionsPerSegment)
                        : Segments.split(code, start, end, methodBytes(cf, code, p.helpers, sub));
            }
            bytes = cf.build(THIS_CLASS, cb -> new ClassEmitter(code, p.helpers, classData, segments).emit(cb));
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new Unsupported("the JIT could not compile the program (" + e.getMessage() + "); interpreting it");
        }
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup().defineHiddenClassWithClassData(bytes,
                    List.copyOf(classData), true);
            return (Engine) lookup.findConstructor(lookup.lookupClass(),
                    java.lang.invoke.MethodType.methodType(void.class)).invoke();
        } catch (VerifyError | ClassFormatError e) {
            throw new Unsupported("the JVM refused the compiled class (" + e.getMessage() + "); interpreting it");
        } catch (Throwable e) {
            throw new IllegalStateException("could not instantiate the JIT-compiled program", e);
        }
    }

    /**
     * Bytes of bytecode function {@code sub} takes as one method (built alone and measured), or an overestimate when
     * it does not fit in one method at all.
     */
    private static int methodBytes(ClassFile cf, Code code, VmHelper[] helpers, int sub) {
        int n = code.subprogEnd(sub) - code.subprogStart[sub];
        if (n > 20_000) return n * 64;
        try {
            byte[] one = cf.build(THIS_CLASS, cb -> new ClassEmitter(code, helpers, new ArrayList<>())
                    .emitAlone(cb, sub));
            for (MethodModel m : cf.parse(one).methods()) {
                if (m.methodName().equalsString(ClassEmitter.functionName(sub))) {
                    return m.findAttribute(Attributes.code()).orElseThrow().codeLength();
                }
            }
            throw new IllegalStateException("function " + sub + " missing from its own class");
        } catch (IllegalArgumentException e) {
            return n * 64;
        }
    }
}
