package dev.ebpf4j.link;

import dev.ebpf4j.AttachType;
import dev.ebpf4j.BpfArgumentException;
import dev.ebpf4j.BpfException;
import dev.ebpf4j.Errno;
import dev.ebpf4j.NotSupportedException;
import dev.ebpf4j.Program;
import dev.ebpf4j.ProgramType;
import dev.ebpf4j.internal.sys.Bpf;
import dev.ebpf4j.internal.sys.BpfAttr;
import dev.ebpf4j.internal.sys.BpfCommand;
import dev.ebpf4j.internal.sys.Capabilities;
import dev.ebpf4j.internal.sys.Fd;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A {@code kprobe} program attached to a kernel function entry (or an offset into it, or an address) as a kprobe, or
 * to its return as a kretprobe; or, with {@link #attachMulti}, to many functions at once ({@code kprobe.multi}); or,
 * with {@link #attachSession}, to many functions' entry and return at once ({@code kprobe.session}).
 *
 * <p>Single probes use the kprobe PMU ({@code perf_event_open} with the function name, Linux 4.17+) and fall back to
 * a uniquely named legacy probe in tracefs {@code kprobe_events}, removed again on close. A kretprobe with
 * {@code maxActive} always uses tracefs (the PMU cannot express it). The program is attached to the perf event with
 * a {@code bpf_link} (5.15+) or the perf event ioctl. Kernels built without {@code CONFIG_KPROBES} have neither
 * interface: attaching raises {@link NotSupportedException} saying so (see {@link #mechanism()}).
 *
 * <pre>{@code
 * try (Program p = Program.load(ProgramSpec.builder(ProgramType.KPROBE).name("open").instructions(insns).build());
 *      KprobeLink l = KprobeLink.attach(p, KprobeLink.Options.function("do_sys_openat2"))) {
 *     System.out.println(l.describe());   // kprobe do_sys_openat2 → program 'open' (kprobe) via kprobe PMU, bpf_link
 * } catch (NotSupportedException e) {
 *     System.err.println(e.getMessage()); // kprobes is not supported by this kernel: the kernel has no kprobe PMU ...
 * }
 * }</pre>
 */
public final class KprobeLink extends DelegatingLink {
    private static final String KIND = "KprobeLink";
    /** Kernel symbols, including compiler suffixes ("foo.isra.0") and module-qualified names for tracefs. */
    private static final Pattern SYMBOL = Pattern.compile("[A-Za-z_.][A-Za-z0-9_.]*(:[A-Za-z_.][A-Za-z0-9_.]*)?");
    /** The kernel's KRETPROBE_MAXACTIVE_MAX. */
    public static final int MAX_ACTIVE_LIMIT = 4096;
    private static final int KPROBE_MULTI_RETURN = 1;

    /**
     * How kprobes can be created on this kernel.
     *
     * <pre>{@code
     * if (KprobeLink.mechanism().isEmpty()) useTracepointsInstead();
     * }</pre>
     */
    public enum Mechanism {
        /** perf_event_open on the kprobe PMU ({@code /sys/bus/event_source/devices/kprobe}). */
        PMU,
        /** Legacy probes written to tracefs {@code kprobe_events}. */
        TRACEFS
    }

    /**
     * Where and how to place a single kprobe. Build with {@link #function(String)} or {@link #address(long)}, then
     * refine: {@code Options.function("tcp_sendmsg").onReturn().maxActive(64)}.
     *
     * @param function    kernel function, or null when {@code address} is used
     * @param offset      byte offset into {@code function} (kprobes only)
     * @param address     absolute kernel address, when {@code function} is null
     * @param returnProbe a kretprobe (on function return) instead of a kprobe
     * @param maxActive   kretprobe instances that may be active at once (0 = kernel default); needs tracefs
     * @param cookie      value the program reads with {@code bpf_get_attach_cookie} (bpf_link attachments only)
     */
    public record Options(String function, long offset, long address, boolean returnProbe, int maxActive,
                          long cookie) {
        public static Options function(String function) {
            return new Options(function, 0, 0, false, 0, 0);
        }

        public static Options address(long address) {
            return new Options(null, 0, address, false, 0, 0);
        }

        public Options offset(long v) { return new Options(function, v, address, returnProbe, maxActive, cookie); }
        public Options onReturn() { return new Options(function, offset, address, true, maxActive, cookie); }
        public Options maxActive(int v) { return new Options(function, offset, address, returnProbe, v, cookie); }
        public Options cookie(long v) { return new Options(function, offset, address, returnProbe, maxActive, v); }

        /** "kprobe do_sys_openat2+0x4", "kretprobe 0xffffffff81000000". */
        String describe() {
            String where = function != null ? function + (offset != 0 ? "+0x" + Long.toHexString(offset) : "")
                    : "0x" + Long.toHexString(address);
            return (returnProbe ? "kretprobe " : "kprobe ") + where;
        }
    }

    private final PerfAttachment perf;
    private final LinkFd multi;

    /** One of {@code perf} (single probes) and {@code multi} (kprobe.multi) is null. */
    private KprobeLink(PerfAttachment perf, LinkFd multi, String what) {
        super(multi != null ? multi : perf, what);
        this.perf = perf;
        this.multi = multi;
    }

    /** How this kernel can create kprobes: the PMU, else tracefs, else empty (built without CONFIG_KPROBES). */
    public static Optional<Mechanism> mechanism() {
        if (ProbePmu.find("kprobe").isPresent()) return Optional.of(Mechanism.PMU);
        if (TracefsProbe.available("kprobe_events")) return Optional.of(Mechanism.TRACEFS);
        return Optional.empty();
    }

    /** The error attaching raises on a kernel without kprobes. */
    static NotSupportedException unsupported() {
        return new NotSupportedException("kprobes", "4.1", "the kernel has no kprobe PMU ("
                + ProbePmu.dir("kprobe") + ") and no tracefs kprobe_events; it was built without CONFIG_KPROBES");
    }

    /** Attaches a kprobe at the entry of kernel function {@code function}. */
    public static KprobeLink attach(Program program, String function) {
        return attach(program, Options.function(function));
    }

    /** Attaches a kretprobe on the return of kernel function {@code function}. */
    public static KprobeLink attachReturn(Program program, String function) {
        return attach(program, Options.function(function).onReturn());
    }

    /** Attaches a kprobe or kretprobe as {@code options} describe. */
    public static KprobeLink attach(Program program, Options options) {
        validate(program, options);
        String target = options.describe();
        String what = target + " → " + program.describe();
        boolean wantsTracefs = options.returnProbe() && options.maxActive() > 0;
        Optional<ProbePmu> pmu = ProbePmu.find("kprobe");
        boolean tracefs = TracefsProbe.available("kprobe_events");
        if (pmu.isEmpty() && !tracefs) throw unsupported().withContext(what);
        if (wantsTracefs && !tracefs) {
            throw new NotSupportedException("kretprobe maxActive", "4.12", "maxActive needs the legacy tracefs "
                    + "kprobe_events interface, which this kernel lacks; leave maxActive at 0").withContext(what);
        }
        if (pmu.isPresent() && !wantsTracefs) {
            Fd event = openPmuEvent(pmu.get(), options, target);
            PerfAttachment a = PerfAttachment.attach(event, program, options.cookie(), target, null);
            return new KprobeLink(a, null, what + " via kprobe PMU, " + a.describeMode());
        }
        String kind = (options.returnProbe() ? "r" : "p") + (options.maxActive() > 0 ? options.maxActive() : "");
        String location = options.function() != null
                ? options.function() + (options.offset() != 0 ? "+" + options.offset() : "")
                : "0x" + Long.toHexString(options.address());
        TracefsProbe probe = TracefsProbe.create("kprobe_events", kind, location,
                options.function() != null ? options.function() : "addr");
        Fd event;
        try {
            event = ProbePmu.openTracefs(probe, -1, target);
        } catch (RuntimeException e) {
            probe.remove();
            throw e;
        }
        PerfAttachment a = PerfAttachment.attach(event, program, options.cookie(), target, probe);
        return new KprobeLink(a, null, what + " via tracefs kprobe_events, " + a.describeMode());
    }

    private static Fd openPmuEvent(ProbePmu pmu, Options o, String target) {
        try {
            return o.function() != null
                    ? pmu.open(o.returnProbe(), o.function(), o.offset(), 0, -1, target)
                    : pmu.open(o.returnProbe(), null, o.address(), 0, -1, target);
        } catch (BpfException e) {
            int errno = e.errnoValue();
            if (errno == Errno.ENOENT.number() || errno == Errno.EINVAL.number()) {
                throw new BpfException(target + ": the kernel refused the probe (" + Errno.describe(errno) + "): the "
                        + "function does not exist, is not traceable (see /proc/kallsyms and the kprobe blacklist), "
                        + "or the offset is not an instruction boundary", errno, e);
            }
            throw e;
        }
    }

    private static void validate(Program program, Options o) {
        ProgramChecks.requireType(program, KIND, ProgramType.KPROBE);
        AttachType at = program.expectedAttachType();
        if (at != null && at != AttachType.TRACE_KPROBE_MULTI && at != AttachType.TRACE_KPROBE_SESSION
                && at.programType() == ProgramType.KPROBE) {
            throw new BpfArgumentException(KIND + ": " + program.describe() + " was loaded for " + at.bpftoolName()
                    + ", not for a single kprobe");
        }
        if (at == AttachType.TRACE_KPROBE_MULTI) {
            throw new BpfArgumentException(KIND + ": " + program.describe() + " was loaded for kprobe.multi; attach "
                    + "it with KprobeLink.attachMulti");
        }
        if (at == AttachType.TRACE_KPROBE_SESSION) {
            throw new BpfArgumentException(KIND + ": " + program.describe() + " was loaded for kprobe.session; "
                    + "attach it with KprobeLink.attachSession");
        }
        if (o == null) throw new BpfArgumentException(KIND + ": options must not be null");
        if (o.function() != null) {
            ProgramChecks.requireName(o.function(), "function", KIND);
            if (!SYMBOL.matcher(o.function()).matches()) {
                throw new BpfArgumentException(KIND + ": '" + o.function() + "' is not a kernel symbol name");
            }
        } else if (o.address() == 0) {
            throw new BpfArgumentException(KIND + ": give a function name or a non-zero kernel address");
        } else if (o.offset() != 0) {
            throw new BpfArgumentException(KIND + ": an offset applies to a function name, not to an address");
        }
        if (o.offset() < 0) throw new BpfArgumentException(KIND + ": offset " + o.offset() + " is negative");
        if (o.maxActive() < 0 || o.maxActive() > MAX_ACTIVE_LIMIT) {
            throw new BpfArgumentException(KIND + ": maxActive " + o.maxActive() + " is outside 0.." + MAX_ACTIVE_LIMIT);
        }
        if (o.maxActive() > 0 && !o.returnProbe()) {
            throw new BpfArgumentException(KIND + ": maxActive applies to kretprobes only");
        }
        if (o.returnProbe() && o.offset() != 0) {
            throw new BpfArgumentException(KIND + ": a kretprobe attaches to a function's return; it takes no offset");
        }
    }

    /**
     * Attaches a {@code kprobe.multi} program (loaded with expected attach type {@code trace_kprobe_multi}) to every
     * function in {@code functions} with one {@code BPF_LINK_CREATE} (Linux 5.18+, needs {@code CONFIG_FPROBE}).
     */
    public static KprobeLink attachMulti(Program program, List<String> functions, boolean returnProbe) {
        ProgramChecks.requireType(program, KIND + ".attachMulti", ProgramType.KPROBE);
        ProgramChecks.requireAttachType(program, KIND + ".attachMulti", AttachType.TRACE_KPROBE_MULTI);
        return multi(program, functions, AttachType.TRACE_KPROBE_MULTI, returnProbe,
                returnProbe ? "kretprobe.multi " : "kprobe.multi ", "kprobe.multi", "5.18");
    }

    /**
     * Attaches a {@code kprobe.session} program (loaded with expected attach type {@code trace_kprobe_session}) to
     * every function in {@code functions}: it runs on entry and, unless that run returned non-zero, on return
     * ({@code bpf_session_is_return()} tells which). One {@code BPF_LINK_CREATE} with
     * {@code BPF_TRACE_KPROBE_SESSION} (Linux 6.10+, needs {@code CONFIG_FPROBE}).
     */
    public static KprobeLink attachSession(Program program, List<String> functions) {
        ProgramChecks.requireType(program, KIND + ".attachSession", ProgramType.KPROBE);
        ProgramChecks.requireAttachType(program, KIND + ".attachSession", AttachType.TRACE_KPROBE_SESSION);
        return multi(program, functions, AttachType.TRACE_KPROBE_SESSION, false, "kprobe.session ", "kprobe.session",
                "6.10");
    }

    private static KprobeLink multi(Program program, List<String> functions, AttachType at, boolean returnProbe,
                                    String label, String feature, String minimumKernel) {
        if (functions == null || functions.isEmpty()) {
            throw new BpfArgumentException(KIND + ": " + feature + " needs at least one function");
        }
        for (String f : functions) {
            ProgramChecks.requireName(f, "function", KIND);
            if (!SYMBOL.matcher(f).matches() || f.contains(":")) {
                throw new BpfArgumentException(KIND + ": '" + f + "' is not a kernel symbol name");
            }
        }
        String target = label + (functions.size() <= 3 ? String.join(",", functions) : functions.get(0) + ",… ("
                + functions.size() + " functions)");
        String what = target + " → " + program.describe();
        long r;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment syms = arena.allocate(ADDRESS, functions.size());
            for (int i = 0; i < functions.size(); i++) syms.setAtIndex(ADDRESS, i, arena.allocateFrom(functions.get(i)));
            r = LinkFd.create(program.fd(), 0, at, 0, a -> {
                a.set(JAVA_INT, BpfAttr.LINK_KPROBE_MULTI_FLAGS, returnProbe ? KPROBE_MULTI_RETURN : 0);
                a.set(JAVA_INT, BpfAttr.LINK_KPROBE_MULTI_CNT, functions.size());
                a.set(JAVA_LONG, BpfAttr.LINK_KPROBE_MULTI_SYMS, syms.address());
            });
        }
        if (r < 0) {
            int errno = (int) -r;
            if (errno == Errno.EOPNOTSUPP.number() || errno == Errno.ENOTSUPP.number()) {
                throw new NotSupportedException(feature, minimumKernel, "BPF_LINK_CREATE(BPF_" + at.name()
                        + ") returned " + Errno.describe(errno) + ": the kernel was built without fprobe "
                        + "(CONFIG_FPROBE)", errno).withContext(what);
            }
            if (errno == Errno.ESRCH.number() || errno == Errno.ENOENT.number()) {
                throw new BpfException(what + ": some of the functions do not exist or cannot be traced ("
                        + Errno.describe(errno) + "); see available_filter_functions in tracefs", errno);
            }
            throw Bpf.error(BpfCommand.LINK_CREATE, errno, "attaching " + what, Capabilities.CAP_PERFMON);
        }
        return new KprobeLink(null, new LinkFd(Fd.adopt((int) r, what), what), what + " via bpf_link");
    }

    /** True when attached with a {@code bpf_link} (pinnable, has {@link #info()}). */
    public boolean usesBpfLink() {
        return multi != null || perf.mode() == PerfAttachment.Mode.LINK;
    }
}
