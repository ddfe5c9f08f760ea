package dev.ebpf4j.features;

import dev.ebpf4j.AttachType;
import dev.ebpf4j.Errno;
import dev.ebpf4j.ProgramType;
import dev.ebpf4j.asm.Asm;
import dev.ebpf4j.asm.Instruction;
import dev.ebpf4j.internal.fs.KernelFilesystems;
import dev.ebpf4j.internal.sys.Bpf;
import dev.ebpf4j.internal.sys.BpfAttr;
import dev.ebpf4j.internal.sys.BpfCommand;
import dev.ebpf4j.internal.sys.CallScratch;
import dev.ebpf4j.internal.sys.Capabilities;
import dev.ebpf4j.internal.sys.Fd;
import dev.ebpf4j.internal.sys.Libc;
import dev.ebpf4j.internal.sys.PerfEvents;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.ebpf4j.asm.Register.*;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The probes behind {@link MiscFeature}: small programs for verifier limits and ISA extensions, sysfs/tracefs checks
 * for kprobes and uprobes, a fentry load for trampolines, and {@code BPF_LINK_CREATE} calls whose error numbers tell
 * a known link kind (ENODEV, ENOENT, ...) from an unknown one (EINVAL).
 *
 * <pre>{@code
 * Feature f = MiscProbes.probe(MiscFeature.ISA_V4);
 * }</pre>
 */
final class MiscProbes {
    private static final Path PMU = Path.of("/sys/bus/event_source/devices");

    private MiscProbes() {
    }

    static Feature probe(MiscFeature f) {
        String name = f.description();
        String min = f.minimumKernel();
        return switch (f) {
            case LARGE_INSN_LIMIT -> program(f, largeProgram());
            case BOUNDED_LOOPS -> program(f, new Asm().mov64(R0, 0).label("loop").add64(R0, 1).jlt(R0, 4, "loop")
                    .mov64(R0, 0).exit().build());
            case ISA_V2 -> program(f, new Asm().mov64(R0, 0).jlt(R0, 1, "out").mov64(R0, 1).label("out").exit().build());
            case ISA_V3 -> program(f, new Asm().mov64(R0, 0).jump(dev.ebpf4j.asm.Opcodes.JLT, false, R0, 1, "out")
                    .mov64(R0, 1).label("out").exit().build());
            case ISA_V4 -> program(f, new Asm().mov64(R0, 7).mov64(R1, 2).sdiv64(R0, R1).movsx64(R0, R0, 8)
                    .bswap(R0, 16).mov64(R0, 0).exit().build());
            case KPROBES -> hook(name, min, "kprobe", "kprobe_events", "CONFIG_KPROBES / CONFIG_KPROBE_EVENTS");
            case UPROBES -> hook(name, min, "uprobe", "uprobe_events", "CONFIG_UPROBES / CONFIG_UPROBE_EVENTS");
            case TRAMPOLINES -> trampolines(name, min);
            case PERF_LINK -> perfLink(name, min, 0);
            case BPF_COOKIE -> perfLink(name, min, 0x1234);
            case XDP_LINK -> xdpLink(name, min);
            case TCX -> linkErrno(name, min, ProgramType.SCHED_CLS, AttachType.TCX_INGRESS, 0, a -> { },
                    "kernels without tcx answer EINVAL; with tcx, interface 0 gives ENODEV");
            case KPROBE_MULTI -> kprobeMulti(name, min);
            case UPROBE_MULTI -> uprobeMulti(name, min);
        };
    }

    private static Feature program(MiscFeature f, List<Instruction> insns) {
        ProbeLoad.Result r = ProbeLoad.run(ProgramType.SOCKET_FILTER, null, 0, insns, true);
        if (r.loaded()) return Feature.yes(f.description(), f.minimumKernel(), "a probe program loaded");
        return Feature.no(f.description(), f.minimumKernel(), "the probe program was rejected: "
                + Errno.describe(r.errno()) + " " + Features.lastLine(r.log()));
    }

    private static List<Instruction> largeProgram() {
        Asm a = new Asm().mov64(R0, 0);
        for (int i = 0; i < 4096; i++) a.mov64(R0, i & 0xff);
        return a.mov64(R0, 0).exit().build();
    }

    private static Feature hook(String name, String min, String pmu, String events, String config) {
        boolean hasPmu = Files.exists(PMU.resolve(pmu).resolve("type"));
        boolean hasEvents;
        try {
            hasEvents = Files.exists(KernelFilesystems.tracefs().resolve(events));
        } catch (RuntimeException e) {
            hasEvents = false;
        }
        if (hasPmu || hasEvents) {
            return Feature.yes(name, min, (hasPmu ? "PMU " + PMU.resolve(pmu) : "") + (hasPmu && hasEvents ? " and " : "")
                    + (hasEvents ? "tracefs " + events : ""));
        }
        return Feature.no(name, min, "the kernel has no " + pmu + " PMU (" + PMU.resolve(pmu) + ") and no tracefs "
                + events + "; it was built without " + config);
    }

