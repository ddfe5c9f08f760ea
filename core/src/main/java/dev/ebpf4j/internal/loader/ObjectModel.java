package dev.ebpf4j.internal.loader;

import dev.ebpf4j.VariableSpec;
import dev.ebpf4j.btf.Btf;
import dev.ebpf4j.btf.BtfType;

import java.util.List;
import java.util.Map;

/**
 * Everything the loader knows about a parsed object, independent of the kernel: the model behind
 * {@link dev.ebpf4j.ObjectSpec}. Immutable; edits make copies.
 *
 * <pre>{@code
 * ObjectModel m = ObjectParser.parse(ElfFile.read(path), "x.bpf.o");
 * }</pre>
 *
 * @param name          the object's name (file name)
 * @param license       the {@code license} section's string ("" when absent)
 * @param kernelVersion the {@code version} section's value (0 when absent)
 * @param btf           the object's BTF as parsed (type ids used by .BTF.ext and CO-RE), or null
 * @param btfTypes      the completed BTF types for the kernel ({@link ObjectBtfFixer}), or null without BTF
 * @param btfBlob       {@code btfTypes} encoded with the line info strings, or null without BTF
 * @param programs      the programs, in section order
 * @param maps          the maps (BTF-defined, legacy, global data, .kconfig)
 * @param variables     global variables
 * @param externs       externs by name
 * @param structOps     the struct_ops maps (also listed in {@code maps} with origin STRUCT_OPS), in section order
 * @param arena         the {@code __arena} variables and their arena map, or null when the object has none
 */
public record ObjectModel(String name, String license, int kernelVersion, Btf btf, List<BtfType> btfTypes,
                          BtfBlob btfBlob, List<ProgramDefinition> programs, List<MapDefinition> maps,
                          List<VariableSpec> variables, Map<String, ExternSpec> externs,
                          List<StructOpsDefinition> structOps, ArenaData arena) {
    public ObjectModel {
        btfTypes = btfTypes == null ? null : List.copyOf(btfTypes);
        programs = List.copyOf(programs);
        maps = List.copyOf(maps);
        variables = List.copyOf(variables);
        externs = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(externs));
        structOps = List.copyOf(structOps);
    }

    public ObjectModel withPrograms(List<ProgramDefinition> p) {
        return new ObjectModel(name, license, kernelVersion, btf, btfTypes, btfBlob, p, maps, variables, externs,
                structOps, arena);
    }

    public ObjectModel withMaps(List<MapDefinition> m) {
        return new ObjectModel(name, license, kernelVersion, btf, btfTypes, btfBlob, programs, m, variables, externs,
                structOps, arena);
    }

    public ObjectModel withStructOps(List<StructOpsDefinition> s) {
        return new ObjectModel(name, license, kernelVersion, btf, btfTypes, btfBlob, programs, maps, variables, externs,
                s, arena);
    }

    public ObjectModel withArena(ArenaData a) {
        return new ObjectModel(name, license, kernelVersion, btf, btfTypes, btfBlob, programs, maps, variables, externs,
                structOps, a);
    }

    /** The struct_ops map named {@code name}, or null. */
    public StructOpsDefinition structOps(String name) {
        for (StructOpsDefinition d : structOps) if (d.name().equals(name)) return d;
        return null;
    }
}
