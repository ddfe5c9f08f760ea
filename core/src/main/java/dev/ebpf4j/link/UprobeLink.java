package dev.ebpf4j.link;

import dev.ebpf4j.AttachType;
import dev.ebpf4j.BpfArgumentException;
import dev.ebpf4j.BpfException;
import dev.ebpf4j.Errno;
import dev.ebpf4j.NotSupportedException;
import dev.ebpf4j.Program;
import dev.ebpf4j.ProgramType;
import dev.ebpf4j.internal.sys.Fd;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A {@code kprobe}-type program attached to a user-space function as a uprobe (on entry, or at an offset into it) or
 * a uretprobe (on return), in every process that maps the binary or only in one process.
 *
 * <p>The location is a symbol of an ELF binary or shared library, a file offset, an ELF virtual address, or an
 * address inside a running process; see {@link Options}. Uses the uprobe PMU ({@code perf_event_open} with the path
 * and offset, Linux 4.17+), else a uniquely named legacy probe in tracefs {@code uprobe_events} that is removed on
 * close; the program is attached with a {@code bpf_link} (5.15+) or the perf event ioctl. {@link #describe()} says
 * which were used.
 *
 * <pre>{@code
 * Path libc = Path.of("/usr/lib/x86_64-linux-gnu/libc.so.6");
 * try (Program p = Program.load(ProgramSpec.builder(ProgramType.KPROBE).name("malloc").instructions(insns).build());
 *      UprobeLink l = UprobeLink.attach(p, UprobeLink.Options.symbol(libc, "malloc").pid(1234))) {
 *     System.out.println(l.describe());
 *     // uprobe /usr/lib/x86_64-linux-gnu/libc.so.6:malloc (0xa5120) pid 1234 → program 'malloc' (kprobe) via ...
 * }
 * }</pre>
 */
public final class UprobeLink extends DelegatingLink {
    private static final String KIND = "UprobeLink";

    /**
     * How uprobes can be created on this kernel.
     *
     * <pre>{@code
     * boolean pmu = UprobeLink.mechanism().orElseThrow() == UprobeLink.Mechanism.PMU;
     * }</pre>
     */
    public enum Mechanism {
        /** perf_event_open on the uprobe PMU ({@code /sys/bus/event_source/devices/uprobe}). */
        PMU,
        /** Legacy probes written to tracefs {@code uprobe_events}. */
        TRACEFS
    }

    /**
     * Where and how to place a uprobe. Build with {@link #symbol}, {@link #fileOffset}, {@link #virtualAddress} or
     * {@link #processAddress}, then refine: {@code Options.symbol(bin, "main").onReturn().pid(42)}.
     *
     * @param binary       the ELF executable or shared library
     * @param symbol       function name in {@code binary}, or null when {@code offset} is a file offset
     * @param offset       offset into {@code symbol}, or the file offset when {@code symbol} is null
     * @param returnProbe  a uretprobe (on return) instead of a uprobe
     * @param pid          only this process (-1 = every process mapping the binary)
     * @param refCtrOffset file offset of a USDT semaphore the kernel increments while attached (0 = none)
     * @param cookie       value the program reads with {@code bpf_get_attach_cookie} (bpf_link attachments only)
     */
    public record Options(Path binary, String symbol, long offset, boolean returnProbe, int pid, long refCtrOffset,
                          long cookie) {
        /** At function {@code symbol} of {@code binary}. */
        public static Options symbol(Path binary, String symbol) {
            return new Options(binary, symbol, 0, false, -1, 0, 0);
        }

        /** At file offset {@code offset} of {@code binary}. */
        public static Options fileOffset(Path binary, long offset) {
            return new Options(binary, null, offset, false, -1, 0, 0);
        }

        /** At ELF virtual address {@code vaddr} of {@code binary} (a symbol's value as {@code nm} prints it). */
        public static Options virtualAddress(Path binary, long vaddr) {
            if (binary == null) throw new BpfArgumentException(KIND + ": binary must not be null");
            return fileOffset(binary, UprobeTargets.virtualAddressOffset(binary, vaddr));
        }

        /**
         * At run-time address {@code address} inside process {@code pid} (resolved now through
         * {@code /proc/<pid>/maps} to the mapped file and offset); only that process is probed unless
         * {@link #pid(int)} widens it with -1.
         */
        public static Options processAddress(int pid, long address) {
            if (pid <= 0) throw new BpfArgumentException(KIND + ": process id " + pid + " is not a process");
            UprobeTargets.Location l = UprobeTargets.processAddress(pid, address);
            return new Options(l.binary(), null, l.fileOffset(), false, pid, 0, 0);
        }

        /** The offset into the symbol, or the file offset when there is no symbol. */
        public Options offset(long v) { return new Options(binary, symbol, v, returnProbe, pid, refCtrOffset, cookie); }
        public Options onReturn() { return new Options(binary, symbol, offset, true, pid, refCtrOffset, cookie); }
        /** Only process {@code v} (-1 = all). */
        public Options pid(int v) { return new Options(binary, symbol, offset, returnProbe, v, refCtrOffset, cookie); }
        public Options refCtrOffset(long v) { return new Options(binary, symbol, offset, returnProbe, pid, v, cookie); }
        public Options cookie(long v) { return new Options(binary, symbol, offset, returnProbe, pid, refCtrOffset, v); }
    }

    private final PerfAttachment perf;
    private final Path binary;
    private final long fileOffset;
    private final int pid;

    private UprobeLink(PerfAttachment perf, Path binary, long fileOffset, int pid, String what) {
        super(perf, what);
        this.perf = perf;
        this.binary = binary;
        this.fileOffset = fileOffset;
        this.pid = pid;
    }

    /** How this kernel can create uprobes: the PMU, else tracefs, else empty (built without CONFIG_UPROBE_EVENTS). */
    public static Optional<Mechanism> mechanism() {
        if (ProbePmu.find("uprobe").isPresent()) return Optional.of(Mechanism.PMU);
        if (TracefsProbe.available("uprobe_events")) return Optional.of(Mechanism.TRACEFS);
        return Optional.empty();
    }

    /** Attaches a uprobe at the entry of function {@code symbol} of {@code binary}, in every process. */
    public static UprobeLink attach(Program program, Path binary, String symbol) {
        return attach(program, Options.symbol(binary, symbol));
    }

    /** Attaches a uretprobe on the return of function {@code symbol} of {@code binary}, in every process. */
    public static UprobeLink attachReturn(Program program, Path binary, String symbol) {
        return attach(program, Options.symbol(binary, symbol).onReturn());
    }

    /** Attaches a uprobe or uretprobe as {@code options} describe. */
    public static UprobeLink attach(Program program, Options options) {
        return attach(program, options, false);
    }

    /** As {@link #attach(Program, Options)}; {@code forceTracefs} uses the legacy interface even with a PMU (tests). */
    static UprobeLink attach(Program program, Options o, boolean forceTracefs) {
        validate(program, o);
        Path binary = o.binary().toAbsolutePath().normalize();
        long fileOffset = o.symbol() != null ? UprobeTargets.symbolOffset(binary, o.symbol()) + o.offset() : o.offset();
        String target = (o.returnProbe() ? "uretprobe " : "uprobe ") + binary
                + (o.symbol() != null ? ":" + o.symbol() + (o.offset() != 0 ? "+0x" + Long.toHexString(o.offset()) : "")
                + " (0x" + Long.toHexString(fileOffset) + ")" : ":0x" + Long.toHexString(fileOffset))
                + (o.pid() >= 0 ? " pid " + o.pid() : "");
        String what = target + " → " + program.describe();
        Optional<ProbePmu> pmu = forceTracefs ? Optional.empty() : ProbePmu.find("uprobe");
        if (pmu.isPresent()) {
            Fd event = openPmuEvent(pmu.get(), o, binary, fileOffset, target);
            PerfAttachment a = PerfAttachment.attach(event, program, o.cookie(), target, null);
            return new UprobeLink(a, binary, fileOffset, o.pid(), what + " via uprobe PMU, " + a.describeMode());
        }
        if (!TracefsProbe.available("uprobe_events")) {
            throw new NotSupportedException("uprobes", "4.17", "the kernel has no uprobe PMU (" + ProbePmu.dir("uprobe")
                    + ") and no tracefs uprobe_events; it was built without CONFIG_UPROBE_EVENTS").withContext(what);
        }
        if (o.refCtrOffset() != 0) {
            throw new NotSupportedException("uprobe reference counters (USDT semaphores) through tracefs", "4.20",
                    "only the uprobe PMU takes them here").withContext(what);
        }
        if (binary.toString().chars().anyMatch(Character::isWhitespace)) {
            throw new BpfArgumentException(what + ": tracefs uprobe_events cannot name a path with white space");
        }
        TracefsProbe probe = TracefsProbe.create("uprobe_events", o.returnProbe() ? "r" : "p",
                binary + ":0x" + Long.toHexString(fileOffset),
                o.symbol() != null ? o.symbol() : binary.getFileName().toString());
        Fd event;
        try {
            event = ProbePmu.openTracefs(probe, o.pid(), target);
        } catch (RuntimeException e) {
            probe.remove();
            throw processError(e, o.pid(), what);
        }
        PerfAttachment a = PerfAttachment.attach(event, program, o.cookie(), target, probe);
        return new UprobeLink(a, binary, fileOffset, o.pid(), what + " via tracefs uprobe_events, "
                + a.describeMode());
    }

    private static Fd openPmuEvent(ProbePmu pmu, Options o, Path binary, long fileOffset, String target) {
        try {
            return pmu.open(o.returnProbe(), binary.toString(), fileOffset, o.refCtrOffset(), o.pid(), target);
        } catch (BpfException e) {
            int errno = e.errnoValue();
            if (errno == Errno.EINVAL.number()) {
                throw new BpfException(target + ": the kernel refused the probe (" + Errno.describe(errno) + "): the "
                        + "offset must lie inside the file on an instruction the kernel can single-step"
                        + (o.refCtrOffset() != 0 ? ", and a uprobe already at this offset must use the same reference "
                        + "counter offset (0x" + Long.toHexString(o.refCtrOffset()) + " here)" : ""), errno, e);
            }
            throw processError(e, o.pid(), target);
        }
    }

    private static BpfException processError(RuntimeException e, int pid, String what) {
        if (e instanceof BpfException b && b.errnoValue() == Errno.ESRCH.number()) {
            return new BpfArgumentException(what + ": there is no process " + pid);
        }
        return e instanceof BpfException b ? b : new BpfException(what + ": " + e.getMessage(), e);
    }

    private static void validate(Program program, Options o) {
        ProgramChecks.requireType(program, KIND, ProgramType.KPROBE);
        AttachType at = program.expectedAttachType();
        if (at != null && at.programType() == ProgramType.KPROBE) {
            throw new BpfArgumentException(KIND + ": " + program.describe() + " was loaded for " + at.bpftoolName()
                    + ", not for a single uprobe");
        }
        if (o == null) throw new BpfArgumentException(KIND + ": options must not be null");
        if (o.binary() == null) throw new BpfArgumentException(KIND + ": binary must not be null");
        if (!java.nio.file.Files.isRegularFile(o.binary())) {
            throw new BpfArgumentException(KIND + ": uprobe target " + o.binary() + " does not exist or is not a "
                    + "regular file");
        }
        if (o.symbol() != null) ProgramChecks.requireName(o.symbol(), "symbol", KIND);
        if (o.offset() < 0) throw new BpfArgumentException(KIND + ": offset " + o.offset() + " is negative");
        if (o.refCtrOffset() < 0) {
            throw new BpfArgumentException(KIND + ": reference counter offset " + o.refCtrOffset() + " is negative");
        }
        if (o.pid() < -1 || o.pid() == 0) {
            throw new BpfArgumentException(KIND + ": pid " + o.pid() + " is neither a process id nor -1 (all)");
        }
        if (o.returnProbe() && o.symbol() != null && o.offset() != 0) {
            throw new BpfArgumentException(KIND + ": a uretprobe attaches to a function's entry to catch its return; "
                    + "it takes no offset into the function");
        }
    }

    /** The probed file (absolute). */
    public Path binary() {
        return binary;
    }

    /** The probed file offset. */
    public long fileOffset() {
        return fileOffset;
    }

    /** The process filter (-1 = every process). */
    public int pid() {
        return pid;
    }

    /** True when attached with a {@code bpf_link} (pinnable, has {@link #info()}). */
    public boolean usesBpfLink() {
        return perf.mode() == PerfAttachment.Mode.LINK;
    }
}