    private static Feature trampolines(String name, String min) {
        ProbeTargets.Target t = ProbeTargets.forAttachType(AttachType.TRACE_FENTRY);
        if (t.btfId() == 0) return Feature.no(name, min, "no kernel BTF for bpf_fentry_test1");
        ProbeLoad.Result r = ProbeLoad.run(t.type(), t.attach(), t.btfId(), Features.trivial(), true);
        if (r.loaded()) return Feature.yes(name, min, "an fentry program on bpf_fentry_test1 loaded");
        if (r.errno() == Errno.EPERM.number() && Capabilities.current().canBpf()) {
            return Feature.no(name, min, "loading an fentry program returned EPERM although this process has "
                    + Capabilities.current().describeBpfRelevant() + ": the kernel cannot build BPF trampolines "
                    + "(no ftrace direct calls, CONFIG_FUNCTION_TRACER off, or blocked)");
        }
        return Feature.no(name, min, "loading an fentry program failed with " + Errno.describe(r.errno()) + " "
                + Features.lastLine(r.log()));
    }

    /** Loads a PERF_EVENT program and links it to a software dummy event; {@code cookie} != 0 also tests cookies. */
    private static Feature perfLink(String name, String min, long cookie) {
        try (Fd prog = loadFd(ProgramType.PERF_EVENT, null);
             Fd event = PerfEvents.open(PerfEvents.Attr.software(PerfEvents.SW_DUMMY).samplePeriod(1L << 40)
                     .withFlags(PerfEvents.Attr.DISABLED), 0, -1, -1, "probe dummy event")) {
            MemorySegment a = CallScratch.get().attr(BpfAttr.LINK_CREATE_SIZE);
            a.set(JAVA_INT, BpfAttr.LINK_PROG_FD, prog.get());
            a.set(JAVA_INT, BpfAttr.LINK_TARGET_FD, event.get());
            a.set(JAVA_INT, BpfAttr.LINK_ATTACH_TYPE, AttachType.PERF_EVENT.number());
            a.set(JAVA_LONG, BpfAttr.LINK_PERF_EVENT_COOKIE, cookie);
            long r = Bpf.call(BpfCommand.LINK_CREATE, a, BpfAttr.LINK_CREATE_SIZE);
            if (r >= 0) {
                Libc.close((int) r);
                return Feature.yes(name, min, "BPF_LINK_CREATE(BPF_PERF_EVENT) succeeded");
            }
            return Feature.no(name, min, "BPF_LINK_CREATE(BPF_PERF_EVENT) failed with " + Errno.describe((int) -r));
        } catch (RuntimeException e) {
            return Feature.no(name, min, "could not set up the probe: " + e.getMessage());
        }
    }

    /** BPF_LINK_CREATE on interface 0: ENODEV means the kernel knows the attach type. */
    private static Feature linkErrno(String name, String min, ProgramType type, AttachType attach, int target,
                                     java.util.function.Consumer<MemorySegment> extra, String how) {
        try (Fd prog = loadFd(type, attach)) {
            MemorySegment a = CallScratch.get().attr(BpfAttr.LINK_CREATE_SIZE);
            a.set(JAVA_INT, BpfAttr.LINK_PROG_FD, prog.get());
            a.set(JAVA_INT, BpfAttr.LINK_TARGET_FD, target);
            a.set(JAVA_INT, BpfAttr.LINK_ATTACH_TYPE, attach.number());
            extra.accept(a);
            long r = Bpf.call(BpfCommand.LINK_CREATE, a, BpfAttr.LINK_CREATE_SIZE);
            if (r >= 0) {
                Libc.close((int) r);
                return Feature.yes(name, min, "BPF_LINK_CREATE succeeded");
            }
            int errno = (int) -r;
            boolean known = errno == Errno.ENODEV.number() || errno == Errno.ENXIO.number();
            return new Feature(name, known, min, "BPF_LINK_CREATE(" + attach.bpftoolName() + ") answered "
                    + Errno.describe(errno) + " (" + how + ")");
        } catch (RuntimeException e) {
            return Feature.no(name, min, "could not set up the probe: " + e.getMessage());
        }
    }

