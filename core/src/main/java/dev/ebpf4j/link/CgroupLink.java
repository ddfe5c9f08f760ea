package dev.ebpf4j.link;

import dev.ebpf4j.AttachType;
import dev.ebpf4j.BpfArgumentException;
import dev.ebpf4j.BpfException;
import dev.ebpf4j.Errno;
import dev.ebpf4j.Program;
import dev.ebpf4j.internal.sys.Bpf;
import dev.ebpf4j.internal.sys.BpfAttr;
import dev.ebpf4j.internal.sys.BpfCommand;
import dev.ebpf4j.internal.sys.CallScratch;
import dev.ebpf4j.internal.sys.Capabilities;
import dev.ebpf4j.internal.sys.Fd;
import dev.ebpf4j.internal.sys.Libc;
import dev.ebpf4j.internal.sys.SysErrors;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * A program attached to a cgroup v2 directory at one of the cgroup hooks ({@link AttachType#isCgroup()}: inet
 * ingress/egress, sock_create, sock_ops, device, bind, connect, sendmsg/recvmsg, sysctl, sockopt, ...). It affects
 * every process in the cgroup and its descendants. Made as a {@code bpf_link} (Linux 5.7+); on older kernels with
 * {@code BPF_PROG_ATTACH} and {@code BPF_F_ALLOW_MULTI}, detached again on close with {@code BPF_PROG_DETACH}
 * ({@link #usesLink()} says which). {@link #query} lists what is attached to a cgroup.
 *
 * <pre>{@code
 * try (Program p = Program.load(spec);     // CGROUP_SKB, expected attach type CGROUP_INET_EGRESS
 *      CgroupLink l = CgroupLink.attach(p, Path.of("/sys/fs/cgroup/app"), AttachType.CGROUP_INET_EGRESS)) {
 *     System.out.println(l.describe());   // cgroup_inet_egress on /sys/fs/cgroup/app → program 'count' (cgroup_skb)
 * }
 * }</pre>
 */
public final class CgroupLink extends SelfDetachingLink {
    static final int BPF_F_ALLOW_MULTI = 1 << 1;

    private final Fd cgroupRef;         // BPF_PROG_ATTACH attachments: the cgroup and program to detach on close
    private final Fd programRef;
    private final Path cgroup;
    private final AttachType attachType;

    private CgroupLink(LinkFd link, Fd cgroupRef, Fd programRef, Path cgroup, AttachType attachType, String what) {
        super(link, what, "BPF_PROG_ATTACH");
        this.cgroupRef = cgroupRef;
        this.programRef = programRef;
        this.cgroup = cgroup;
        this.attachType = attachType;
    }

    /**
     * Attaches {@code prog} to the cgroup directory {@code cgroup} at {@code type}, as a bpf_link where the kernel
     * has them and with BPF_PROG_ATTACH (multi mode) otherwise.
     */
    public static CgroupLink attach(Program prog, Path cgroup, AttachType type) {
        String where = check(prog, cgroup, type);
        String attaching = "attaching " + prog.describe() + " as " + where;
        try (Fd cg = openCgroup(cgroup, attaching)) {
            long r = LinkFd.create(prog.fd(), cg.get(), type, 0, null);
            if (r >= 0) {
                String what = where + " → " + prog.describe();
                return new CgroupLink(new LinkFd(Fd.adopt((int) r, what), what), null, null, cgroup, type, what);
            }
            int errno = (int) -r;
            if (errno == Errno.EINVAL.number() && !LinkSupport.linkCreateExists()) {
                return attachWithProgAttach(prog, cgroup, type);
            }
            throw attachError(errno, attaching, cg.get(), type, BpfCommand.LINK_CREATE);
        }
    }

    /**
     * Attaches with {@code BPF_PROG_ATTACH} and {@code BPF_F_ALLOW_MULTI}, the pre-5.7 way, which
     * {@link #attach} uses by itself where links are missing. Such an attachment is not tied to a file descriptor:
     * it stays until detached, which {@link #close()} does — if the JVM dies first, it stays attached.
     */
    public static CgroupLink attachWithProgAttach(Program prog, Path cgroup, AttachType type) {
        String where = check(prog, cgroup, type);
        String attaching = "attaching " + prog.describe() + " as " + where + " with BPF_PROG_ATTACH";
        Fd cg = openCgroup(cgroup, attaching);
        Fd progRef = null;
        try {
            progRef = LinkSupport.duplicateProgramFd(prog);
            MemorySegment a = CallScratch.get().attr(BpfAttr.ATTACH_SIZE);
            a.set(JAVA_INT, BpfAttr.ATTACH_TARGET_FD, cg.get());
            a.set(JAVA_INT, BpfAttr.ATTACH_BPF_FD, progRef.get());
            a.set(JAVA_INT, BpfAttr.ATTACH_TYPE, type.number());
            a.set(JAVA_INT, BpfAttr.ATTACH_FLAGS, BPF_F_ALLOW_MULTI);
            long r = Bpf.call(BpfCommand.PROG_ATTACH, a, BpfAttr.ATTACH_SIZE);
            if (r < 0) throw attachError((int) -r, attaching, cg.get(), type, BpfCommand.PROG_ATTACH);
            String what = where + " (BPF_PROG_ATTACH) → " + prog.describe();
            return new CgroupLink(null, cg, progRef, cgroup, type, what);
        } catch (RuntimeException e) {
            cg.close();
            if (progRef != null) progRef.close();
            throw e;
        }
    }

    /** The programs attached directly to {@code cgroup} at {@code type}. */
    public static AttachedPrograms query(Path cgroup, AttachType type) {
        return query(cgroup, type, 0);
    }

    /** The programs that run for processes in {@code cgroup} at {@code type}, inherited ones included. */
    public static AttachedPrograms queryEffective(Path cgroup, AttachType type) {
        return query(cgroup, type, ProgramQuery.QUERY_EFFECTIVE);
    }

    private static AttachedPrograms query(Path cgroup, AttachType type, int flags) {
        requireCgroupType(type);
        try (Fd cg = openCgroup(cgroup, "listing the " + type.bpftoolName() + " programs of cgroup " + cgroup)) {
            return ProgramQuery.run(cg.get(), type, flags, "cgroup " + cgroup);
        }
    }

    private static String check(Program prog, Path cgroup, AttachType type) {
        requireCgroupType(type);
        String where = type.bpftoolName() + " on cgroup " + cgroup;
        LinkSupport.requireType(prog, type, where);
        AttachType expected = prog.expectedAttachType();
        if (expected != null && expected != type && mustMatchExpected(type)) {
            throw new BpfArgumentException("cannot attach " + prog.describe() + " as " + where + ": it was loaded "
                    + "for " + expected.bpftoolName() + "; load it with expectedAttachType(AttachType." + type.name()
                    + ")");
        }
        return where;
    }

    /** Program types whose load-time expected attach type must equal the attach type. */
    private static boolean mustMatchExpected(AttachType type) {
        return switch (type.programType()) {
            case CGROUP_SOCK_ADDR, CGROUP_SOCKOPT -> true;
            case CGROUP_SOCK -> type != AttachType.CGROUP_INET_SOCK_CREATE;
            default -> false;
        };
    }

    private static void requireCgroupType(AttachType type) {
        if (!type.isCgroup()) {
            throw new BpfArgumentException(type.bpftoolName() + " is not a cgroup attach type; cgroup links take "
                    + "one of the CGROUP_* attach types");
        }
    }

    /** Opens a cgroup directory read-only; errors name the path. */
    static Fd openCgroup(Path cgroup, String doing) {
        String path = cgroup.toAbsolutePath().toString();
        int fd = Libc.open(CallScratch.get().cString(path), Libc.O_RDONLY | Libc.O_DIRECTORY | Libc.O_CLOEXEC, 0);
        if (fd < 0) {
            int errno = CallScratch.get().errno();
            String why = errno == Errno.ENOENT.number() ? "there is no cgroup directory " + path
                    : errno == Errno.ENOTDIR.number() ? path + " is not a directory (give the cgroup's directory)"
                    : null;
            if (why != null) throw new BpfException(doing + " failed: " + why, errno);
            throw SysErrors.of(doing + ": opening cgroup " + path, errno, Capabilities.CAP_SYS_ADMIN);
        }
        return Fd.adopt(fd, "cgroup " + path);
    }

    private static BpfException attachError(int errno, String attaching, int cgroupFd, AttachType type,
                                            BpfCommand cmd) {
        if (errno == Errno.EPERM.number()) {
            try {
                AttachedPrograms now = ProgramQuery.run(cgroupFd, type, 0, "the cgroup");
                if (!now.programIds().isEmpty() && (now.attachFlags() & BPF_F_ALLOW_MULTI) == 0) {
                    return new BpfException(attaching + " failed: the cgroup already has program "
                            + LinkSupport.programLabel(now.programIds().get(0)) + " attached "
                            + ((now.attachFlags() & 1) != 0 ? "in override mode" : "exclusively")
                            + ", which admits no further programs; ebpf4j does not detach programs others attached",
                            errno);
                }
            } catch (BpfException ignored) {
                // fall through to the permission explanation
            }
        }
        if (errno == Errno.EBADF.number()) {
            return new BpfException(attaching + " failed: the directory is not a cgroup v2 directory (cgroup "
                    + "programs attach to directories of the cgroup2 filesystem, e.g. under /sys/fs/cgroup)", errno);
        }
        if (errno == Errno.EINVAL.number()) {
            return new BpfException(Bpf.error(cmd, errno, attaching, Capabilities.CAP_NET_ADMIN).getMessage()
                    + " (check that the program was loaded with expectedAttachType(AttachType." + type.name()
                    + ") and that the path is a cgroup v2 directory)", errno);
        }
        return Bpf.error(cmd, errno, attaching, Capabilities.CAP_NET_ADMIN);
    }

    /** The cgroup directory. */
    public Path cgroup() {
        return cgroup;
    }

    public AttachType attachType() {
        return attachType;
    }

    /** True for a bpf_link attachment, false for one made with BPF_PROG_ATTACH. */
    public boolean usesLink() {
        return link != null;
    }

    /** Replaces the program atomically (BPF_LINK_UPDATE); only for bpf_link attachments. */
    public void update(Program newProgram) {
        LinkSupport.requireType(newProgram, attachType, what);
        updateLink(newProgram.fd(), "attached with BPF_PROG_ATTACH");
    }

    /** BPF_PROG_DETACH of the program this object attached (one detached meanwhile is fine). */
    @Override
    void detachWithoutLink() {
        try {
            MemorySegment a = CallScratch.get().attr(BpfAttr.ATTACH_SIZE);
            a.set(JAVA_INT, BpfAttr.ATTACH_TARGET_FD, cgroupRef.get());
            a.set(JAVA_INT, BpfAttr.ATTACH_BPF_FD, programRef.get());
            a.set(JAVA_INT, BpfAttr.ATTACH_TYPE, attachType.number());
            long r = Bpf.call(BpfCommand.PROG_DETACH, a, BpfAttr.ATTACH_SIZE);
            if (r < 0 && -r != Errno.ENOENT.number()) {
                throw Bpf.error(BpfCommand.PROG_DETACH, (int) -r, "detaching " + what, Capabilities.CAP_NET_ADMIN);
            }
        } finally {
            cgroupRef.close();
            programRef.close();
        }
    }
}
