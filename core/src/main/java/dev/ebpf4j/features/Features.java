package dev.ebpf4j.features;

import dev.ebpf4j.AttachType;
import dev.ebpf4j.Errno;
import dev.ebpf4j.MapType;
import dev.ebpf4j.ProgramType;
import dev.ebpf4j.asm.Asm;
import dev.ebpf4j.asm.HelperFunction;
import dev.ebpf4j.asm.Instruction;
import dev.ebpf4j.internal.MapTypeSupport;
import dev.ebpf4j.internal.sys.Capabilities;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import static dev.ebpf4j.asm.Register.*;

/**
 * Feature probes against the running kernel: program types, map types, helpers per program type, attach types,
 * hook facilities, ISA extensions and link kinds. Every answer is probed once per process and remembered; each
 * names the first Linux version that has the feature. Probing needs the same privileges as using the feature
 * (CAP_BPF, or root); without them answers are "unavailable" with the permission problem as the detail, and are not
 * remembered.
 *
 * <pre>{@code
 * Features.programType(ProgramType.XDP).require();
 * boolean loop = Features.helper(ProgramType.XDP, HelperFunction.LOOP).available();
 * Features.misc(MiscFeature.TRAMPOLINES).detail();   // why fentry cannot work here
 * }</pre>
 */
public final class Features {
    private static final ConcurrentHashMap<String, Feature> CACHE = new ConcurrentHashMap<>();

    private Features() {
    }

    private static Feature memo(String key, Supplier<Feature> probe) {
        Feature f = CACHE.get(key);
        if (f != null) return f;
        f = probe.get();
        if (!f.detail().startsWith(PERMISSION)) CACHE.putIfAbsent(key, f);
        return f;
    }

    private static final String PERMISSION = "cannot probe: ";

    private static Feature permissionProblem(String name, String minimumKernel, int errno) {
        return Feature.no(name, minimumKernel, PERMISSION + Errno.describe(errno) + "; this process has "
                + Capabilities.current().describeBpfRelevant() + " — run as root or with CAP_BPF and CAP_PERFMON");
    }

    private static boolean isPermission(int errno) {
        return (errno == Errno.EPERM.number() || errno == Errno.EACCES.number()) && !Capabilities.current().canBpf();
    }

    /** Whether the {@code bpf()} system call exists and this process may use it. */
    public static Feature bpfSyscall() {
        return memo("syscall", () -> {
            ProbeLoad.Result r = ProbeLoad.run(ProgramType.SOCKET_FILTER, null, 0, trivial(), false);
            if (r.loaded()) return Feature.yes("bpf() system call", "3.18", "a socket filter loaded");
            if (r.errno() == Errno.ENOSYS.number()) {
                return Feature.no("bpf() system call", "3.18", "the kernel was built without CONFIG_BPF_SYSCALL");
            }
            if (isPermission(r.errno())) return permissionProblem("bpf() system call", "3.18", r.errno());
            return Feature.yes("bpf() system call", "3.18", "present; a trivial load failed with "
                    + Errno.describe(r.errno()));
        });
    }

    /** Whether programs of {@code type} can be loaded. */
    public static Feature programType(ProgramType type) {
        String name = "program type " + type.bpftoolName();
        return memo("prog:" + type, () -> {
            if (type == ProgramType.UNSPEC) return Feature.no(name, "", "not a program type");
            if (type == ProgramType.EXT) {
                Feature t = misc(MiscFeature.TRAMPOLINES);
                return new Feature(name, t.available(), type.minimumKernel(), "freplace programs need BPF trampolines: "
                        + t.detail());
            }
            if (type == ProgramType.STRUCT_OPS) {
                ProbeLoad.Result r = ProbeLoad.run(type, null, 0, trivial(), true);
                if (isPermission(r.errno())) return permissionProblem(name, type.minimumKernel(), r.errno());
                boolean known = r.errno() != Errno.EINVAL.number() || !r.log().isBlank();
                return new Feature(name, known, type.minimumKernel(), known
                        ? "known to the kernel (a struct_ops program needs its struct_ops map to load)"
                        : "BPF_PROG_LOAD rejected the type");
            }
            ProbeTargets.Target t = ProbeTargets.forProgramType(type);
            if (t.btfId() == 0 && (type == ProgramType.TRACING || type == ProgramType.LSM)) {
                return Feature.no(name, type.minimumKernel(), "no attach target " + t.description()
                        + " in the kernel's BTF (/sys/kernel/btf/vmlinux)");
            }
            ProbeLoad.Result r = ProbeLoad.run(t.type(), t.attach(), t.btfId(), trivial(), true);
            if (r.loaded()) return Feature.yes(name, type.minimumKernel(), "loaded (" + t.description() + ")");
            if (isPermission(r.errno())) return permissionProblem(name, type.minimumKernel(), r.errno());
            if (type == ProgramType.LSM && r.errno() == Errno.EPERM.number()) {
                return Feature.no(name, type.minimumKernel(), "LSM programs need BPF trampolines, which this kernel "
                        + "refuses (EPERM as a privileged process)");
            }
            return Feature.no(name, type.minimumKernel(), "BPF_PROG_LOAD failed with " + Errno.describe(r.errno())
                    + firstLine(r.log()));
        });
    }

    /** Whether maps of {@code type} can be created. */
    public static Feature mapType(MapType type) {
        String name = "map type " + type.bpftoolName();
        return memo("map:" + type, () -> {
            if (type == MapType.UNSPEC) return Feature.no(name, "", "not a map type");
            boolean known = MapTypeSupport.isKnownToKernel(type);
            if (!known && !Capabilities.current().canBpf()) return permissionProblem(name, type.minimumKernel(),
                    Errno.EPERM.number());
            return new Feature(name, known, type.minimumKernel(), known ? "created" : "BPF_MAP_CREATE rejected the type");
        });
    }

