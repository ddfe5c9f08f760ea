package dev.ebpf4j.link;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A link that is always a kernel {@code bpf_link}: raw tracepoint / tp_btf, fentry/fexit/LSM, tcx and iterator
 * attachments. It always has {@link #info()}, can always be pinned, and closing it detaches the program unless a pin
 * (or another descriptor) still holds the link. The kinds that may also be attached another way (perf event ioctl,
 * {@code BPF_PROG_ATTACH}, netlink, {@code setsockopt}) implement {@link Link} directly.
 *
 * <p>Every {@code BpfLink} is also a {@link Link}, and the hierarchy stays sealed: a {@code switch} over
 * {@code Link} naming each final kind is exhaustive.
 *
 * <pre>{@code
 * try (BpfLink link = RawTracepointLink.attach(prog, "sys_enter")) {
 *     System.out.println(link.info().id());           // the kernel's link id
 *     link.pin(Path.of("/sys/fs/bpf/sys_enter_link"));   // stays attached after this process exits
 * }
 * }</pre>
 */
public abstract sealed class BpfLink implements Link permits RawTracepointLink, TracingLink, TcxLink, IterLink {
    /** The link's descriptor, pin and detach handling, shared by every kind. */
    final LinkFd link;

    BpfLink(LinkFd link) {
        this.link = link;
    }

    @Override
    public String describe() {
        return link.describe();
    }

    /** The kernel's info about this link (never empty for a {@code BpfLink}). */
    @Override
    public Optional<LinkInfo> info() {
        return link.info();
    }

    @Override
    public void pin(Path path) {
        link.pin(path);
    }

    @Override
    public void unpin() {
        link.unpin();
    }

    @Override
    public void detach() {
        link.detach();
    }

    @Override
    public void close() {
        link.close();
    }

    /** {@code KindName[description]}, e.g. {@code TcxLink[tcx ingress on eth0 (ifindex 2) → program 'x' (sched_cls)]}. */
    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + describe() + "]";
    }
}
