package dev.ebpf4j.internal.loader;

import dev.ebpf4j.MapType;
import dev.ebpf4j.ObjectFormatException;
import dev.ebpf4j.VariableSpec;
import dev.ebpf4j.btf.Btf;
import dev.ebpf4j.btf.BtfDatasec;
import dev.ebpf4j.btf.BtfVar;
import dev.ebpf4j.btf.BtfVarSecinfo;
import dev.ebpf4j.elf.ElfConstants;
import dev.ebpf4j.elf.ElfSection;
import dev.ebpf4j.elf.ElfSymbol;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds an object's {@code __arena} global variables (clang puts them in section {@code .addr_space.1}) and the
 * arena map that will hold them, as libbpf does: the object may declare at most one {@code BPF_MAP_TYPE_ARENA} map,
 * and must declare one when it has arena variables. The variables become {@link VariableSpec}s of section
 * {@code .addr_space.1}, their offsets relative to the start of the arena data.
 *
 * <pre>{@code
 * ArenaVariables.Result r = ArenaVariables.collect(objectFile, maps);
 * r.data();        // null without __arena variables
 * }</pre>
 */
public final class ArenaVariables {
    /** clang's section for {@code __attribute__((address_space(1)))} globals. */
    public static final String SECTION = ".addr_space.1";

    private ArenaVariables() {
    }

    /** The arena data (or null) and its variables. */
    public record Result(ArenaData data, List<VariableSpec> variables) {
    }

    /** Collects the arena variables of {@code object}; {@code maps} are its maps so far (the arena map among them). */
    public static Result collect(ObjectFile object, List<MapDefinition> maps) {
        List<MapDefinition> arenas = maps.stream().filter(m -> m.spec().type() == MapType.ARENA).toList();
        if (arenas.size() > 1) {
            throw new ObjectFormatException(arenas.get(1).section(), arenas.get(1).offset(), "map '"
                    + arenas.get(1).name() + "': only one ARENA map is supported per object (map '"
                    + arenas.get(0).name() + "' is one too)");
        }
        ElfSection section = object.elf().section(SECTION).orElse(null);
        if (section == null || section.size() == 0) return new Result(null, List.of());
        if (arenas.isEmpty()) {
            throw new ObjectFormatException(SECTION, 0, "the object has __arena global variables but declares no "
                    + "arena map; add struct { __uint(type, BPF_MAP_TYPE_ARENA); __uint(map_flags, BPF_F_MMAPABLE); "
                    + "__uint(max_entries, PAGES); } arena SEC(\".maps\");");
        }
        if (section.size() > Integer.MAX_VALUE - 8) {
            throw new ObjectFormatException(SECTION, 0, "arena variables of " + section.size() + " bytes are too large");
        }
        int size = (int) section.size();
        byte[] bytes = section.hasFileData() ? object.elf().bytes(section) : new byte[size];
        Map<String, Integer> varTypes = new HashMap<>();
        Btf btf = object.btf();
        if (btf != null) {
            for (int id : btf.idsByName(SECTION)) {
                if (btf.type(id) instanceof BtfDatasec d) {
                    for (BtfVarSecinfo v : d.vars()) {
                        if (btf.type(v.typeId()) instanceof BtfVar var) varTypes.putIfAbsent(var.name(), var.typeId());
                    }
                }
            }
        }
        List<VariableSpec> variables = new ArrayList<>();
        for (ElfSymbol sym : object.symbols()) {
            if (sym.sectionIndex() != section.index() || sym.name().isEmpty()) continue;
            if (sym.type() != ElfConstants.STT_OBJECT || sym.size() == 0) continue;
            if (sym.value() < 0 || sym.value() + sym.size() > size) {
                throw new ObjectFormatException(SECTION, sym.value(), "arena variable '" + sym.name() + "' ("
                        + sym.size() + " bytes at offset " + sym.value() + ") lies outside the " + size
                        + "-byte section");
            }
            Integer typeId = varTypes.get(sym.name());
            variables.add(new VariableSpec(sym.name(), SECTION, (int) sym.value(), (int) sym.size(),
                    typeId == null ? 0 : typeId, false));
        }
        return new Result(new ArenaData(SECTION, arenas.getFirst().name(), bytes), variables);
    }
}
