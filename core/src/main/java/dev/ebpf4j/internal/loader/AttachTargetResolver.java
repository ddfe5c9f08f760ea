package dev.ebpf4j.internal.loader;

import dev.ebpf4j.AttachType;
import dev.ebpf4j.BpfArgumentException;
import dev.ebpf4j.BpfException;
import dev.ebpf4j.NotSupportedException;
import dev.ebpf4j.ProgramType;
import dev.ebpf4j.SectionDef;
import dev.ebpf4j.btf.Btf;
import dev.ebpf4j.btf.BtfKind;
import dev.ebpf4j.internal.sys.Fd;

import java.util.OptionalInt;

/**
 * Finds the kernel BTF entity a tp_btf, fentry/fexit/fmod_ret, iterator or LSM program attaches to, from the target
 * its section names: {@code btf_trace_<tracepoint>} (TYPEDEF), the function itself, {@code bpf_iter_<name>},
 * {@code bpf_lsm_<hook>}. A {@code module:function} target (or a function only a module has) is looked up in that
 * module's BTF and comes with the module BTF object's fd. freplace programs (and fentry/fexit given a target program)
 * name a function of a loaded BPF program instead: its id in that program's BTF, with the program's fd.
 *
 * <pre>{@code
 * AttachTargetResolver.Target t = AttachTargetResolver.resolve(program, RunningKernel.INSTANCE);
 * }</pre>
 */
public final class AttachTargetResolver {
    private AttachTargetResolver() {
    }

    /**
     * A resolved target: the BTF id and, for modules, an owned fd of the module's BTF object (null for vmlinux), or
     * for a function of a loaded BPF program, that program's fd.
     *
     * @param btfId        attach_btf_id
     * @param moduleFd     attach_btf_obj_fd owner, or null
     * @param attachProgFd attach_prog_fd (freplace, fentry/fexit on BPF programs), 0 for kernel targets
     */
    public record Target(int btfId, Fd moduleFd, int attachProgFd) {
        public Target(int btfId, Fd moduleFd) {
            this(btfId, moduleFd, 0);
        }
    }

    /**
     * A loaded program whose function another program attaches to (libbpf's {@code bpf_program__set_attach_target}).
     *
     * @param fd       the target program's fd
     * @param function the function to replace or trace, or null for the one the section names
     * @param describe the target program for messages
     */
    public record ProgramTarget(int fd, String function, String describe) {
    }

    /** The target of {@code program}, or null when its section does not name one. */
    public static Target resolve(ProgramDefinition program, KernelView kernel) {
        return resolve(program, kernel, null);
    }

