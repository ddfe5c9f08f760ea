package dev.ebpf4j.link;

/**
 * A link that is always a kernel {@code bpf_link}: raw tracepoint / tp_btf, fentry/fexit/LSM, tcx, iterator and
 * uprobe.multi attachments. It always has {@link #info()}, can always be pinned, and closing it detaches the program unless a pin
 * (or another descriptor) still holds the link. The kinds that may also be attached another way (perf event ioctl,
 * {@code BPF_PROG_ATTACH}, netlink, {@code setsockopt}) are {@link Link}s but not {@code BpfLink}s.
 *
 * <p>The hierarchy stays sealed: a {@code switch} over {@code Link} (or over {@code BpfLink}) naming each final
 * kind is exhaustive.
 *
 * <pre>{@code
 * try (BpfLink link = RawTracepointLink.attach(prog, "sys_enter")) {
 *     System.out.println(link.info().orElseThrow().id());   // the kernel's link id
 *     link.pin(Path.of("/sys/fs/bpf/sys_enter_link"));       // stays attached after this process exits
 * }
 * }</pre>
 */
public abstract sealed class BpfLink extends DelegatingLink
        permits RawTracepointLink, TracingLink, TcxLink, IterLink, UprobeMultiLink {
    /** The link's descriptor, for the kinds' own operations (update, iteration). */
    final LinkFd link;

    BpfLink(LinkFd link) {
        super(link, link.describe());
        this.link = link;
    }
}