    /**
     * XDP links cannot be told apart by error number (a missing device and an unknown attach type both give EINVAL),
     * and probing by attaching would touch a real interface; the kernel's BTF names the link's struct instead.
     */
    private static Feature xdpLink(String name, String min) {
        try {
            boolean known = dev.ebpf4j.btf.Btf.vmlinux().findStruct("bpf_xdp_link").isPresent();
            return new Feature(name, known, min, known ? "the kernel's BTF has struct bpf_xdp_link"
                    : "the kernel's BTF has no struct bpf_xdp_link");
        } catch (RuntimeException e) {
            return Feature.no(name, min, "cannot tell without the kernel's BTF: " + e.getMessage());
        }
    }

    private static Feature kprobeMulti(String name, String min) {
        try (Fd prog = loadFd(ProgramType.KPROBE, AttachType.TRACE_KPROBE_MULTI); Arena arena = Arena.ofConfined()) {
            MemorySegment sym = arena.allocateFrom("ebpf4j_no_such_symbol_probe");
            MemorySegment syms = arena.allocate(8);
            syms.set(JAVA_LONG, 0, sym.address());
            MemorySegment a = CallScratch.get().attr(BpfAttr.LINK_CREATE_SIZE);
            a.set(JAVA_INT, BpfAttr.LINK_PROG_FD, prog.get());
            a.set(JAVA_INT, BpfAttr.LINK_ATTACH_TYPE, AttachType.TRACE_KPROBE_MULTI.number());
            a.set(JAVA_INT, BpfAttr.LINK_KPROBE_MULTI_CNT, 1);
            a.set(JAVA_LONG, BpfAttr.LINK_KPROBE_MULTI_SYMS, syms.address());
            long r = Bpf.call(BpfCommand.LINK_CREATE, a, BpfAttr.LINK_CREATE_SIZE);
            if (r >= 0) {
                Libc.close((int) r);
                return Feature.yes(name, min, "attached");
            }
            int errno = (int) -r;
            if (errno == Errno.ENOENT.number() || errno == Errno.ESRCH.number()) {
                return Feature.yes(name, min, "the kernel looked up the (nonexistent) probe symbol");
            }
            if (errno == Errno.EOPNOTSUPP.number() || errno == Errno.ENOTSUPP.number()) {
                return Feature.no(name, min, "the kernel has kprobe.multi links but no fprobe support (CONFIG_FPROBE): "
                        + Errno.describe(errno));
            }
            return Feature.no(name, min, "BPF_LINK_CREATE(trace_kprobe_multi) answered " + Errno.describe(errno));
        } catch (RuntimeException e) {
            return Feature.no(name, min, "could not set up the probe: " + e.getMessage());
        }
    }

    private static Feature uprobeMulti(String name, String min) {
        try (Fd prog = loadFd(ProgramType.KPROBE, AttachType.TRACE_UPROBE_MULTI); Arena arena = Arena.ofConfined()) {
            MemorySegment path = arena.allocateFrom("/ebpf4j/no/such/binary");
            MemorySegment offsets = arena.allocate(8);
            MemorySegment a = CallScratch.get().attr(BpfAttr.LINK_CREATE_SIZE);
            a.set(JAVA_INT, BpfAttr.LINK_PROG_FD, prog.get());
            a.set(JAVA_INT, BpfAttr.LINK_ATTACH_TYPE, AttachType.TRACE_UPROBE_MULTI.number());
            a.set(JAVA_LONG, BpfAttr.LINK_UPROBE_MULTI_PATH, path.address());
            a.set(JAVA_LONG, BpfAttr.LINK_UPROBE_MULTI_OFFSETS, offsets.address());
            a.set(JAVA_INT, BpfAttr.LINK_UPROBE_MULTI_CNT, 1);
            long r = Bpf.call(BpfCommand.LINK_CREATE, a, BpfAttr.LINK_CREATE_SIZE);
            if (r >= 0) {
                Libc.close((int) r);
                return Feature.yes(name, min, "attached");
            }
            int errno = (int) -r;
            if (errno == Errno.ENOENT.number()) return Feature.yes(name, min, "the kernel looked up the probe path");
            return Feature.no(name, min, "BPF_LINK_CREATE(trace_uprobe_multi) answered " + Errno.describe(errno));
        } catch (RuntimeException e) {
            return Feature.no(name, min, "could not set up the probe: " + e.getMessage());
        }
    }

    private static Fd loadFd(ProgramType type, AttachType attach) {
        long r = dev.ebpf4j.internal.ProgramTypeSupport.tryLoadTrivial(type, attach);
        if (r < 0) {
            throw new dev.ebpf4j.BpfException("probe program of type " + type.bpftoolName() + " did not load: "
                    + Errno.describe((int) -r), (int) -r);
        }
        return Fd.adopt((int) r, "probe program");
    }
}