    /** Whether programs of {@code type} may call {@code helper}. */
    public static Feature helper(ProgramType type, HelperFunction helper) {
        String name = "helper " + helper.cName() + " for " + type.bpftoolName() + " programs";
        String min = HelperVersions.minimumKernel(helper);
        return memo("helper:" + type + ":" + helper, () -> {
            if (!programType(type).available()) {
                return Feature.no(name, min, "program type " + type.bpftoolName() + " is unavailable");
            }
            ProbeTargets.Target t = ProbeTargets.forProgramType(type);
            ProbeLoad.Result r = ProbeLoad.run(t.type(), t.attach(), t.btfId(), callHelper(helper), true);
            if (r.loaded()) return Feature.yes(name, min, "loaded");
            if (isPermission(r.errno())) return permissionProblem(name, min, r.errno());
            String log = r.log();
            if (log.contains("invalid func ") || log.contains("unknown func ")
                    || log.contains("cannot use helper") || log.contains("program of this type cannot use helper")) {
                return Feature.no(name, min, lastLine(log));
            }
            return Feature.yes(name, min, "accepted by the verifier's helper check (the probe failed later: "
                    + lastLine(log) + ")");
        });
    }

    /** The helpers programs of {@code type} may call on this kernel. */
    public static List<HelperFunction> helpers(ProgramType type) {
        List<HelperFunction> out = new ArrayList<>();
        if (!programType(type).available()) return out;
        for (HelperFunction h : HelperFunction.values()) {
            if (helper(type, h).available()) out.add(h);
        }
        return out;
    }

    /** Whether programs can be loaded for {@code attach} (the attach point itself may still need more). */
    public static Feature attachType(AttachType attach) {
        String name = "attach type " + attach.bpftoolName();
        String min = AttachVersions.minimumKernel(attach);
        return memo("attach:" + attach, () -> {
            if (attach == AttachType.TRACE_FENTRY || attach == AttachType.TRACE_FEXIT
                    || attach == AttachType.MODIFY_RETURN || attach == AttachType.LSM_MAC
                    || attach == AttachType.LSM_CGROUP) {
                Feature t = misc(MiscFeature.TRAMPOLINES);
                if (!t.available()) return Feature.no(name, min, t.detail());
            }
            ProbeTargets.Target t = ProbeTargets.forAttachType(attach);
            if (t.btfId() == 0 && t.type() == ProgramType.TRACING) {
                return Feature.no(name, min, "no attach target " + t.description() + " in the kernel's BTF");
            }
            ProbeLoad.Result r = ProbeLoad.run(t.type(), t.attach(), t.btfId(), trivialFor(t.type()), true);
            if (r.loaded()) return Feature.yes(name, min, "loaded (" + t.description() + ")");
            if (isPermission(r.errno())) return permissionProblem(name, min, r.errno());
            return Feature.no(name, min, "BPF_PROG_LOAD failed with " + Errno.describe(r.errno()) + firstLine(r.log()));
        });
    }

    /**
     * Whether the kernel's BTF loader accepts BTF kind {@code kind} (FUNC, DATASEC, FLOAT, DECL_TAG, TYPE_TAG,
     * ENUM64, ...): the object loader replaces kinds the kernel lacks before loading an object's BTF.
     */
    public static Feature btfKind(dev.ebpf4j.btf.BtfKind kind) {
        return memo("btf:" + kind, () -> BtfProbes.kind(kind));
    }

    /** Whether the kernel accepts BTF functions with global linkage (Linux 5.6). */
    public static Feature btfGlobalFunctions() {
        return memo("btf:func-global", BtfProbes::globalFunctions);
    }

    /** Probes one miscellaneous feature. */
    public static Feature misc(MiscFeature feature) {
        return memo("misc:" + feature, () -> MiscProbes.probe(feature));
    }

    /** Runs every probe and returns the full report (what {@code ebpf4j feature probe} prints). */
    public static FeatureReport probeAll() {
        return FeatureReport.collect();
    }

    // ---- probe programs --------------------------------------------------------------------------------------

    static List<Instruction> trivial() {
        return new Asm().mov64(R0, 0).exit().build();
    }

    /** A trivial program whose return value suits the type (some types check r0's range). */
    static List<Instruction> trivialFor(ProgramType type) {
        return switch (type) {
            case CGROUP_SKB, CGROUP_SOCK, CGROUP_SOCK_ADDR, CGROUP_DEVICE, CGROUP_SYSCTL, CGROUP_SOCKOPT ->
                    new Asm().mov64(R0, 1).exit().build();
            default -> trivial();
        };
    }

    private static List<Instruction> callHelper(HelperFunction helper) {
        return new Asm().mov64(R1, 0).mov64(R2, 0).mov64(R3, 0).mov64(R4, 0).mov64(R5, 0)
                .call(helper).mov64(R0, 0).exit().build();
    }

    static String lastLine(String log) {
        List<String> lines = log.lines().map(String::strip).filter(l -> !l.isEmpty()
                && !l.startsWith("processed ") && !l.startsWith("verification time")).toList();
        return lines.isEmpty() ? "" : lines.getLast();
    }

    private static String firstLine(String log) {
        String l = lastLine(log);
        return l.isEmpty() ? "" : ": " + l;
    }
}
