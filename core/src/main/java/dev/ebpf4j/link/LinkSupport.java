package dev.ebpf4j.link;

import dev.ebpf4j.AttachType;
import dev.ebpf4j.BpfArgumentException;
import dev.ebpf4j.BpfException;
import dev.ebpf4j.Errno;
import dev.ebpf4j.Program;
import dev.ebpf4j.ProgramType;
import dev.ebpf4j.internal.sys.Bpf;
import dev.ebpf4j.internal.sys.BpfAttr;
import dev.ebpf4j.internal.sys.BpfCommand;
import dev.ebpf4j.internal.sys.CallScratch;
import dev.ebpf4j.internal.sys.Fd;
import dev.ebpf4j.internal.sys.Libc;
import dev.ebpf4j.internal.sys.SysErrors;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Checks and probes the network and cgroup links share: program-type checks with clear messages, memoised probes
 * for {@code BPF_LINK_CREATE} and tcx, the error for pinning an attachment that has no kernel link, and the program
 * fd duplicate such attachments keep.
 *
 * <pre>{@code
 * LinkSupport.requireType(prog, ProgramType.XDP, "xdp on eth0");
 * if (!LinkSupport.tcxSupported()) { ... use the netlink fallback ... }
 * }</pre>
 */
final class LinkSupport {
    private static volatile Boolean linkCreate;
    private static volatile Boolean tcx;

    private LinkSupport() {
    }

    /** Throws {@link BpfArgumentException} unless {@code prog} is of {@code type}. */
    static void requireType(Program prog, ProgramType type, String where) {
        if (prog.type() != type) {
            throw new BpfArgumentException("cannot attach " + prog.describe() + " as " + where + ": that hook runs "
                    + type.bpftoolName() + " programs, this one is " + prog.type().bpftoolName()
                    + "; load it with ProgramType." + type.name());
        }
    }

    /** Throws {@link BpfArgumentException} unless {@code prog} is of the type that attaches at {@code type}. */
    static void requireType(Program prog, AttachType type, String where) {
        requireType(prog, type.programType(), where);
    }

    /** True when the kernel has {@code BPF_LINK_CREATE} (Linux 5.7). */
    static boolean linkCreateExists() {
        Boolean b = linkCreate;
        if (b == null) {
            // An invalid program fd gives EBADF from a kernel that knows the command and EINVAL from one that doesn't.
            MemorySegment a = CallScratch.get().attr(BpfAttr.LINK_CREATE_SIZE);
            a.set(JAVA_INT, BpfAttr.LINK_PROG_FD, -1);
            long r = Bpf.call(BpfCommand.LINK_CREATE, a, BpfAttr.LINK_CREATE_SIZE);
            b = r != -Errno.EINVAL.number();
            linkCreate = b;
        }
        return b;
    }

    /** True when the kernel knows the tcx attach types (Linux 6.6). */
    static boolean tcxSupported() {
        Boolean b = tcx;
        if (b == null) {
            // Querying loopback's tcx ingress chain succeeds on kernels with tcx; older ones reject the attach type.
            MemorySegment a = CallScratch.get().attr(BpfAttr.QUERY_SIZE);
            a.set(JAVA_INT, BpfAttr.QUERY_TARGET_FD, 1);
            a.set(JAVA_INT, BpfAttr.QUERY_ATTACH_TYPE, AttachType.TCX_INGRESS.number());
            long r = Bpf.call(BpfCommand.PROG_QUERY, a, BpfAttr.QUERY_SIZE);
            b = r >= 0 || (r != -Errno.EINVAL.number() && r != -Errno.E2BIG.number());
            tcx = b;
        }
        return b;
    }

    /** Tests only: pretend the tcx probe answered {@code answer} (null re-probes). */
    static void overrideTcxProbe(Boolean answer) {
        tcx = answer;
    }

    /** The error for pinning or unpinning an attachment made without a kernel link object. */
    static BpfException notPinnable(String what, String how) {
        return new BpfException("cannot pin " + what + ": it was attached through " + how + ", which creates no "
                + "kernel link object to pin; it stays attached until this object is closed", Errno.EOPNOTSUPP.number());
    }

    /**
     * A close-on-exec duplicate of the program's fd, owned by an attachment made without a bpf_link (which must
     * name the program again to detach it).
     */
    static Fd duplicateProgramFd(Program prog) {
        int d = Libc.dupCloexec(prog.fd());
        if (d < 0) throw SysErrors.of("duplicating the descriptor of " + prog.describe(), CallScratch.get().errno());
        return Fd.adopt(d, prog.describe());
    }

    /** "'name' (id 12)" for a program id, or "id 12" when it cannot be opened. */
    static String programLabel(int progId) {
        try (Program p = Program.fromId(progId)) {
            return "'" + p.name() + "' (id " + progId + ")";
        } catch (BpfException e) {
            return "id " + progId;
        }
    }
}
