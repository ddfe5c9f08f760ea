package dev.ebpf4j.internal.loader;

import dev.ebpf4j.MapSpec;

import java.util.List;

/**
 * A map of the object: the spec plus where it came from, where its definition sits in its section (for relocations
 * that point at it), its key/value types in the object's BTF, and initial values that are references resolved at
 * load time (program fds for prog arrays, map fds for map-in-map).
 *
 * <pre>{@code
 * MapDefinition d = ...;
 * d.spec().name();                 // "jump_table"
 * d.initialReferences();           // [slot 0 → program 'tail_one']
 * }</pre>
 *
 * @param spec              the map spec (its {@code btf} carries the key/value type ids once the object is parsed)
 * @param origin            where the definition came from
 * @param section           the ELF section of the definition (".maps", "maps", ".rodata", ...)
 * @param offset            the definition's byte offset in that section (0 for global data maps)
 * @param size              the definition's size in bytes (the data section's size for global data)
 * @param keyTypeId         BTF type id of the key (0: none)
 * @param valueTypeId       BTF type id of the value (0: none; the DATASEC for global data maps)
 * @param initialReferences initial slots holding programs or maps, filled once those exist
 */
public record MapDefinition(MapSpec spec, Origin origin, String section, long offset, long size, int keyTypeId,
                            int valueTypeId, List<SlotReference> initialReferences) {
    public MapDefinition {
        initialReferences = List.copyOf(initialReferences);
    }

    /** Where a map definition came from. */
    public enum Origin {
        /** A variable in {@code .maps}. */
        BTF_MAPS,
        /** A {@code struct bpf_map_def} in the legacy {@code maps} section. */
        LEGACY_MAPS,
        /** A global data section ({@code .data}, {@code .rodata}, {@code .bss} and their {@code .*} variants). */
        GLOBAL_DATA,
        /** The {@code .kconfig} extern values. */
        KCONFIG,
        /** A variable of a {@code .struct_ops} or {@code .struct_ops.link} section ({@link StructOpsDefinition}). */
        STRUCT_OPS
    }

    /**
     * An initial value of a prog array or map-in-map slot.
     *
     * @param slot    the array index (key)
     * @param target  the program or map name
     * @param program true for a program, false for a map
     */
    public record SlotReference(int slot, String target, boolean program) {
    }

    public String name() {
        return spec.name();
    }

    /** A copy with another spec (edits through ObjectSpec). */
    public MapDefinition withSpec(MapSpec newSpec) {
        return new MapDefinition(newSpec, origin, section, offset, size, keyTypeId, valueTypeId, initialReferences);
    }
}
