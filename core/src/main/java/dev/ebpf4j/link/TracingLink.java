package dev.ebpf4j.link;

import dev.ebpf4j.AttachType;
import dev.ebpf4j.BpfArgumentException;
import dev.ebpf4j.BpfException;
import dev.ebpf4j.Errno;
import dev.ebpf4j.NotSupportedException;
import dev.ebpf4j.Program;
import dev.ebpf4j.ProgramSpec;
import dev.ebpf4j.ProgramType;
import dev.ebpf4j.btf.Btf;
import dev.ebpf4j.btf.BtfKind;
import dev.ebpf4j.internal.sys.Bpf;
import dev.ebpf4j.internal.sys.BpfCommand;
import dev.ebpf4j.internal.sys.Capabilities;
import dev.ebpf4j.internal.sys.Fd;

/**
 * A BPF-trampoline program attached to a kernel function: {@code fentry}, {@code fexit}, {@code fmod_ret} (program
 * type {@code tracing}) or an {@code lsm} hook (program type {@code lsm}); or a {@code freplace} program (type
 * {@code ext}) replacing a function of another BPF program. The target is fixed at load time by the
 * program's {@code attach_btf_id}; {@link #programSpec(Kind, String)} looks it up in the kernel's BTF.
 *
 * <p>Attaches with {@code BPF_LINK_CREATE} (5.10+) and falls back to {@code BPF_RAW_TRACEPOINT_OPEN} without a name
 * (5.5+). Kernels without usable trampolines refuse these programs already at load (see
 * {@link Program#load(ProgramSpec)}); should one get this far, attaching raises {@link NotSupportedException}.
 *
 * <pre>{@code
 * ProgramSpec spec = TracingLink.programSpec(TracingLink.Kind.FENTRY, "do_unlinkat")
 *         .name("unlink").instructions(new Asm().mov64(R0, 0).exit().build()).build();
 * try (Program p = Program.load(spec); TracingLink l = TracingLink.attach(p)) {
 *     System.out.println(l.describe());   // fentry do_unlinkat → program 'unlink' (fentry/do_unlinkat) via ...
 * } catch (NotSupportedException e) {
 *     System.err.println(e.getMessage());  // "... BPF trampolines are unavailable here ..."
 * }
 * }</pre>
 */
public final class TracingLink extends BpfLink {
    private static final String LINK_KIND = "TracingLink";

    /**
     * The trampoline attach kinds, with their program type, attach type and section prefix.
     *
     * <pre>{@code
     * ProgramSpec.Builder b = TracingLink.programSpec(TracingLink.Kind.FEXIT, "do_unlinkat");
     * }</pre>
     */
    public enum Kind {
        FENTRY(ProgramType.TRACING, AttachType.TRACE_FENTRY, "fentry", ""),
        FEXIT(ProgramType.TRACING, AttachType.TRACE_FEXIT, "fexit", ""),
        FMOD_RET(ProgramType.TRACING, AttachType.MODIFY_RETURN, "fmod_ret", ""),
        /** An LSM hook: the target is the hook name ("file_open"), resolved to {@code bpf_lsm_<hook>}. */
        LSM(ProgramType.LSM, AttachType.LSM_MAC, "lsm", "bpf_lsm_"),
        /**
         * freplace: an {@code ext} program replacing a global function of another loaded BPF program (the target
         * fixed at load with attach_prog_fd, or given to {@link #attachFreplace}); no attach type.
         */
        FREPLACE(ProgramType.EXT, null, "freplace", "");

        private final ProgramType programType;
        private final AttachType attachType;
        private final String section;
        private final String btfPrefix;

        Kind(ProgramType programType, AttachType attachType, String section, String btfPrefix) {
            this.programType = programType;
            this.attachType = attachType;
            this.section = section;
            this.btfPrefix = btfPrefix;
        }

        public ProgramType programType() {
            return programType;
        }

        public AttachType attachType() {
            return attachType;
        }

        /** The section prefix, e.g. "fentry". */
        public String sectionPrefix() {
            return section;
        }

        static Kind of(AttachType a) {
            for (Kind k : values()) if (a != null && k.attachType == a) return k;
            return null;
        }
    }

    private final Kind kind;

    private TracingLink(LinkFd link, Kind kind) {
        super(link);
        this.kind = kind;
    }

    /**
     * The BTF id of the kernel function {@code target} of {@code kind} (for LSM the hook name, looked up as
     * {@code bpf_lsm_<hook>}); an unknown name raises {@link NotSupportedException}.
     */
    public static int targetBtfId(Kind kind, String target) {
        ProgramChecks.requireName(target, kind.section + " target function", LINK_KIND);
        if (kind == Kind.FREPLACE) {
            throw new BpfArgumentException(LINK_KIND + ": freplace targets are functions of loaded BPF programs, not "
                    + "of the kernel; load the ext program with attach_prog_fd (BpfObject.LoadOptions.withAttachTarget)"
                    + " or use attachFreplace");
        }
        String func = kind.btfPrefix + target;
        return Btf.vmlinux().findId(func, BtfKind.FUNC).orElseThrow(() ->
                new NotSupportedException(kind.section + " target " + target, "", "the kernel's BTF has no "
                        + "function '" + func + "'" + (kind == Kind.LSM ? " (no such LSM hook)" : "")
                        + "; only functions in the kernel's BTF can be traced this way"));
    }

