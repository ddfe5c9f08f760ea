package dev.ebpf4j.link;

import dev.ebpf4j.AttachType;
import dev.ebpf4j.BpfException;
import dev.ebpf4j.Errno;
import dev.ebpf4j.NotSupportedException;
import dev.ebpf4j.Program;
import dev.ebpf4j.internal.sys.Bpf;
import dev.ebpf4j.internal.sys.BpfAttr;
import dev.ebpf4j.internal.sys.BpfCommand;
import dev.ebpf4j.internal.sys.Capabilities;
import dev.ebpf4j.internal.sys.Fd;
import dev.ebpf4j.internal.sys.PerfEvents;

import java.nio.file.Path;
import java.util.Optional;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A program attached to one perf event (tracepoint, kprobe, uprobe or sampling event), owning the perf event fd, the
 * {@code bpf_link} when there is one, and the legacy tracefs probe behind the event when there is one.
 *
 * <p>Attaching probes rather than gating on a kernel version: {@code BPF_LINK_CREATE} with attach type
 * {@code BPF_PERF_EVENT} (Linux 5.15+) first; when the kernel does not know it (EINVAL) the older
 * {@code PERF_EVENT_IOC_SET_BPF} ioctl. Either way the event is enabled afterwards. {@link #mode()} says which was used.
 *
 * <pre>{@code
 * Fd ev = PerfEvents.open(PerfEvents.Attr.tracepoint(id).withFlags(PerfEvents.Attr.DISABLED), -1, 0, -1, "tp");
 * PerfAttachment a = PerfAttachment.attach(ev, program, 0, "tracepoint sched/sched_switch", null);
 * }</pre>
 */
final class PerfAttachment implements KernelAttachment {
    /** How the program was attached. */
    enum Mode {
        LINK("bpf_link"), IOCTL("perf event ioctl");

        final String text;

        Mode(String text) {
            this.text = text;
        }
    }

    private final Fd event;
    private final LinkFd link;
    private final TracefsProbe probe;
    private final String what;

    private PerfAttachment(Fd event, LinkFd link, TracefsProbe probe, String what) {
        this.event = event;
        this.link = link;
        this.probe = probe;
        this.what = what;
    }

    /**
     * Attaches {@code program} to the perf event {@code event}, taking ownership of {@code event} and {@code probe}
     * (both released when attaching fails). {@code cookie} is the BPF cookie ({@code bpf_get_attach_cookie}); a
     * non-zero cookie needs the bpf_link path.
     */
    static PerfAttachment attach(Fd event, Program program, long cookie, String what, TracefsProbe probe) {
        return attach(event, program, cookie, what, probe, false);
    }

    /** As above; {@code forceIoctl} skips the bpf_link attempt, to exercise the pre-5.15 path in tests. */
    static PerfAttachment attach(Fd event, Program program, long cookie, String what, TracefsProbe probe,
                                 boolean forceIoctl) {
        LinkFd link = null;
        try {
            long r = forceIoctl ? -Errno.EINVAL.number() : LinkFd.create(program.fd(), event.get(),
                    AttachType.PERF_EVENT, 0, a -> a.set(JAVA_LONG, BpfAttr.LINK_PERF_EVENT_COOKIE, cookie));
            if (r >= 0) {
                link = new LinkFd(Fd.adopt((int) r, what), what);
            } else if (-r == Errno.EINVAL.number() || -r == Errno.EOPNOTSUPP.number()) {
                // Kernels before 5.15 have no perf_event bpf_link: attach with the ioctl.
                if (cookie != 0) {
                    throw new NotSupportedException("BPF cookies on perf event attachments", "5.15",
                            "BPF_LINK_CREATE(BPF_PERF_EVENT) failed with " + Errno.describe((int) -r)
                                    + " and the perf event ioctl cannot carry a cookie");
                }
                ioctlAttach(event, program, what, (int) -r);
            } else if (-r == Errno.EACCES.number() && Capabilities.current().canBpf()) {
                throw new BpfException("attaching " + program.describe() + " to " + what + ": bpf(BPF_LINK_CREATE) "
                        + "failed: " + Errno.describe((int) -r) + "; the program reads past the end of this event's "
                        + "context (a tracepoint program's offsets must lie within the record described by the "
                        + "tracepoint's 'format' file in tracefs)", (int) -r);
            } else {
                throw Bpf.error(BpfCommand.LINK_CREATE, (int) -r, "attaching " + program.describe() + " to " + what,
                        Capabilities.CAP_PERFMON);
            }
            PerfEvents.enable(event.get());
            return new PerfAttachment(event, link, probe, what);
        } catch (RuntimeException e) {
            if (link != null) link.close();
            event.close();
            if (probe != null) probe.remove();
            throw e;
        }
    }

    private static void ioctlAttach(Fd event, Program program, String what, int linkErrno) {
        try {
            PerfEvents.setBpf(event.get(), program.fd());
        } catch (BpfException e) {
            throw new BpfException("attaching " + program.describe() + " to " + what + ": " + e.getMessage()
                    + " (BPF_LINK_CREATE(BPF_PERF_EVENT) had failed with " + Errno.describe(linkErrno) + ")",
                    e.errnoValue(), e);
        }
    }

    Mode mode() {
        return link != null ? Mode.LINK : Mode.IOCTL;
    }

    /** The perf event fd number. */
    int eventFd() {
        return event.get();
    }

    @Override
    public Optional<LinkInfo> info() {
        return link == null ? Optional.empty() : link.info();
    }

    @Override
    public void pin(Path path) {
        if (link == null) {
            throw new NotSupportedException("pinning perf event attachments", "5.15", what + " is attached with the "
                    + "perf event ioctl because this kernel has no perf_event bpf_link; only bpf_links can be pinned");
        }
        link.pin(path);
    }

    @Override
    public void unpin() {
        if (link != null) link.unpin();
    }

    boolean isPinned() {
        return link != null && link.isPinned();
    }

    /** Detaches even when pinned. */
    @Override
    public void detach() {
        try {
            if (link != null) link.detach();
        } finally {
            release(true);
        }
    }

    /** Detaches unless pinned. */
    @Override
    public void close() {
        boolean pinned = isPinned();
        if (link != null) link.close();
        release(!pinned);
    }

    private void release(boolean removeProbe) {
        event.close();
        if (probe != null && removeProbe) probe.remove();
    }

    String describeMode() {
        return mode().text + (probe != null ? ", legacy tracefs probe " + TracefsProbe.GROUP + "/" + probe.event() : "");
    }
}
