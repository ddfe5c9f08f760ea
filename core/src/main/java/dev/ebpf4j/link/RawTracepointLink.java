package dev.ebpf4j.link;

import dev.ebpf4j.AttachType;
import dev.ebpf4j.BpfArgumentException;
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
 * A raw tracepoint program attached to a kernel tracepoint by name, either untyped ({@code raw_tp}: program type
 * {@code raw_tracepoint} or {@code raw_tracepoint_writable}, context = the tracepoint's arguments as {@code u64[]})
 * or BTF-typed ({@code tp_btf}: program type {@code tracing} with expected attach type {@code trace_raw_tp}, loaded
 * with the BTF id of the kernel's {@code btf_trace_<name>} typedef, see {@link #tpBtfProgramSpec(String)}).
 *
 * <p>raw_tp attaches with {@code BPF_RAW_TRACEPOINT_OPEN}; tp_btf with {@code BPF_LINK_CREATE} and, on kernels that
 * do not accept that, {@code BPF_RAW_TRACEPOINT_OPEN} without a name. Both give a {@code bpf_link}.
 *
 * <pre>{@code
 * try (Program raw = Program.load(ProgramSpec.builder(ProgramType.RAW_TRACEPOINT).name("enter")
 *              .instructions(insns).build());
 *      RawTracepointLink l = RawTracepointLink.attach(raw, "sys_enter")) { ... }
 *
 * ProgramSpec btf = RawTracepointLink.tpBtfProgramSpec("sched_switch").name("switch").instructions(insns).build();
 * try (Program p = Program.load(btf); RawTracepointLink l = RawTracepointLink.attach(p)) { ... }
 * }</pre>
 */
public final class RawTracepointLink extends BpfLink {
    private static final String KIND = "RawTracepointLink";

    private final String tracepoint;
    private final boolean btfTyped;

    private RawTracepointLink(LinkFd link, String tracepoint, boolean btfTyped) {
        super(link);
        this.tracepoint = tracepoint;
        this.btfTyped = btfTyped;
    }

    /**
     * Attaches {@code program} to raw tracepoint {@code name} ("sched_switch", "sys_enter"). A tp_btf program must
     * have been loaded for the same tracepoint.
     */
    public static RawTracepointLink attach(Program program, String name) {
        ProgramChecks.requireType(program, KIND, ProgramType.RAW_TRACEPOINT, ProgramType.RAW_TRACEPOINT_WRITABLE,
                ProgramType.TRACING);
        ProgramChecks.requireName(name, "raw tracepoint name", KIND);
        if (program.type() == ProgramType.TRACING) {
            int loadedFor = program.info().attachBtfId();
            int wanted = tpBtfTypeId(name);
            if (loadedFor != 0 && loadedFor != wanted) {
                throw new BpfArgumentException(KIND + ": " + program.describe() + " was loaded for BTF type id "
                        + loadedFor + ", not for tracepoint '" + name + "' (btf_trace_" + name + " is id " + wanted
                        + "); build its spec with RawTracepointLink.tpBtfProgramSpec(\"" + name + "\")");
            }
            return attachBtf(program, name);
        }
        String what = "raw_tracepoint " + name + " → " + program.describe();
        long r = RawTracepointOpen.open(program.fd(), name);
        if (r < 0) {
            int errno = (int) -r;
            if (errno == Errno.ENOENT.number()) {
                throw new NotSupportedException("raw tracepoint " + name, "", "this kernel has no tracepoint '"
                        + name + "'" + NearMisses.hint(name, TracefsEvents.allNames())).withContext(what);
            }
            throw Bpf.error(BpfCommand.RAW_TRACEPOINT_OPEN, errno, "attaching " + what, Capabilities.CAP_PERFMON);
        }
        return new RawTracepointLink(new LinkFd(Fd.adopt((int) r, what), what), name, false);
    }

    /** Attaches a tp_btf program to the tracepoint it was loaded for. */
    public static RawTracepointLink attach(Program program) {
        ProgramChecks.requireType(program, KIND + ".attach(Program) (tp_btf)", ProgramType.TRACING);
        return attachBtf(program, null);
    }

    private static RawTracepointLink attachBtf(Program program, String name) {
        ProgramChecks.requireAttachType(program, KIND, AttachType.TRACE_RAW_TP);
        String target = name != null ? name : program.describe();
        long r = LinkFd.create(program.fd(), 0, AttachType.TRACE_RAW_TP, 0, null);
        String how = "BPF_LINK_CREATE";
        if (r == -Errno.EINVAL.number()) {
            // Kernels before 6.10 attach tp_btf only through BPF_RAW_TRACEPOINT_OPEN.
            r = RawTracepointOpen.open(program.fd(), null);
            how = "BPF_RAW_TRACEPOINT_OPEN";
        }
        if (r < 0) {
            throw Bpf.error(how.equals("BPF_LINK_CREATE") ? BpfCommand.LINK_CREATE : BpfCommand.RAW_TRACEPOINT_OPEN,
                    (int) -r, "attaching tp_btf " + target + " → " + program.describe(), Capabilities.CAP_PERFMON);
        }
        Fd fd = Fd.adopt((int) r, "tp_btf link");
        try {
            String tp = name;
            if (tp == null) {
                Object n = LinkInfoReader.read(fd.get(), "tp_btf link").details().get("tp_name");
                tp = n instanceof String s && !s.isEmpty() ? s : "(btf id " + program.info().attachBtfId() + ")";
            }
            String what = "tp_btf " + tp + " → " + program.describe() + " via " + how;
            return new RawTracepointLink(new LinkFd(fd, what), tp, true);
        } catch (RuntimeException e) {
            fd.close();
            throw e;
        }
    }

    /**
     * The BTF id of {@code btf_trace_<name>} in the running kernel, which a tp_btf program for tracepoint
     * {@code name} is loaded with; an unknown name raises {@link NotSupportedException} with similar names.
     */
    public static int tpBtfTypeId(String name) {
        ProgramChecks.requireName(name, "tp_btf tracepoint name", KIND);
        return Btf.vmlinux().findId("btf_trace_" + name, BtfKind.TYPEDEF).orElseThrow(() ->
                new NotSupportedException("tp_btf tracepoint " + name, "", "the kernel's BTF has no typedef btf_trace_"
                        + name + ", so it has no tracepoint '" + name + "'"
                        + NearMisses.hint(name, TracefsEvents.allNames())));
    }

    /**
     * A spec builder for a tp_btf program on tracepoint {@code name}: type tracing, expected attach type
     * trace_raw_tp, the typedef's BTF id, section "tp_btf/&lt;name&gt;". Add a name and instructions, then build.
     */
    public static ProgramSpec.Builder tpBtfProgramSpec(String name) {
        int id = tpBtfTypeId(name);
        return ProgramSpec.builder(ProgramType.TRACING).expectedAttachType(AttachType.TRACE_RAW_TP)
                .attachBtfId(id).attachTo(name).sectionName("tp_btf/" + name);
    }

    /** The tracepoint name, e.g. "sched_switch". */
    public String tracepoint() {
        return tracepoint;
    }

    /** True for a tp_btf (BTF-typed) attachment, false for raw_tp. */
    public boolean isBtfTyped() {
        return btfTyped;
    }
}