    /**
     * A spec builder for a {@code kind} program on kernel function (or LSM hook) {@code target}: program type,
     * expected attach type, the function's BTF id and section "kind/target" are set; add a name and instructions.
     */
    public static ProgramSpec.Builder programSpec(Kind kind, String target) {
        int id = targetBtfId(kind, target);
        return ProgramSpec.builder(kind.programType).expectedAttachType(kind.attachType).attachBtfId(id)
                .attachTo(target).sectionName(kind.section + "/" + target);
    }

    /**
     * Attaches a fentry/fexit/fmod_ret/lsm program to the function it was loaded for, or a freplace ({@code ext})
     * program in place of the function of the program it was loaded for.
     */
    public static TracingLink attach(Program program) {
        ProgramChecks.requireType(program, LINK_KIND, ProgramType.TRACING, ProgramType.LSM, ProgramType.EXT);
        ProgramChecks.requireAttachType(program, LINK_KIND, AttachType.TRACE_FENTRY, AttachType.TRACE_FEXIT,
                AttachType.MODIFY_RETURN, AttachType.LSM_MAC);
        AttachType at = program.expectedAttachType();
        Kind kind = at != null ? Kind.of(at) : program.type() == ProgramType.LSM ? Kind.LSM
                : program.type() == ProgramType.EXT ? Kind.FREPLACE : null;
        String name = kind != null ? kind.section : "tracing";
        long r;
        String how;
        if (at != null) {
            r = LinkFd.create(program.fd(), 0, at, 0, null);
            how = "BPF_LINK_CREATE";
            if (r == -Errno.EINVAL.number()) {
                r = RawTracepointOpen.open(program.fd(), null);
                how = "BPF_RAW_TRACEPOINT_OPEN";
            }
        } else {
            r = RawTracepointOpen.open(program.fd(), null);
            how = "BPF_RAW_TRACEPOINT_OPEN";
        }
        String what = name + " → " + program.describe();
        if (r < 0) throw attachError((int) -r, how, what, kind);
        return new TracingLink(new LinkFd(Fd.adopt((int) r, what), what + " via " + how), kind);
    }

    /**
     * Attaches freplace program {@code ext} in place of global function {@code function} of the loaded program
     * {@code target} ({@code BPF_LINK_CREATE} with the target's fd and the function's id in the target's BTF,
     * Linux 5.10+): the same ext program may replace functions of several programs this way, besides the one it was
     * loaded for.
     */
    public static TracingLink attachFreplace(Program ext, Program target, String function) {
        ProgramChecks.requireType(ext, LINK_KIND + ".attachFreplace", ProgramType.EXT);
        if (target == null) throw new BpfArgumentException(LINK_KIND + ".attachFreplace needs a target program");
        ProgramChecks.requireName(function, "function", LINK_KIND);
        String what = "freplace " + function + " of " + target.describe() + " → " + ext.describe();
        Btf btf = dev.ebpf4j.internal.loader.ProgramBtfReader.read(target.fd());
        if (btf == null) {
            throw new BpfArgumentException(what + ": the target program was loaded without BTF, so its functions "
                    + "cannot be named");
        }
        int btfId = dev.ebpf4j.internal.loader.AttachTargetResolver.functionId(btf, function, what + ": the target "
                + target.describe());
        long r = LinkFd.create(ext.fd(), target.fd(), 0, 0,
                a -> a.set(java.lang.foreign.ValueLayout.JAVA_INT, dev.ebpf4j.internal.sys.BpfAttr
                        .LINK_TRACING_TARGET_BTF_ID, btfId));
        if (r < 0) throw attachError((int) -r, "BPF_LINK_CREATE", what, Kind.FREPLACE);
        return new TracingLink(new LinkFd(Fd.adopt((int) r, what), what + " via BPF_LINK_CREATE"), Kind.FREPLACE);
    }

    private static BpfException attachError(int errno, String how, String what, Kind kind) {
        if (errno == Errno.EPERM.number() && Capabilities.current().canBpf() || errno == Errno.ENOTSUPP.number()
                || errno == Errno.EOPNOTSUPP.number() || errno == Errno.ENODEV.number()) {
            String feature = kind == Kind.LSM ? "LSM BPF programs" : kind == Kind.FREPLACE ? "freplace (EXT) programs"
                    : "fentry/fexit/fmod_ret programs";
            return new NotSupportedException(feature, "5.5", "BPF trampolines are unavailable here: " + how
                    + " returned " + Errno.describe(errno) + " (the kernel lacks ftrace direct calls / "
                    + "CONFIG_FUNCTION_TRACER, or they are blocked" + (kind == Kind.LSM ? ", or the bpf LSM is not in "
                    + "the lsm= boot parameter" : "") + "); use a tracepoint, raw_tracepoint or tp_btf program "
                    + "instead", errno).withContext(what);
        }
        BpfCommand cmd = how.equals("BPF_LINK_CREATE") ? BpfCommand.LINK_CREATE : BpfCommand.RAW_TRACEPOINT_OPEN;
        return Bpf.error(cmd, errno, "attaching " + what, Capabilities.CAP_PERFMON);
    }

    /** The attach kind, or null when the program (opened by id or pin) did not say. */
    public Kind kind() {
        return kind;
    }
}
