package dev.ebpf4j.internal.loader;

import dev.ebpf4j.MapFlags;
import dev.ebpf4j.MapSpec;
import dev.ebpf4j.MapType;
import dev.ebpf4j.ObjectFormatException;
import dev.ebpf4j.VariableSpec;
import dev.ebpf4j.btf.Btf;
import dev.ebpf4j.btf.BtfDatasec;
import dev.ebpf4j.btf.BtfType;
import dev.ebpf4j.btf.BtfVar;
import dev.ebpf4j.btf.BtfVarSecinfo;
import dev.ebpf4j.elf.ElfConstants;
import dev.ebpf4j.elf.ElfSection;
import dev.ebpf4j.elf.ElfSymbol;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns global data sections into array maps of one element, as libbpf does: the value is the section's bytes
 * (zeros for {@code .bss}), the map is mmap-able, {@code .rodata} maps are read-only for programs and frozen after
 * their contents are written. The value's BTF type is the section's DATASEC. The section's object symbols become
 * {@link VariableSpec}s.
 *
 * <pre>{@code
 * GlobalDataMaps.Result r = GlobalDataMaps.collect(objectFile);
 * r.maps();        // ".rodata", ".data", ".bss", ".data.custom", ...
 * r.variables();   // "min_duration_ns" in .rodata at 0, ...
 * }</pre>
 */
public final class GlobalDataMaps {
    private GlobalDataMaps() {
    }

    /** The global data maps and their variables. */
    public record Result(List<MapDefinition> maps, List<VariableSpec> variables) {
    }

    /** Collects the global data sections of {@code object}; empty sections get no map. */
    public static Result collect(ObjectFile object) {
        Btf btf = object.btf();
        List<MapDefinition> maps = new ArrayList<>();
        Map<String, VariableSpec> variables = new LinkedHashMap<>();
        for (ElfSection s : object.elf().sections()) {
            SectionKind kind = object.kind(s.index());
            if (!kind.isGlobalData() || s.size() == 0) continue;
            if (s.size() > Integer.MAX_VALUE - 8) {
                throw new ObjectFormatException(s.name(), 0, "global data section of " + s.size() + " bytes is too "
                        + "large for a map value");
            }
            int size = (int) s.size();
            int datasecId = 0;
            Map<String, Integer> varTypes = new HashMap<>();
            if (btf != null) {
                for (int id : btf.idsByName(s.name())) {
                    if (btf.type(id) instanceof BtfDatasec d) {
                        datasecId = id;
                        for (BtfVarSecinfo v : d.vars()) {
                            BtfType t = btf.type(v.typeId());
                            if (t instanceof BtfVar var) varTypes.putIfAbsent(var.name(), var.typeId());
                        }
                        break;
                    }
                }
            }
            boolean readOnly = kind == SectionKind.RODATA;
            int flags = MapFlags.MMAPABLE | (readOnly ? MapFlags.RDONLY_PROG : 0);
            List<MapSpec.MapEntry> contents = kind == SectionKind.BSS ? List.of()
                    : List.of(new MapSpec.MapEntry(new byte[4], object.elf().bytes(s)));
            MapSpec spec = new MapSpec(s.name(), MapType.ARRAY, 4, size, 1, flags, 0, 0, 0, null,
                    MapSpec.Pinning.NONE, null, contents, readOnly);
            maps.add(new MapDefinition(spec, MapDefinition.Origin.GLOBAL_DATA, s.name(), 0, size, 0, datasecId,
                    List.of()));
            for (ElfSymbol sym : object.symbols()) {
                if (sym.sectionIndex() != s.index() || sym.name().isEmpty()) continue;
                if (sym.type() != ElfConstants.STT_OBJECT && sym.type() != ElfConstants.STT_NOTYPE) continue;
                if (sym.size() == 0 && sym.type() == ElfConstants.STT_NOTYPE) continue;
                long off = sym.value();
                long len = sym.size();
                if (off < 0 || len < 0 || off + len > size) {
                    throw new ObjectFormatException(s.name(), off, "variable '" + sym.name() + "' (" + len
                            + " bytes at offset " + off + ") lies outside the " + size + "-byte section");
                }
                Integer typeId = varTypes.get(sym.name());
                variables.putIfAbsent(sym.name(), new VariableSpec(sym.name(), s.name(), (int) off, (int) len,
                        typeId == null ? 0 : typeId, readOnly));
            }
        }
        return new Result(maps, List.copyOf(variables.values()));
    }
}
