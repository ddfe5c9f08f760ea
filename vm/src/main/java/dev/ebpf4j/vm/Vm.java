package dev.ebpf4j.vm;

import dev.ebpf4j.NotSupportedException;
import dev.ebpf4j.ProgramSpec;
import dev.ebpf4j.ProgramType;
import dev.ebpf4j.VerifierException;
import dev.ebpf4j.asm.Instruction;
import dev.ebpf4j.vm.code.Code;
import dev.ebpf4j.vm.code.CodeBuilder;
import dev.ebpf4j.vm.code.Reject;
import dev.ebpf4j.vm.context.ContextLayout;
import dev.ebpf4j.vm.context.ContextLayouts;
import dev.ebpf4j.vm.interp.Interpreter;
import dev.ebpf4j.vm.jit.JitCompiler;
import dev.ebpf4j.vm.runtime.LoadedProgram;
import dev.ebpf4j.vm.runtime.MapLinker;
import dev.ebpf4j.vm.verifier.InitCheck;
import dev.ebpf4j.vm.verifier.Verifier;

import java.util.List;

/**
 * Loads BPF programs into the userspace VM: checks, links maps, verifies and compiles them. The VM runs programs
 * where no kernel BPF is available, tests BPF logic in unit tests, and embeds BPF as a safe plugin language.
 *
 * <p>Loading goes: structure checks (opcodes, reserved fields, jump and call targets) → map linking (lddw by
 * reference name or pseudo fd against {@link VmMaps}) → verification ({@link VmOptions.Mode#KERNEL}: the full
 * static verifier; {@link VmOptions.Mode#CONFORMANCE}: register initialisation only) → JIT compilation to a hidden
 * JVM class (or the interpreter). Rejections are {@link VerifierException}s naming the instruction and the reason.
 *
 * <pre>{@code
 * VmMaps maps = new VmMaps();
 * maps.create(MapSpec.array("counts", 8, 4));
 * ProgramSpec spec = ProgramSpec.builder(ProgramType.XDP).name("count").instructions(insns).build();
 * VmProgram prog = Vm.load(spec, maps);
 * TestRunResult r = prog.testRun(TestRun.withData(frame));
 * }</pre>
 */
public final class Vm {
    private Vm() {
    }

    /** Loads {@code spec} in kernel mode with the default options. */
    public static VmProgram load(ProgramSpec spec, VmMaps maps) {
        return load(spec, maps, VmOptions.defaults());
    }

    /**
     * Loads {@code spec} against {@code maps}.
     *
     * @throws VerifierException     when the program is rejected (message names the instruction and the reason)
     * @throws NotSupportedException when kernel mode is asked for a program type whose context the VM does not emulate
     */
    public static VmProgram load(ProgramSpec spec, VmMaps maps, VmOptions options) {
        String what = spec.describe();
        ContextLayout layout = null;
        if (options.mode() == VmOptions.Mode.KERNEL) {
            layout = ContextLayouts.forType(spec.type()).orElseThrow(() -> new NotSupportedException(
                    "VM context for " + spec.type(), "",
                    what + ": the ebpf4j VM emulates the contexts of XDP, SOCKET_FILTER, SCHED_CLS and SCHED_ACT "
                            + "programs; load other types in conformance mode (r1 = raw memory)"));
        }
        Code code;
        try {
            code = CodeBuilder.build(spec.instructions(), CodeBuilder.MAX_SLOTS);
            MapLinker.link(code, maps);
            if (options.mode() == VmOptions.Mode.KERNEL) {
                Verifier.verify(code, layout, maps, options, spec.type());
            } else {
                InitCheck.check(code, 1 << 1 | 1 << 2 | 1 << 10);
            }
        } catch (Reject r) {
            String full = r.reason();
            int nl = full.indexOf('\n');
            String reason = nl < 0 ? full : full.substring(0, nl);
            String log = nl < 0 ? (r.slot() >= 0 ? r.slot() + ": " : "") + full : full.substring(nl + 1) + "\n" + reason;
            throw new VerifierException(what, reason, r.slot(), log, 22);
        }
        LoadedProgram loaded = new LoadedProgram(spec.name(), spec.type(), code, options.helpers(), maps, options,
                layout);
        String fallback = null;
        if (options.engine() == VmOptions.Engine.JIT) {
            try {
                loaded.engine = JitCompiler.compile(loaded);
            } catch (JitCompiler.Unsupported e) {
                fallback = e.getMessage();
            }
        }
        if (loaded.engine == null) loaded.engine = new Interpreter(code);
        return new VmProgram(loaded, fallback);
    }

    /**
     * Loads raw instructions in {@link VmOptions.Mode#CONFORMANCE conformance mode} (forced), with no maps unless
     * given: r1 = memory, r2 = its length; see {@link VmProgram#run(byte[])}.
     */
    public static VmProgram loadConformance(List<Instruction> instructions, VmOptions options) {
        ProgramSpec spec = ProgramSpec.builder(ProgramType.UNSPEC).name("conformance").instructions(instructions)
                .build();
        return load(spec, new VmMaps(), options.mode(VmOptions.Mode.CONFORMANCE));
    }

    /** Loads raw instructions of {@code type} in kernel mode with fresh, empty maps. */
    public static VmProgram load(ProgramType type, List<Instruction> instructions) {
        return load(ProgramSpec.builder(type).instructions(instructions).build(), new VmMaps(), VmOptions.defaults());
    }
}