    /**
     * The target of {@code program}, or null when its section does not name one; {@code target} (may be null) is the
     * loaded program it attaches to: required for freplace, optional for fentry/fexit (which then trace a BPF
     * function instead of a kernel one).
     */
    public static Target resolve(ProgramDefinition program, KernelView kernel, ProgramTarget targetProgram) {
        if (program.match() == null) return null;
        SectionDef def = program.match().definition();
        if (!def.flags().contains(SectionDef.Flag.ATTACH_BTF)) return null;
        String what = program.describe();
        if (targetProgram != null) return inProgram(program, kernel, targetProgram);
        if (def.programType() == ProgramType.EXT) {
            throw new BpfArgumentException("an freplace program replaces a function ('" + program.match().target()
                    + "') of another loaded program, which must be named: "
                    + "BpfObject.LoadOptions.withAttachTarget(\"" + program.name() + "\", targetProgram)");
        }
        String target = program.match().target();
        if (target.isEmpty()) {
            throw new BpfException(what + ": the section names no attach target (expected '"
                    + def.prefix() + "/<target>')");
        }
        String module = null;
        int colon = target.indexOf(':');
        if (colon > 0) {
            module = target.substring(0, colon);
            target = target.substring(colon + 1);
        }
        String name;
        BtfKind kind;
        AttachType at = def.attachType();
        if (at == AttachType.TRACE_RAW_TP) {
            name = "btf_trace_" + target;
            kind = BtfKind.TYPEDEF;
        } else if (at == AttachType.TRACE_ITER) {
            name = "bpf_iter_" + target;
            kind = BtfKind.FUNC;
        } else if (def.programType() == ProgramType.LSM) {
            name = "bpf_lsm_" + target;
            kind = BtfKind.FUNC;
        } else {
            name = target;
            kind = BtfKind.FUNC;
        }
        Btf vmlinux;
        try {
            vmlinux = kernel.vmlinux();
        } catch (NotSupportedException e) {
            throw new NotSupportedException("BTF attach targets", "5.5", what + " attaches to kernel BTF entity '"
                    + name + "', but the kernel has no BTF: " + e.getMessage());
        }
        if (module == null) {
            OptionalInt id = vmlinux.findId(name, kind);
            if (id.isPresent()) return new Target(id.getAsInt(), null);
            for (String m : kernel.moduleNames()) {
                Target t = inModule(kernel, m, name, kind);
                if (t != null) return t;
            }
        } else {
            Target t = inModule(kernel, module, name, kind);
            if (t != null) return t;
        }
        throw new NotSupportedException(def.prefix() + " target '" + target + "'", "", what + ": the kernel's BTF"
                + (module == null ? " (vmlinux and modules)" : " of module '" + module + "'") + " has no "
                + kind + " '" + name + "'" + hint(at, def.programType()));
    }

    /** The BTF id of the function {@code program} attaches to inside the loaded program {@code target}. */
    private static Target inProgram(ProgramDefinition program, KernelView kernel, ProgramTarget target) {
        String function = target.function() != null ? target.function() : program.match().target();
        if (function.isEmpty()) {
            throw new BpfArgumentException("neither the section nor the attach target names the function of "
                    + target.describe() + " to attach to (expected '" + program.match().definition().prefix()
                    + "/<function>' or withAttachTarget(program, target, function))");
        }
        Btf btf = kernel.programBtf(target.fd());
        if (btf == null) {
            throw new BpfArgumentException("the attach target " + target.describe() + " was loaded without BTF, so its "
                    + "functions cannot be named; load it with its BTF (func_info), as BpfObject does for clang -g "
                    + "objects");
        }
        return new Target(functionId(btf, function, "the attach target " + target.describe()), null, target.fd());
    }

    /**
     * The BTF id of FUNC {@code function} in a program's BTF {@code btf}; a missing one raises
     * {@link BpfArgumentException} listing the functions there ({@code what} names the program in the message).
     */
    public static int functionId(Btf btf, String function, String what) {
        OptionalInt id = btf.findId(function, BtfKind.FUNC);
        if (id.isPresent()) return id.getAsInt();
        java.util.List<String> funcs = new java.util.ArrayList<>();
        for (int i = 1; i < btf.typeCount(); i++) if (btf.kind(i) == BtfKind.FUNC) funcs.add(btf.name(i));
        throw new BpfArgumentException(what + " has no function '" + function + "' in its BTF; its functions are "
                + funcs);
    }

    private static Target inModule(KernelView kernel, String module, String name, BtfKind kind) {
        Btf mb;
        try {
            mb = kernel.module(module);
        } catch (BpfException e) {
            return null;
        }
        OptionalInt id = mb.findId(name, kind);
        if (id.isEmpty() || id.getAsInt() < mb.firstTypeId()) return null;
        return new Target(id.getAsInt(), kernel.moduleBtfFd(module));
    }

    private static String hint(AttachType at, ProgramType type) {
        if (at == AttachType.TRACE_RAW_TP) return " (no such tracepoint; see /sys/kernel/tracing/available_events)";
        if (at == AttachType.TRACE_ITER) return " (no such BPF iterator)";
        if (type == ProgramType.LSM) return " (no such LSM hook)";
        return " (only functions in the kernel's BTF can be traced with fentry/fexit)";
    }
}
