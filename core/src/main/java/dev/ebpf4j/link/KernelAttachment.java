package dev.ebpf4j.link;

import java.nio.file.Path;
import java.util.Optional;

/**
 * What a link object owns in the kernel and hands its work to: a {@code bpf_link} ({@link LinkFd}) or a program
 * attached to a perf event ({@link PerfAttachment}, itself a bpf_link or an ioctl attachment). The link classes add
 * the description and their own accessors (see {@link DelegatingLink}).
 *
 * <pre>{@code
 * KernelAttachment a = new LinkFd(Fd.adopt(raw, what), what);
 * a.pin(Path.of("/sys/fs/bpf/l"));
 * }</pre>
 */
interface KernelAttachment {
    /** The kernel's link info, empty when there is no bpf_link. */
    Optional<LinkInfo> info();

    /** Pins the bpf_link; attachments without one raise an error saying so. */
    void pin(Path path);

    /** Removes this object's pin, if any. */
    void unpin();

    /** Detaches now, even when pinned. */
    void detach();

    /** Detaches unless pinned, and releases the descriptors. Idempotent. */
    void close();
}
