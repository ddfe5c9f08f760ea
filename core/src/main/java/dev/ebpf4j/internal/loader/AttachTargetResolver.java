package dev.ebpf4j.internal.loader;

import dev.ebpf4j.AttachType;
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
 * module's BTF and comes with the module BTF object's fd.
 *
 * <pre>{@code
 * AttachTargetResolver.Target t = AttachTargetResolver.resolve(program, RunningKernel.INSTANCE);
 * }</pre>
 */
public final class AttachTargetResolver {
    private AttachTargetResolver() {
    }

    /**
     * A resolved target: the BTF id and, for modules, an owned fd of the module's BTF object (null for vmlinux).
     *
     * @param btfId    attach_btf_id
     * @param moduleFd attach_btf_obj_fd owner, or null
     */
    public record Target(int btfId, Fd moduleFd) {
    }

    /** The target of {@code program}, or null when its section does not name one. */
    public static Target resolve(ProgramDefinition program, KernelView kernel) {
        if (program.match() == null) return null;
        SectionDef def = program.match().definition();
        if (!def.flags().contains(SectionDef.Flag.ATTACH_BTF)) return null;
        String target = program.match().target();
        String what = program.describe();
        if (def.programType() == ProgramType.EXT) {
            throw NotSupportedException.notImplemented("freplace programs in objects", what + " replaces a "
                    + "function of another loaded program, which BpfObject cannot know; load it with Program.load");
        }
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
