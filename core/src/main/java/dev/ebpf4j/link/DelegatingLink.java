package dev.ebpf4j.link;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The shared part of the link kinds that hand everything to one {@link KernelAttachment} — the bpf_link kinds
 * ({@link BpfLink}), the perf event kinds (tracepoint, kprobe, uprobe) and struct_ops registrations (a bpf_link or a
 * map update): the description plus pin, unpin, detach, close and info, implemented once. Package-private: callers see the public final kinds, which a {@code switch}
 * over {@link Link} names.
 *
 * <pre>{@code
 * final class SomeLink extends DelegatingLink {
 *     SomeLink(PerfAttachment a, String what) { super(a, what); }
 * }
 * }</pre>
 */
abstract sealed class DelegatingLink implements Link
        permits BpfLink, TracepointLink, KprobeLink, UprobeLink, StructOpsLink {
    private final KernelAttachment attachment;
    private final String what;

    DelegatingLink(KernelAttachment attachment, String what) {
        this.attachment = attachment;
        this.what = what;
    }

    @Override
    public String describe() {
        return what;
    }

    @Override
    public Optional<LinkInfo> info() {
        return attachment.info();
    }

    @Override
    public void pin(Path path) {
        attachment.pin(path);
    }

    @Override
    public void unpin() {
        attachment.unpin();
    }

    @Override
    public void detach() {
        attachment.detach();
    }

    @Override
    public void close() {
        attachment.close();
    }

    /** {@code KindName[description]}, e.g. {@code TcxLink[tcx ingress on eth0 (ifindex 2) → program 'x' (sched_cls)]}. */
    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + what + "]";
    }
}
