package dev.ebpf4j.link;

import dev.ebpf4j.Program;
import dev.ebpf4j.ProgramType;
import dev.ebpf4j.internal.sys.Fd;
import dev.ebpf4j.internal.sys.PerfEvents;


/**
 * A {@code tracepoint} program attached to a kernel tracepoint ({@code events/<category>/<name>} in tracefs). Opens a
 * perf event of type {@code PERF_TYPE_TRACEPOINT} for the tracepoint (pid -1, cpu 0: the program still runs for
 * every CPU and task) and attaches the program with a {@code bpf_link} where the kernel has one for perf events
 * (5.15+), else with the {@code PERF_EVENT_IOC_SET_BPF} ioctl; {@link #describe()} says which.
 *
 * <pre>{@code
 * try (Program prog = Program.load(spec);   // ProgramType.TRACEPOINT
 *      TracepointLink link = TracepointLink.attach(prog, "syscalls", "sys_enter_openat")) {
 *     System.out.println(link.describe());
 *     // tracepoint syscalls/sys_enter_openat → program 'count' (tracepoint) via bpf_link
 * }
 * }</pre>
 * An unknown tracepoint raises {@link dev.ebpf4j.NotSupportedException} naming it and the similar names that exist;
 * a program of another type raises {@link dev.ebpf4j.BpfArgumentException}.
 */
public final class TracepointLink extends DelegatingLink {
    private final PerfAttachment attachment;
    private final String category;
    private final String name;

    private TracepointLink(PerfAttachment attachment, String category, String name, String what) {
        super(attachment, what);
        this.attachment = attachment;
        this.category = category;
        this.name = name;
    }

    /** Attaches {@code program} (type tracepoint) to tracepoint {@code category/name}. */
    public static TracepointLink attach(Program program, String category, String name) {
        return attach(program, category, name, false);
    }

    /** As above; {@code forceIoctl} attaches the pre-5.15 way even where bpf_link works (tests). */
    static TracepointLink attach(Program program, String category, String name, boolean forceIoctl) {
        ProgramChecks.requireType(program, "TracepointLink", ProgramType.TRACEPOINT);
        TracefsEvents.requireEventName(category, "tracepoint category", "TracepointLink");
        TracefsEvents.requireEventName(name, "tracepoint name", "TracepointLink");
        String target = "tracepoint " + category + "/" + name;
        long id = TracefsEvents.tracepointId(category, name);
        Fd event = PerfEvents.open(PerfEvents.Attr.tracepoint(id).samplePeriod(1).wakeupEvents(1)
                .withFlags(PerfEvents.Attr.DISABLED), -1, 0, -1, target);
        PerfAttachment a = PerfAttachment.attach(event, program, 0, target, null, forceIoctl);
        return new TracepointLink(a, category, name, target + " → " + program.describe() + " via " + a.describeMode());
    }

    /** Attaches to "category/name" as written in a section name ("tracepoint/syscalls/sys_enter_openat"). */
    public static TracepointLink attach(Program program, String categoryAndName) {
        String s = ProgramChecks.requireName(categoryAndName, "tracepoint", "TracepointLink");
        int slash = s.indexOf('/');
        if (slash <= 0 || slash == s.length() - 1) {
            throw new dev.ebpf4j.BpfArgumentException("TracepointLink: '" + s + "' is not 'category/name' "
                    + "(e.g. syscalls/sys_enter_openat)");
        }
        return attach(program, s.substring(0, slash), s.substring(slash + 1));
    }

    /** The tracepoint's category, e.g. "syscalls". */
    public String category() {
        return category;
    }

    /** The tracepoint's name, e.g. "sys_enter_openat". */
    public String name() {
        return name;
    }

    /** True when attached with a {@code bpf_link} (pinnable, has {@link #info()}), false for the ioctl fallback. */
    public boolean usesBpfLink() {
        return attachment.mode() == PerfAttachment.Mode.LINK;
    }
}
