package dev.ebpf4j.internal.loader;

import java.util.ArrayList;
import java.util.List;

/**
 * libbpf's rule for loading struct_ops programs: a program that some struct_ops map points to is loaded exactly when
 * at least one of the maps pointing to it is created (so {@code SEC("?.struct_ops")} maps switch their programs off
 * with them, whatever the programs' own sections say); programs no map points to keep their section's autoload.
 *
 * <pre>{@code
 * List<ProgramDefinition> adjusted = StructOpsAutoload.adjust(programs, structOps);
 * }</pre>
 */
public final class StructOpsAutoload {
    private StructOpsAutoload() {
    }

    /** {@code programs} with the autoload of every struct_ops-referenced program set by the rule. */
    public static List<ProgramDefinition> adjust(List<ProgramDefinition> programs, List<StructOpsDefinition> structOps) {
        if (structOps.isEmpty()) return programs;
        List<ProgramDefinition> out = new ArrayList<>(programs.size());
        for (ProgramDefinition p : programs) {
            boolean referenced = false;
            boolean created = false;
            for (StructOpsDefinition d : structOps) {
                if (d.programs().contains(p.name())) {
                    referenced = true;
                    created |= d.autocreate();
                }
            }
            out.add(referenced ? p.withAutoload(created) : p);
        }
        return out;
    }
}
