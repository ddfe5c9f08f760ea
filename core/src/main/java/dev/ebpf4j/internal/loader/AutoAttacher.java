package dev.ebpf4j.internal.loader;

import dev.ebpf4j.AttachOptions;
import dev.ebpf4j.AttachType;
import dev.ebpf4j.BpfArgumentException;
import dev.ebpf4j.NotSupportedException;
import dev.ebpf4j.Program;
import dev.ebpf4j.SectionDef;
import dev.ebpf4j.internal.Glob;
import dev.ebpf4j.internal.Kallsyms;
import dev.ebpf4j.internal.netlink.NetworkInterfaces;
import dev.ebpf4j.link.CgroupLink;
import dev.ebpf4j.link.IterLink;
import dev.ebpf4j.link.KprobeLink;
import dev.ebpf4j.link.Link;
import dev.ebpf4j.link.PerfEventLink;
import dev.ebpf4j.link.RawTracepointLink;
import dev.ebpf4j.link.TcAttach;
import dev.ebpf4j.link.TcDirection;
import dev.ebpf4j.link.TcxLink;
import dev.ebpf4j.link.TracepointLink;
import dev.ebpf4j.link.TracingLink;
import dev.ebpf4j.link.UprobeLink;
import dev.ebpf4j.link.UprobeMultiLink;
import dev.ebpf4j.link.UsdtLink;
import dev.ebpf4j.link.UsdtSpecMaps;
import dev.ebpf4j.link.XdpLink;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Attaches a loaded program the way its section name says, with the link classes of {@code dev.ebpf4j.link}:
 * tracepoint, raw_tp, tp_btf, fentry/fexit/fmod_ret/lsm, freplace, iter, kprobe/kretprobe/ksyscall,
 * kprobe.multi/kretprobe.multi/kprobe.session (a function or a pattern), uprobe/uretprobe
 * ({@code binary:function[+offset]}, libraries found on the usual library paths), uprobe.multi/uretprobe.multi/
 * uprobe.session ({@code binary:pattern}), usdt
 * ({@code binary:provider:name}, parts overridable from the options; needs the object's {@code usdt.bpf.h} maps),
 * xdp and tcx/tc (interface from the options), cgroup (path from the options), perf_event (event from the options).
 *
 * <pre>{@code
 * Link l = AutoAttacher.attach(program, definition, AttachOptions.NONE.interfaceName("eth0"));
 * }</pre>
 */
public final class AutoAttacher {
    private AutoAttacher() {
    }

    /** True when programs of this section can be attached from the section name (with options). */
    public static boolean canAutoAttach(ProgramDefinition d) {
        if (d.match() == null) return false;
        return switch (d.match().definition().attachKind()) {
            case NONE, STRUCT_OPS, SOCKMAP, SK_LOOKUP, NETFILTER, NETKIT, FLOW_DISSECTOR, SOCKET_FILTER -> false;
            default -> true;
        };
    }

    /** Attaches {@code program} (loaded from {@code d}), for objects without USDT programs. */
    public static Link attach(Program program, ProgramDefinition d, AttachOptions o) {
        return attach(program, d, o, null);
    }

    /**
     * Attaches {@code program} (loaded from {@code d}); {@code usdt} supplies the object's USDT spec maps (null when
     * the object has none).
     */
    public static Link attach(Program program, ProgramDefinition d, AttachOptions o, Supplier<UsdtSpecMaps> usdt) {
        if (d.match() == null) throw new BpfArgumentException(d.describe() + ": unknown section, cannot attach");
        SectionDef def = d.match().definition();
        String target = d.match().target();
        String what = d.describe();
        return switch (def.attachKind()) {
            case TRACEPOINT -> TracepointLink.attach(program, requireTarget(what, target, "category/name"));
            case RAW_TRACEPOINT -> RawTracepointLink.attach(program, requireTarget(what, target, "tracepoint"));
            case TRACING -> def.attachType() == AttachType.TRACE_RAW_TP ? RawTracepointLink.attach(program)
                    : TracingLink.attach(program);
            case LSM, FREPLACE -> TracingLink.attach(program);
            case ITER -> IterLink.attach(program);
            case KPROBE, KRETPROBE -> {
                String t = requireTarget(what, target, "function[+offset]");
                KprobeLink.Options ko = kprobe(t);
                yield KprobeLink.attach(program, def.attachKind() == SectionDef.AttachKind.KRETPROBE
                        ? ko.onReturn() : ko);
            }
            case KSYSCALL, KRETSYSCALL -> {
                String t = requireTarget(what, target, "syscall");
                KprobeLink.Options ko = KprobeLink.Options.function(syscallFunction(t));
                yield KprobeLink.attach(program, def.attachKind() == SectionDef.AttachKind.KRETSYSCALL
                        ? ko.onReturn() : ko);
            }
            case KPROBE_MULTI, KRETPROBE_MULTI -> KprobeLink.attachMulti(program,
                    kernelFunctions(what, requireTarget(what, target, "function or pattern")),
                    def.attachKind() == SectionDef.AttachKind.KRETPROBE_MULTI);
            case KPROBE_SESSION -> KprobeLink.attachSession(program,
                    kernelFunctions(what, requireTarget(what, target, "function or pattern")));
            case UPROBE, URETPROBE -> {
                String t = o.uprobeTarget() != null ? o.uprobeTarget() : requireTarget(what, target,
                        "binary:function[+offset] (or AttachOptions.uprobeTarget)");
                UprobeLink.Options uo = uprobe(what, t).pid(o.pid());
                yield UprobeLink.attach(program, def.attachKind() == SectionDef.AttachKind.URETPROBE
                        ? uo.onReturn() : uo);
            }
            case UPROBE_MULTI, URETPROBE_MULTI, UPROBE_SESSION -> {
                String t = o.uprobeTarget() != null ? o.uprobeTarget() : requireTarget(what, target,
                        "binary:pattern (or AttachOptions.uprobeTarget)");
                UprobeMultiLink.Options uo = uprobeMulti(what, t).pid(o.pid());
                yield UprobeMultiLink.attach(program, def.attachKind() == SectionDef.AttachKind.URETPROBE_MULTI
                        ? uo.onReturn() : uo);
            }
            case USDT -> {
                if (usdt == null) {
                    throw new BpfArgumentException(what + ": the object has no " + UsdtSpecMaps.SPECS_MAP + " map; "
                            + "USDT programs are written with <bpf/usdt.bpf.h> (BPF_USDT, bpf_usdt_arg), which "
                            + "declares it");
                }
                yield UsdtLink.attach(program, usdt.get(), usdt(what, target, o));
            }
            case XDP -> {
                int ifindex = ifindex(what, o, "XDP");
                yield o.xdpMode() == null ? XdpLink.attach(program, ifindex) : XdpLink.attach(program, ifindex,
                        o.xdpMode());
            }
            case TCX -> TcxLink.attach(program, ifindex(what, o, "tcx"),
                    def.attachType() == AttachType.TCX_EGRESS ? TcDirection.EGRESS : TcDirection.INGRESS);
            case TC_LEGACY -> TcAttach.attach(program, ifindex(what, o, "tc"),
                    o.tcDirection() == null ? TcDirection.INGRESS : o.tcDirection());
            case CGROUP -> {
                if (o.cgroup() == null) {
                    throw new BpfArgumentException(what + ": attaching a cgroup program needs a cgroup: "
                            + "AttachOptions.cgroup(path)");
                }
                AttachType at = program.expectedAttachType() != null ? program.expectedAttachType() : def.attachType();
                if (at == null) {
                    throw new BpfArgumentException(what + ": the section does not say where in the cgroup to attach; "
                            + "use CgroupLink.attach with an AttachType");
                }
                yield CgroupLink.attach(program, o.cgroup(), at);
            }
            case PERF_EVENT -> {
                if (o.perfEvent() == null) {
                    throw new BpfArgumentException(what + ": attaching a perf_event program needs the event to sample:"
                            + " AttachOptions.perfEvent(PerfEventLink.Options.cpuClock())");
                }
                yield PerfEventLink.attach(program, o.perfEvent());
            }
            default -> throw new BpfArgumentException(what + ": programs of section '" + def.pattern() + "' cannot be "
                    + "attached from their section name; attach them with the classes of dev.ebpf4j.link");
        };
    }

    private static String requireTarget(String what, String target, String form) {
        if (target.isEmpty()) {
            throw new BpfArgumentException(what + ": the section names no attach target (expected '" + form + "')");
        }
        return target;
    }

    private static int ifindex(String what, AttachOptions o, String kind) {
        if (o.ifindex() > 0) return o.ifindex();
        if (o.interfaceName() != null) return NetworkInterfaces.indexOf(o.interfaceName());
        throw new BpfArgumentException(what + ": attaching a " + kind + " program needs a network interface: "
                + "AttachOptions.interfaceName(name) or ifindex(index)");
    }

    private static KprobeLink.Options kprobe(String target) {
        int plus = target.indexOf('+');
        if (plus < 0) return KprobeLink.Options.function(target);
        try {
            return KprobeLink.Options.function(target.substring(0, plus)).offset(Long.decode(target.substring(plus + 1)));
        } catch (NumberFormatException e) {
            throw new BpfArgumentException("kprobe target '" + target + "' has a bad offset");
        }
    }

    /** The kernel function of a syscall: "__x64_sys_openat" on x86-64, "__arm64_sys_..." on arm64. */
    static String syscallFunction(String syscall) {
        String arch = System.getProperty("os.arch");
        String prefix = switch (arch) {
            case "amd64", "x86_64" -> "__x64_sys_";
            case "aarch64" -> "__arm64_sys_";
            case "s390x" -> "__s390x_sys_";
            case "riscv64" -> "__riscv_sys_";
            default -> "sys_";
        };
        return prefix + syscall;
    }

    /**
     * The USDT probe of a "usdt/BINARY:PROVIDER:NAME" section (BINARY may itself contain ':'), each part overridden
     * by the options' when given; a bare "usdt" section takes all three from the options.
     */
    static UsdtLink.Options usdt(String what, String target, AttachOptions o) {
        String binary = null;
        String provider = null;
        String name = null;
        if (!target.isEmpty()) {
            int last = target.lastIndexOf(':');
            int middle = last > 0 ? target.lastIndexOf(':', last - 1) : -1;
            if (middle <= 0 || last == target.length() - 1 || middle + 1 == last) {
                throw new BpfArgumentException(what + ": USDT target '" + target + "' is not "
                        + "'binary:provider:name'");
            }
            binary = target.substring(0, middle);
            provider = target.substring(middle + 1, last);
            name = target.substring(last + 1);
        }
        if (o.usdtBinary() != null) binary = o.usdtBinary();
        if (o.usdtProvider() != null) provider = o.usdtProvider();
        if (o.usdtName() != null) name = o.usdtName();
        if (binary == null || provider == null || name == null) {
            throw new BpfArgumentException(what + ": the section names no USDT probe (expected "
                    + "'usdt/binary:provider:name'); give it with AttachOptions.usdt(binary, provider, name)");
        }
        return UsdtLink.Options.probe(binary, provider, name).pid(o.pid()).cookie(o.usdtCookie());
    }

    /**
     * Parses a {@code uprobe.multi} target "binary:pattern" as libbpf does: the binary is everything up to the first
     * ':' (a bare library name is searched like {@link #resolveBinary}), the glob pattern the rest.
     */
    static UprobeMultiLink.Options uprobeMulti(String what, String target) {
        int colon = target.indexOf(':');
        if (colon <= 0 || colon == target.length() - 1) {
            throw new BpfArgumentException(what + ": uprobe.multi target '" + target + "' is not 'binary:pattern'");
        }
        return UprobeMultiLink.Options.pattern(resolveBinary(target.substring(0, colon)), target.substring(colon + 1));
    }

    /**
     * The kernel functions a {@code kprobe.multi}/{@code kprobe.session} target names: itself, or for a glob pattern
     * the traceable functions matching it (tracefs {@code available_filter_functions}, else the text symbols of
     * {@code /proc/kallsyms}, as libbpf does).
     */
    static List<String> kernelFunctions(String what, String target) {
        if (!Glob.isPattern(target)) return List.of(target);
        List<String> found = null;
        Path filter = Path.of("/sys/kernel/tracing/available_filter_functions");
        try {
            java.util.LinkedHashSet<String> names = new java.util.LinkedHashSet<>();
            for (String line : Files.readAllLines(filter)) {
                String name = line.split("[ \\t]", 2)[0];
                if (Glob.matches(target, name)) names.add(name);
            }
            found = List.copyOf(names);
        } catch (java.io.IOException | SecurityException e) {
            // not mounted or not readable (ftrace blocked): fall back to kallsyms
        }
        if (found == null) found = Kallsyms.functionsMatching(target);
        if (found.isEmpty()) {
            throw new BpfArgumentException(what + ": no kernel function matches '" + target + "'");
        }
        return found;
    }

    /** Parses "binary:function[+offset]" or "binary:0xOFFSET". */
    static UprobeLink.Options uprobe(String what, String target) {
        int colon = target.lastIndexOf(':');
        if (colon <= 0 || colon == target.length() - 1) {
            throw new BpfArgumentException(what + ": uprobe target '" + target + "' is not 'binary:function[+offset]'");
        }
        Path binary = resolveBinary(target.substring(0, colon));
        String func = target.substring(colon + 1);
        try {
            if (func.startsWith("0x")) return UprobeLink.Options.fileOffset(binary, Long.decode(func));
            int plus = func.indexOf('+');
            if (plus < 0) return UprobeLink.Options.symbol(binary, func);
            return UprobeLink.Options.symbol(binary, func.substring(0, plus)).offset(Long.decode(func.substring(plus + 1)));
        } catch (NumberFormatException e) {
            throw new BpfArgumentException(what + ": bad offset in uprobe target '" + target + "'");
        }
    }

    /**
     * An absolute (or relative) path as given; a bare name searched as libbpf does: a library ("libc.so.6", any name
     * with ".so") on LD_LIBRARY_PATH and the system library directories, an executable on PATH.
     */
    static Path resolveBinary(String name) {
        Path p = Path.of(name);
        if (p.isAbsolute() || name.contains("/")) return p;
        List<String> dirs = new ArrayList<>();
        boolean library = name.endsWith(".so") || name.contains(".so.");
        String env = System.getenv(library ? "LD_LIBRARY_PATH" : "PATH");
        if (env != null) for (String d : env.split(":")) if (!d.isEmpty()) dirs.add(d);
        if (library) {
            String multiarch = switch (System.getProperty("os.arch")) {
                case "amd64", "x86_64" -> "x86_64-linux-gnu";
                case "aarch64" -> "aarch64-linux-gnu";
                default -> System.getProperty("os.arch") + "-linux-gnu";
            };
            dirs.addAll(List.of("/lib/" + multiarch, "/usr/lib/" + multiarch, "/lib64", "/usr/lib64", "/lib",
                    "/usr/lib", "/usr/local/lib"));
        }
        for (String d : dirs) {
            Path c = Path.of(d, name);
            if (Files.isRegularFile(c)) return c;
        }
        return p;
    }
}
