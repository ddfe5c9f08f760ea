package dev.ebpf4j.link;

import dev.ebpf4j.Program;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Where a program goes in a multi-program hook (tcx): first, last, or right before or after a given program or
 * link (by object or by kernel id), optionally only if the hook is still at an expected revision (so two tools that
 * read-then-attach cannot race each other). {@link #append()} (the default) adds at the end.
 *
 * <pre>{@code
 * try (TcxLink monitor = TcxLink.attach(monitorProg, "eth0", TcDirection.INGRESS);
 *      TcxLink firewall = TcxLink.attach(fwProg, "eth0", TcDirection.INGRESS, AttachOrder.before(monitor))) {
 *     ...   // firewall runs before monitor
 * }
 * long rev = TcxLink.query(ifindex, TcDirection.INGRESS).revision();
 * TcxLink.attach(p, ifindex, TcDirection.INGRESS, AttachOrder.first().expectRevision(rev));
 * }</pre>
 */
public final class AttachOrder {
    static final int BPF_F_REPLACE = 1 << 2;
    static final int BPF_F_BEFORE = 1 << 3;
    static final int BPF_F_AFTER = 1 << 4;
    static final int BPF_F_ID = 1 << 5;
    static final int BPF_F_LINK = 1 << 13;

    private static final AttachOrder APPEND = new AttachOrder(0, null, null, 0, 0, "appended");

    private final int flags;
    private final Program relativeProgram;
    private final TcxLink relativeLink;
    private final int relativeId;
    private final long expectedRevision;
    private final String description;

    private AttachOrder(int flags, Program relativeProgram, TcxLink relativeLink, int relativeId,
                        long expectedRevision, String description) {
        this.flags = flags;
        this.relativeProgram = relativeProgram;
        this.relativeLink = relativeLink;
        this.relativeId = relativeId;
        this.expectedRevision = expectedRevision;
        this.description = description;
    }

    /** After every program already attached (the default). */
    public static AttachOrder append() {
        return APPEND;
    }

    /** Before every program already attached. */
    public static AttachOrder first() {
        return new AttachOrder(BPF_F_BEFORE, null, null, 0, 0, "first");
    }

    /** After every program already attached, stated explicitly (the kernel's BPF_F_AFTER without a relative). */
    public static AttachOrder last() {
        return new AttachOrder(BPF_F_AFTER, null, null, 0, 0, "last");
    }

    /** Right before {@code program}, which must be attached at the same hook. */
    public static AttachOrder before(Program program) {
        return new AttachOrder(BPF_F_BEFORE, Objects.requireNonNull(program), null, 0, 0,
                "before " + program.describe());
    }

    /** Right after {@code program}, which must be attached at the same hook. */
    public static AttachOrder after(Program program) {
        return new AttachOrder(BPF_F_AFTER, Objects.requireNonNull(program), null, 0, 0,
                "after " + program.describe());
    }

    /** Right before the program of {@code link}. */
    public static AttachOrder before(TcxLink link) {
        return new AttachOrder(BPF_F_BEFORE | BPF_F_LINK, null, Objects.requireNonNull(link), 0, 0,
                "before " + link.describe());
    }

    /** Right after the program of {@code link}. */
    public static AttachOrder after(TcxLink link) {
        return new AttachOrder(BPF_F_AFTER | BPF_F_LINK, null, Objects.requireNonNull(link), 0, 0,
                "after " + link.describe());
    }

    /** Right before the program with kernel id {@code programId}. */
    public static AttachOrder beforeProgramId(int programId) {
        return new AttachOrder(BPF_F_BEFORE | BPF_F_ID, null, null, positive(programId), 0,
                "before program id " + programId);
    }

    /** Right after the program with kernel id {@code programId}. */
    public static AttachOrder afterProgramId(int programId) {
        return new AttachOrder(BPF_F_AFTER | BPF_F_ID, null, null, positive(programId), 0,
                "after program id " + programId);
    }

    /** Right before the program of the link with kernel id {@code linkId}. */
    public static AttachOrder beforeLinkId(int linkId) {
        return new AttachOrder(BPF_F_BEFORE | BPF_F_LINK | BPF_F_ID, null, null, positive(linkId), 0,
                "before link id " + linkId);
    }

    /** Right after the program of the link with kernel id {@code linkId}. */
    public static AttachOrder afterLinkId(int linkId) {
        return new AttachOrder(BPF_F_AFTER | BPF_F_LINK | BPF_F_ID, null, null, positive(linkId), 0,
                "after link id " + linkId);
    }

    /**
     * The same placement, but only if the hook is still at {@code revision} (from {@link AttachedPrograms#revision()});
     * otherwise the attach fails with ESTALE.
     */
    public AttachOrder expectRevision(long revision) {
        if (revision <= 0) throw new IllegalArgumentException("revisions start at 1, got " + revision);
        return new AttachOrder(flags, relativeProgram, relativeLink, relativeId, revision,
                description + " at revision " + revision);
    }

    /** The expected revision, or 0 for none. */
    public long expectedRevision() {
        return expectedRevision;
    }

    /** "before program 'fw' (sched_cls)", "first at revision 3", ... */
    public String describe() {
        return description;
    }

    @Override
    public String toString() {
        return "AttachOrder[" + description + "]";
    }

    int flags() {
        return flags;
    }

    /** Writes relative_fd/relative_id and expected_revision into a BPF_LINK_CREATE attr (tcx layout). */
    void fill(MemorySegment attr) {
        int relative = relativeId;
        if (relativeProgram != null) relative = relativeProgram.fd();
        if (relativeLink != null) relative = relativeLink.linkFd();
        attr.set(JAVA_INT, dev.ebpf4j.internal.sys.BpfAttr.LINK_TCX_RELATIVE_FD, relative);
        attr.set(JAVA_LONG, dev.ebpf4j.internal.sys.BpfAttr.LINK_TCX_EXPECTED_REVISION, expectedRevision);
    }

    private static int positive(int id) {
        if (id <= 0) throw new IllegalArgumentException("kernel ids start at 1, got " + id);
        return id;
    }
}
