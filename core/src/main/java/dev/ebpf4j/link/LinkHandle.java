package dev.ebpf4j.link;

import dev.ebpf4j.BpfArgumentException;
import dev.ebpf4j.Errno;
import dev.ebpf4j.NotSupportedException;
import dev.ebpf4j.internal.sys.Bpf;
import dev.ebpf4j.internal.sys.BpfAttr;
import dev.ebpf4j.internal.sys.BpfCommand;
import dev.ebpf4j.internal.sys.CallScratch;
import dev.ebpf4j.internal.sys.Capabilities;
import dev.ebpf4j.internal.sys.Fd;
import dev.ebpf4j.internal.sys.ObjectIds;
import dev.ebpf4j.internal.sys.ObjectPins;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * A kernel {@code bpf_link} of any kind opened by id or pin, for tools that inspect and manage links they did not
 * create (the {@code ebpf4j link} command): read its info, pin it, detach it. Closing releases only this descriptor;
 * the link stays attached while its creator, a pin or another descriptor holds it.
 *
 * <pre>{@code
 * for (int id : LinkHandle.ids()) {
 *     try (LinkHandle h = LinkHandle.fromId(id)) { System.out.println(h.info()); }
 * }
 * try (LinkHandle h = LinkHandle.fromPinned(Path.of("/sys/fs/bpf/my_link"))) { h.detach(); }
 * }</pre>
 */
public final class LinkHandle implements AutoCloseable {
    private final LinkFd fd;

    private LinkHandle(Fd fd, String what) {
        this.fd = new LinkFd(fd, what);
    }

    /** Ids of every link in the system, ascending. */
    public static List<Integer> ids() {
        return ObjectIds.all(ObjectIds.Kind.LINK);
    }

    /** Opens the link with kernel id {@code id}. */
    public static LinkHandle fromId(int id) {
        return new LinkHandle(ObjectIds.open(ObjectIds.Kind.LINK, id), "link id " + id);
    }

    /**
     * Opens the link pinned at {@code path}; a map or program pinned there raises {@link BpfArgumentException}
     * ("incorrect object type: /sys/fs/bpf/x holds a map, not a link").
     */
    public static LinkHandle fromPinned(Path path) {
        return new LinkHandle(ObjectPins.open(path, 0, ObjectIds.Kind.LINK), "link pinned at " + path);
    }

    /** What the kernel reports about the link now. */
    public LinkInfo info() {
        return LinkInfoReader.read(fd.get(), fd.describe());
    }

    /** The descriptor number (owned by this handle). */
    public int fd() {
        return fd.get();
    }

    /** Pins the link at {@code path} on bpffs, so it stays attached after every descriptor is closed. */
    public void pin(Path path) {
        fd.pin(path);
    }

    /**
     * Detaches the link now ({@code BPF_LINK_DETACH}) and closes this descriptor; the link object lives on, defunct,
     * until its last reference is gone. Link kinds the kernel cannot detach raise an error saying so.
     */
    public void detach() {
        String type = info().typeName();
        MemorySegment a = CallScratch.get().attr(BpfAttr.SINGLE_SIZE);
        a.set(JAVA_INT, BpfAttr.SINGLE_FD, fd.get());
        long r = Bpf.call(BpfCommand.LINK_DETACH, a, BpfAttr.SINGLE_SIZE);
        String what = fd.describe() + " (" + type + ")";
        fd.close();
        if (r >= 0) return;
        int errno = (int) -r;
        if (errno == Errno.EOPNOTSUPP.number() || errno == Errno.ENOTSUPP.number()) {
            throw new NotSupportedException("detaching " + type + " links", "",
                    "the kernel has no BPF_LINK_DETACH for this link type; remove its pins and close the descriptors "
                            + "that hold it (the process that created it) instead", errno).withContext(what);
        }
        throw Bpf.error(BpfCommand.LINK_DETACH, errno, "detaching " + what, Capabilities.CAP_BPF);
    }

    @Override
    public void close() {
        fd.close();
    }

    @Override
    public String toString() {
        return fd.describe();
    }
}
