package dev.ebpf4j.internal.loader;

import dev.ebpf4j.BpfException;
import dev.ebpf4j.Program;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The struct_ops part of one object load: lays out every struct_ops variable for the kernel
 * ({@link StructOpsLayout}), tells each struct_ops program which kernel struct member it implements (its
 * attach_btf_id and expected attach type), and once the programs are loaded writes their fds into the values that
 * registering will write to the maps. Variables that are not created are laid out too, only to tell their programs'
 * targets, so that such a program can still be loaded on its own (as veristat does).
 *
 * <pre>{@code
 * StructOpsPlanner p = StructOpsPlanner.plan(model, kernel, notes);
 * p.plan("ebpf4j_cc");                 // for creating the map
 * p.target("ebpf4j_ssthresh");         // for loading the program
 * p.values(model, programs, notes);    // after loading
 * }</pre>
 */
final class StructOpsPlanner {
    /** What a struct_ops program implements: a member of a kernel struct, as the map {@code map} says. */
    record Target(String map, int kernelTypeId, int memberIndex, String member, String module) {
    }

    private final Map<String, StructOpsLayout.Plan> plans = new LinkedHashMap<>();
    private final Map<String, Target> targets = new HashMap<>();

    private StructOpsPlanner() {
    }

    /** Plans every struct_ops variable of {@code model}; notes what the kernel's structs lack. */
    static StructOpsPlanner plan(ObjectModel model, KernelView kernel, List<String> notes) {
        StructOpsPlanner p = new StructOpsPlanner();
        List<StructOpsDefinition> ordered = new ArrayList<>();
        for (StructOpsDefinition d : model.structOps()) if (d.autocreate()) ordered.add(d);
        for (StructOpsDefinition d : model.structOps()) if (!d.autocreate()) ordered.add(d);
        for (StructOpsDefinition d : ordered) {
            StructOpsLayout.Plan plan;
            try {
                plan = StructOpsLayout.plan(d, model.btf(), kernel);
            } catch (BpfException e) {
                if (d.autocreate()) throw e;
                notes.add("struct_ops map '" + d.name() + "' (not created): " + e.getMessage());
                continue;
            }
            if (d.autocreate()) {
                p.plans.put(d.name(), plan);
                for (String m : plan.dropped()) {
                    notes.add("struct_ops map '" + d.name() + "': member '" + m + "' is not in the kernel's struct "
                            + d.kernelTypeName() + "; it is unset, so it was left out");
                }
            }
            for (StructOpsLayout.Slot slot : plan.slots()) p.addTarget(d, plan, slot);
        }
        return p;
    }

    private void addTarget(StructOpsDefinition d, StructOpsLayout.Plan plan, StructOpsLayout.Slot slot) {
        Target t = new Target(d.name(), plan.kernelTypeId(), slot.memberIndex(),
                d.kernelTypeName() + "." + slot.member(), plan.module());
        Target before = targets.putIfAbsent(slot.program(), t);
        if (before == null || !d.autocreate()) return;
        if (before.kernelTypeId() != t.kernelTypeId() || before.memberIndex() != t.memberIndex()
                || !Objects.equals(before.module(), t.module())) {
            throw new BpfException("program '" + slot.program() + "' implements " + before.member() + " for struct_ops "
                    + "map '" + before.map() + "' and " + t.member() + " for map '" + t.map() + "'; a struct_ops "
                    + "program can serve only one member of one kernel struct");
        }
    }

    /** The layout of created struct_ops map {@code map}, or null when it is not created. */
    StructOpsLayout.Plan plan(String map) {
        return plans.get(map);
    }

    /** What struct_ops program {@code program} implements, or null when no struct_ops variable points to it. */
    Target target(String program) {
        return targets.get(program);
    }

    /**
     * The created maps' values with the fds of the loaded {@code programs} filled in; programs that are not loaded
     * are listed in each value (and noted).
     */
    Map<String, ObjectLoader.StructOpsValue> values(ObjectModel model, Map<String, Program> programs,
                                                   List<String> notes) {
        Map<String, ObjectLoader.StructOpsValue> out = new LinkedHashMap<>();
        for (Map.Entry<String, StructOpsLayout.Plan> e : plans.entrySet()) {
            StructOpsLayout.Plan plan = e.getValue();
            StructOpsDefinition d = model.structOps(e.getKey());
            ByteBuffer value = ByteBuffer.wrap(plan.value()).order(ByteOrder.nativeOrder());
            List<String> missing = new ArrayList<>();
            for (StructOpsLayout.Slot slot : plan.slots()) {
                Program p = programs.get(slot.program());
                if (p == null) {
                    if (!missing.contains(slot.program())) missing.add(slot.program());
                    continue;
                }
                value.putLong(slot.valueOffset(), Integer.toUnsignedLong(p.fd()));
            }
            if (!missing.isEmpty()) {
                notes.add("struct_ops map '" + d.name() + "': programs " + missing + " are not loaded, so it cannot be "
                        + "registered");
            }
            out.put(d.name(), new ObjectLoader.StructOpsValue(d.name(), d.kernelTypeName(), value.array(), d.link(),
                    missing));
        }
        return out;
    }
}
