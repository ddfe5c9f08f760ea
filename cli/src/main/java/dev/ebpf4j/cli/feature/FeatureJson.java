package dev.ebpf4j.cli.feature;

import dev.ebpf4j.AttachType;
import dev.ebpf4j.ProgramType;
import dev.ebpf4j.asm.HelperFunction;
import dev.ebpf4j.cli.output.JsonWriter;
import dev.ebpf4j.features.Feature;
import dev.ebpf4j.features.FeatureReport;
import dev.ebpf4j.features.MiscFeature;

import java.util.List;
import java.util.Map;

/**
 * The JSON layout of {@code feature probe}: bpftool's keys ({@code system_config}, {@code syscall_config},
 * {@code program_types}, {@code map_types}, {@code helpers}, {@code misc}) plus {@code attach_types}; every feature
 * key also gets a {@code <key>_min_kernel} sibling in {@code misc} and {@code attach_types}, and a {@code details}
 * object explains unavailable features.
 *
 * <pre>{@code
 * FeatureJson.write(Features.probeAll(), session.jsonWriter());
 * }</pre>
 */
final class FeatureJson {
    private FeatureJson() {
    }

    static void write(FeatureReport r, JsonWriter w) {
        w.startObject();
        w.name("system_config").startObject();
        r.system().sysctls().forEach((name, value) -> {
            if (value == null) w.intField(name, -1);
            else w.intField(name, value);
        });
        r.system().kernelOptions().forEach((name, value) -> {
            if (value == null || value.equals("n")) w.nullField(name);
            else w.stringField(name, value);
        });
        w.endObject();
        w.name("syscall_config").startObject().boolField("have_bpf_syscall", r.bpfSyscall().available()).endObject();
        w.name("program_types").startObject();
        r.programTypes().forEach((t, f) -> w.boolField("have_" + t.bpftoolName() + "_prog_type", f.available()));
        w.endObject();
        w.name("map_types").startObject();
        r.mapTypes().forEach((t, f) -> w.boolField("have_" + t.bpftoolName() + "_map_type", f.available()));
        w.endObject();
        w.name("helpers").startObject();
        for (Map.Entry<ProgramType, List<HelperFunction>> e : r.helpers().entrySet()) {
            if (!r.programTypes().get(e.getKey()).available()) continue;
            w.name(e.getKey().bpftoolName() + "_available_helpers").startArray();
            for (HelperFunction h : e.getValue()) w.string(h.cName());
            w.endArray();
        }
        w.endObject();
        w.name("misc").startObject();
        for (Map.Entry<MiscFeature, Feature> e : r.misc().entrySet()) {
            w.boolField(e.getKey().jsonKey(), e.getValue().available());
        }
        w.endObject();
        w.name("attach_types").startObject();
        for (Map.Entry<AttachType, Feature> e : r.attachTypes().entrySet()) {
            w.boolField("have_" + e.getKey().bpftoolName() + "_attach_type", e.getValue().available());
        }
        w.endObject();
        w.name("min_kernel").startObject();
        r.programTypes().forEach((t, f) -> w.stringField(t.bpftoolName() + "_prog_type", f.minimumKernel()));
        r.mapTypes().forEach((t, f) -> w.stringField(t.bpftoolName() + "_map_type", f.minimumKernel()));
        r.misc().forEach((m, f) -> w.stringField(m.jsonKey(), f.minimumKernel()));
        r.attachTypes().forEach((a, f) -> w.stringField(a.bpftoolName() + "_attach_type", f.minimumKernel()));
        w.endObject();
        w.name("details").startObject();
        writeDetails(w, r);
        w.endObject();
        w.endObject();
    }

    private static void writeDetails(JsonWriter w, FeatureReport r) {
        r.programTypes().forEach((t, f) -> detail(w, t.bpftoolName() + "_prog_type", f));
        r.mapTypes().forEach((t, f) -> detail(w, t.bpftoolName() + "_map_type", f));
        r.misc().forEach((m, f) -> detail(w, m.jsonKey(), f));
        r.attachTypes().forEach((a, f) -> detail(w, a.bpftoolName() + "_attach_type", f));
    }

    private static void detail(JsonWriter w, String key, Feature f) {
        if (!f.available()) w.stringField(key, f.detail());
    }
}
