package dev.ebpf4j.link;

import dev.ebpf4j.BpfException;
import dev.ebpf4j.Errno;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The shared part of the link kinds that can be attached without a kernel {@code bpf_link} — cgroup
 * ({@code BPF_PROG_ATTACH}), XDP (rtnetlink), socket filters ({@code setsockopt}) and tc filters (rtnetlink) — which
 * this object then undoes itself, once, on close. When the kind was attached as a {@code bpf_link} (cgroup and XDP
 * on kernels that have one) everything goes to that link instead, as for a {@link BpfLink}.
 *
 * <p>Package-private: callers see the public final kinds, which a {@code switch} over {@link Link} names.
 *
 * <pre>{@code
 * final class SomeLink extends SelfDetachingLink {
 *     SomeLink(String what) { super(null, what, "setsockopt(SO_ATTACH_BPF)"); }
 *     @Override void detachWithoutLink() { ... undo the setsockopt ... }
 * }
 * }</pre>
 */
abstract sealed class SelfDetachingLink implements Link
        permits CgroupLink, XdpLink, SocketFilterLink, TcNetlinkLink {
    /** The bpf_link when attached as one, else null. */
    final LinkFd link;
    /** The description ({@link #describe()}). */
    final String what;
    /** How an attachment without a bpf_link was made, for the "cannot pin" error. */
    private final String mechanism;
    private final AtomicBoolean closed = new AtomicBoolean();

    SelfDetachingLink(LinkFd link, String what, String mechanism) {
        this.link = link;
        this.what = what;
        this.mechanism = mechanism;
    }

    /** Undoes an attachment made without a bpf_link; called at most once, by the first {@link #close()}. */
    abstract void detachWithoutLink();

    /**
     * BPF_LINK_UPDATE for bpf_link attachments; others fail saying how they were {@code attached} ("attached with
     * BPF_PROG_ATTACH") and what to do instead.
     */
    final void updateLink(int newProgramFd, String attached) {
        if (link == null) {
            throw new BpfException("cannot update " + what + ": it was " + attached + "; close it and attach the new "
                    + "program", Errno.EOPNOTSUPP.number());
        }
        link.update(newProgramFd);
    }

    @Override
    public String describe() {
        return what;
    }

    /** The kernel's link info for a bpf_link attachment; empty for one made another way (no kernel link object). */
    @Override
    public Optional<LinkInfo> info() {
        return link != null ? link.info() : Optional.empty();
    }

    /** Pins a bpf_link attachment; other attachments have no kernel object to pin and raise an error saying so. */
    @Override
    public void pin(Path path) {
        if (link == null) throw LinkSupport.notPinnable(what, mechanism);
        link.pin(path);
    }

    @Override
    public void unpin() {
        if (link != null) link.unpin();
    }

    @Override
    public void detach() {
        if (link != null) link.detach();
        else close();
    }

    /** Closes the bpf_link (detaching unless pinned), or undoes the attachment made another way. Idempotent. */
    @Override
    public void close() {
        if (link != null) {
            link.close();
            return;
        }
        if (!closed.compareAndSet(false, true)) return;
        detachWithoutLink();
    }

    /** {@code KindName[description]}. */
    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + what + "]";
    }
}
