package dev.ebpf4j.features;

import dev.ebpf4j.AttachType;
import dev.ebpf4j.MapType;
import dev.ebpf4j.ProgramType;
import dev.ebpf4j.asm.HelperFunction;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything {@code ebpf4j feature probe} reports, in bpftool's section order: system configuration, the bpf()
 * syscall, program types, map types, helpers per program type, miscellaneous features, and (ebpf4j's addition)
 * attach types.
 *
 * <pre>{@code
 * FeatureReport r = Features.probeAll();
 * r.programTypes().get(ProgramType.XDP).available();
 * r.helpers().get(ProgramType.XDP);      // helpers XDP programs may call
 * }</pre>
 */
public record FeatureReport(SystemConfig system, Feature bpfSyscall, Map<ProgramType, Feature> programTypes,
                            Map<MapType, Feature> mapTypes, Map<ProgramType, List<HelperFunction>> helpers,
                            Map<MiscFeature, Feature> misc, Map<AttachType, Feature> attachTypes) {

    static FeatureReport collect() {
        SystemConfig system = SystemConfig.read();
        Feature syscall = Features.bpfSyscall();
        Map<ProgramType, Feature> progs = new LinkedHashMap<>();
        Map<ProgramType, List<HelperFunction>> helpers = new LinkedHashMap<>();
        for (ProgramType t : ProgramType.values()) {
            if (t == ProgramType.UNSPEC) continue;
            progs.put(t, Features.programType(t));
        }
        Map<MapType, Feature> maps = new LinkedHashMap<>();
        for (MapType t : MapType.values()) {
            if (t != MapType.UNSPEC) maps.put(t, Features.mapType(t));
        }
        for (ProgramType t : progs.keySet()) {
            helpers.put(t, progs.get(t).available() ? Features.helpers(t) : new ArrayList<>());
        }
        Map<MiscFeature, Feature> misc = new LinkedHashMap<>();
        for (MiscFeature f : MiscFeature.values()) misc.put(f, Features.misc(f));
        Map<AttachType, Feature> attach = new LinkedHashMap<>();
        for (AttachType a : AttachType.values()) attach.put(a, Features.attachType(a));
        return new FeatureReport(system, syscall, progs, maps, helpers, misc, attach);
    }
}
