package dev.ebpf4j.link;

import dev.ebpf4j.internal.sys.Bpf;
import dev.ebpf4j.internal.sys.BpfAttr;
import dev.ebpf4j.internal.sys.BpfCommand;
import dev.ebpf4j.internal.sys.CallScratch;
import dev.ebpf4j.internal.sys.Fd;
import dev.ebpf4j.internal.sys.ObjectPins;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Optional;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The part every {@code bpf_link}-backed link shares: the link fd, its pin, detach and close semantics (close
 * detaches unless pinned), and info. Link classes hold one and delegate to it.
 *
 * <pre>{@code
 * LinkFd fd = new LinkFd(Fd.adopt(raw, "xdp link"), "xdp on eth0 → program 'x'");
 * fd.pin(Path.of("/sys/fs/bpf/xdp_link"));
 * }</pre>
 */
final class LinkFd implements KernelAttachment {
    private final Fd fd;
    private final String what;
    private volatile Path pinnedAt;

    LinkFd(Fd fd, String what) {
        this.fd = fd;
        this.what = what;
        fd.describeAs(what);
    }

    int get() {
        return fd.get();
    }

    String describe() {
        return what;
    }

    @Override
    public Optional<LinkInfo> info() {
        return Optional.of(LinkInfoReader.read(fd.get(), what));
    }

    @Override
    public void pin(Path path) {
        ObjectPins.pin(fd.get(), path, what);
        pinnedAt = path;
    }

    @Override
    public void unpin() {
        Path p = pinnedAt;
        if (p != null) {
            ObjectPins.unpin(p);
            pinnedAt = null;
        }
    }

    boolean isPinned() {
        return pinnedAt != null;
    }

    /**
     * BPF_LINK_DETACH, then close. A link already detached by the kernel (device gone) is fine. Link types the kernel
     * cannot force-detach (tracing, raw_tracepoint, iter, perf_event: EOPNOTSUPP) are released by removing this
     * object's pin and closing the fd, which detaches them unless something else still holds them.
     */
    @Override
    public void detach() {
        if (fd.isClosed()) return;
        MemorySegment a = CallScratch.get().attr(BpfAttr.SINGLE_SIZE);
        a.set(JAVA_INT, BpfAttr.SINGLE_FD, fd.get());
        long r = Bpf.call(BpfCommand.LINK_DETACH, a, BpfAttr.SINGLE_SIZE);
        unpin();
        fd.close();
        if (r < 0 && -r != dev.ebpf4j.Errno.ENOLINK.number() && -r != dev.ebpf4j.Errno.EINVAL.number()
                && -r != dev.ebpf4j.Errno.EOPNOTSUPP.number()) {
            throw Bpf.error(BpfCommand.LINK_DETACH, (int) -r, "detaching " + what,
                    dev.ebpf4j.internal.sys.Capabilities.CAP_BPF);
        }
    }

    /** Closing the fd detaches the link unless a pin holds it. */
    @Override
    public void close() {
        fd.close();
    }

    /** Replaces the program of the link atomically (BPF_LINK_UPDATE). */
    void update(int newProgFd) {
        MemorySegment a = CallScratch.get().attr(BpfAttr.LINK_UPDATE_SIZE);
        a.set(JAVA_INT, BpfAttr.LINK_UPDATE_LINK_FD, fd.get());
        a.set(JAVA_INT, BpfAttr.LINK_UPDATE_NEW_PROG_FD, newProgFd);
        Bpf.check(BpfCommand.LINK_UPDATE, a, BpfAttr.LINK_UPDATE_SIZE, "replacing the program of " + what);
    }

    /**
     * BPF_LINK_CREATE: attaches {@code progFd} to {@code targetFd} (an ifindex, cgroup fd, perf event fd, or 0) at
     * {@code attachType}; {@code extra} fills the type-specific union at {@link BpfAttr#LINK_UNION} onwards.
     * Returns the raw result (link fd or -errno) so callers can explain failures in their terms.
     */
    static long create(int progFd, int targetFd, dev.ebpf4j.AttachType attachType, int flags,
                       java.util.function.Consumer<MemorySegment> extra) {
        return create(progFd, targetFd, attachType.number(), flags, extra);
    }

    /** As above with a raw attach type number (freplace links pass the program's expected attach type, 0). */
    static long create(int progFd, int targetFd, int attachType, int flags,
                       java.util.function.Consumer<MemorySegment> extra) {
        MemorySegment a = CallScratch.get().attr(BpfAttr.LINK_CREATE_SIZE);
        a.set(JAVA_INT, BpfAttr.LINK_PROG_FD, progFd);
        a.set(JAVA_INT, BpfAttr.LINK_TARGET_FD, targetFd);
        a.set(JAVA_INT, BpfAttr.LINK_ATTACH_TYPE, attachType);
        a.set(JAVA_INT, BpfAttr.LINK_FLAGS, flags);
        if (extra != null) extra.accept(a);
        return Bpf.call(BpfCommand.LINK_CREATE, a, BpfAttr.LINK_CREATE_SIZE);
    }
}
