package dev.ebpf4j.internal.loader;

import dev.ebpf4j.MapSpec;
import dev.ebpf4j.MapType;
import dev.ebpf4j.ObjectFormatException;
import dev.ebpf4j.btf.Btf;
import dev.ebpf4j.btf.BtfArray;
import dev.ebpf4j.btf.BtfDatasec;
import dev.ebpf4j.btf.BtfFuncProto;
import dev.ebpf4j.btf.BtfMember;
import dev.ebpf4j.btf.BtfPtr;
import dev.ebpf4j.btf.BtfStruct;
import dev.ebpf4j.btf.BtfType;
import dev.ebpf4j.btf.BtfVar;
import dev.ebpf4j.btf.BtfVarSecinfo;
import dev.ebpf4j.elf.ElfConstants;
import dev.ebpf4j.elf.ElfRelocation;
import dev.ebpf4j.elf.ElfSection;
import dev.ebpf4j.elf.ElfSymbol;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses BTF-defined maps: each variable of the {@code .maps} DATASEC is a struct whose members encode the map as
 * libbpf's macros write them — {@code __uint(field, N)} is a pointer to an array of N ints, {@code __type(key, T)} a
 * pointer to T, {@code __array(values, S)} an array of pointers to an inner map definition (map-in-map) or to a
 * function prototype (prog arrays). Initial {@code values} come from the relocations of {@code .maps}.
 *
 * <pre>{@code
 * List<MapDefinition> maps = BtfMapParser.parse(objectFile, functions, Path.of("/sys/fs/bpf"));
 * }</pre>
 */
public final class BtfMapParser {
    /** Where LIBBPF_PIN_BY_NAME maps are pinned unless the spec says otherwise (libbpf's default). */
    public static final Path DEFAULT_PIN_DIRECTORY = Path.of("/sys/fs/bpf");
    private static final String SECTION = ".maps";
    private static final int PIN_BY_NAME = 1;

    private final ObjectFile object;
    private final Btf btf;
    private final ElfSection section;

    private BtfMapParser(ObjectFile object, ElfSection section) {
        this.object = object;
        this.btf = object.btf();
        this.section = section;
    }

    /** The maps of the {@code .maps} section (empty when the object has none). */
    public static List<MapDefinition> parse(ObjectFile object, FunctionTable functions) {
        ElfSection section = object.elf().section(SECTION).orElse(null);
        if (section == null) return List.of();
        if (object.btf() == null) {
            throw new ObjectFormatException(SECTION, 0, "BTF-defined maps need the object's .BTF section to describe "
                    + "them; compile with clang -g (or declare legacy maps in section \"maps\")");
        }
        return new BtfMapParser(object, section).parseAll(functions);
    }

    private record Parsed(MapSpec spec, int keyTypeId, int valueTypeId, long valuesOffset, int valuesKind) {
    }

    private static final int VALUES_NONE = 0;
    private static final int VALUES_MAPS = 1;
    private static final int VALUES_PROGRAMS = 2;

    private List<MapDefinition> parseAll(FunctionTable functions) {
        BtfDatasec datasec = null;
        for (int id : btf.idsByName(SECTION)) {
            if (btf.type(id) instanceof BtfDatasec d) {
                datasec = d;
                break;
            }
        }
        if (datasec == null) {
            if (section.size() == 0) return List.of();
            throw new ObjectFormatException(SECTION, 0, "the object's BTF has no DATASEC '.maps' describing the "
                    + section.size() + "-byte .maps section");
        }
        Map<String, ElfSymbol> symbols = new HashMap<>();
        for (ElfSymbol s : object.symbols()) {
            if (s.sectionIndex() == section.index() && s.type() != ElfConstants.STT_SECTION && !s.name().isEmpty()) {
                symbols.putIfAbsent(s.name(), s);
            }
        }
        List<MapDefinition> out = new ArrayList<>();
        List<Parsed> parsed = new ArrayList<>();
        List<long[]> extents = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (BtfVarSecinfo v : datasec.vars()) {
            if (!(btf.type(v.typeId()) instanceof BtfVar var)) {
                throw new ObjectFormatException(SECTION, v.offset(), "DATASEC '.maps' entry [" + v.typeId() + "] is "
                        + btf.kind(v.typeId()) + ", expected a VAR (a map definition)");
            }
            String name = var.name();
            if (!names.add(name)) {
                throw new ObjectFormatException(SECTION, v.offset(), "map '" + name + "' is defined twice");
            }
            ElfSymbol sym = symbols.get(name);
            long offset = sym != null ? sym.value() : Integer.toUnsignedLong(v.offset());
            BtfType def = btf.resolve(var.typeId());
            if (!(def instanceof BtfStruct struct)) {
                throw new ObjectFormatException(SECTION, offset, "map '" + name + "' is a " + def.kind()
                        + ", expected a struct of __uint/__type/__array members");
            }
            long size = Integer.toUnsignedLong(struct.size());
            if (sym != null && sym.size() > size) size = sym.size();   // initial 'values' follow the struct
            if (offset < 0 || offset + size > section.size()) {
                throw new ObjectFormatException(SECTION, offset, "map '" + name + "' (" + size + " bytes at offset "
                        + offset + ") lies outside the " + section.size() + "-byte .maps section");
            }
            Parsed p = definition(name, struct, offset, 0);
            parsed.add(p);
            extents.add(new long[]{offset, size});
            out.add(new MapDefinition(p.spec, MapDefinition.Origin.BTF_MAPS, SECTION, offset, size, p.keyTypeId,
                    p.valueTypeId, List.of()));
        }
        return initialValues(out, parsed, functions);
    }

    private Parsed definition(String name, BtfStruct struct, long at, int depth) {
        if (depth > 1) {
            throw new ObjectFormatException(SECTION, at, "map '" + name + "': inner map definitions cannot nest "
                    + "another inner map");
        }
        MapType type = null;
        Integer keySize = null;
        Integer valueSize = null;
        int keyTypeId = 0;
        int valueTypeId = 0;
        int maxEntries = 0;
        int flags = 0;
        int numaNode = 0;
        long mapExtra = 0;
        int pinning = 0;
        MapSpec inner = null;
        long valuesOffset = -1;
        int valuesKind = VALUES_NONE;
        Set<String> seen = new HashSet<>();
        for (BtfMember m : struct.members()) {
            String field = m.name();
            long where = at + m.byteOffset();
            if (!seen.add(field)) throw error(name, where, "field '" + field + "' is given twice");
            switch (field) {
                case "type" -> {
                    long n = uint(name, m, where);
                    type = MapType.fromNumber((int) n).orElseThrow(() -> error(name, where, "unknown map type " + n
                            + " (not in MapType)"));
                }
                case "max_entries" -> maxEntries = (int) uint(name, m, where);
                case "map_flags" -> flags = (int) uint(name, m, where);
                case "numa_node" -> numaNode = (int) uint(name, m, where);
                case "map_extra" -> mapExtra = uint(name, m, where);
                case "pinning" -> pinning = (int) uint(name, m, where);
                case "key_size" -> keySize = checkSize(name, "key_size", keySize, uint(name, m, where), where);
                case "value_size" -> valueSize = checkSize(name, "value_size", valueSize, uint(name, m, where), where);
                case "key" -> {
                    keyTypeId = pointee(name, m, where);
                    keySize = checkSize(name, "key", keySize, sizeOf(name, keyTypeId, where), where);
                }
                case "value" -> {
                    valueTypeId = pointee(name, m, where);
                    valueSize = checkSize(name, "value", valueSize, sizeOf(name, valueTypeId, where), where);
                }
                case "values" -> {
                    valuesOffset = m.byteOffset();
                    if (m.isBitfield() || m.bitOffsetUnsigned() % 8 != 0) {
                        throw error(name, where, "'values' must be a byte-aligned array member");
                    }
                    BtfType values = btf.resolve(m.typeId());
                    if (!(values instanceof BtfArray array)) {
                        throw error(name, where, "'values' is a " + values.kind() + ", expected an array declared "
                                + "with __array(values, ...)");
                    }
                    BtfType element = btf.resolve(array.elementTypeId());
                    if (!(element instanceof BtfPtr ptr)) {
                        throw error(name, where, "'values' elements must be pointers (__array(values, ...))");
                    }
                    BtfType target = btf.resolve(ptr.typeId());
                    if (target instanceof BtfStruct innerStruct) {
                        inner = definition(name + ".inner", innerStruct, where, depth + 1).spec;
                        valuesKind = VALUES_MAPS;
                    } else if (target instanceof BtfFuncProto) {
                        valuesKind = VALUES_PROGRAMS;
                    } else {
                        throw error(name, where, "'values' must point to an inner map definition (struct) or to a "
                                + "function prototype (prog arrays), not " + target.kind());
                    }
                }
                default -> throw error(name, where, "unknown field '" + field + "' (known: type, key, value, "
                        + "key_size, value_size, max_entries, map_flags, numa_node, map_extra, pinning, values)");
            }
        }
        if (type == null) throw error(name, at, "no map type: add __uint(type, BPF_MAP_TYPE_...)");
        if (valuesKind == VALUES_MAPS && !type.isMapInMap()) {
            throw error(name, at, "an inner map definition (__array(values, struct ...)) needs a map-in-map type, "
                    + "not " + type.bpftoolName());
        }
        if (valuesKind == VALUES_PROGRAMS && type != MapType.PROG_ARRAY) {
            throw error(name, at, "program references in 'values' need type BPF_MAP_TYPE_PROG_ARRAY, not "
                    + type.bpftoolName());
        }
        if (type.isMapInMap() && inner == null) {
            throw error(name, at, "map-in-map type " + type.bpftoolName() + " needs an inner map definition: "
                    + "__array(values, struct { ... })");
        }
        if (type.isMapInMap() || valuesKind != VALUES_NONE) {
            if (valueSize != null && valueSize != 4) {
                throw error(name, at, "value size " + valueSize + ": prog arrays and map-in-map values are 4-byte fds");
            }
            valueSize = 4;
        }
        if (pinning != 0 && pinning != PIN_BY_NAME) {
            throw error(name, at, "unsupported pinning " + pinning + " (only LIBBPF_PIN_BY_NAME = 1)");
        }
        if (depth > 0 && pinning != 0) throw error(name, at, "inner map definitions cannot be pinned");
        MapSpec.Pinning pin = pinning == PIN_BY_NAME ? MapSpec.Pinning.byName(DEFAULT_PIN_DIRECTORY, name)
                : MapSpec.Pinning.NONE;
        MapSpec spec = new MapSpec(name, type, keySize == null ? 0 : keySize, valueSize == null ? 0 : valueSize,
                maxEntries, flags, numaNode, mapExtra, 0, inner, pin, null, List.of(), false);
        return new Parsed(spec, keyTypeId, valueTypeId, valuesOffset, valuesKind);
    }

    private long uint(String map, BtfMember m, long where) {
        BtfType t = btf.resolve(m.typeId());
        if (t instanceof BtfPtr p && btf.resolve(p.typeId()) instanceof BtfArray a) return a.lengthUnsigned();
        String found = t instanceof BtfPtr p ? "a pointer to " + btf.resolve(p.typeId()).kind() : t.kind().toString();
        throw error(map, where, "field '" + m.name() + "' must be declared with __uint(" + m.name() + ", N) (a pointer"
                + " to an array of N), found " + found);
    }

    private int pointee(String map, BtfMember m, long where) {
        BtfType t = btf.resolve(m.typeId());
        if (t instanceof BtfPtr p) return p.typeId();
        throw error(map, where, "field '" + m.name() + "' must be declared with __type(" + m.name() + ", T) (a "
                + "pointer to T), found " + t.kind());
    }

    private long sizeOf(String map, int typeId, long where) {
        try {
            return btf.sizeOf(typeId);
        } catch (IllegalArgumentException e) {
            throw error(map, where, "key/value type [" + typeId + "] " + btf.kind(typeId) + " has no size");
        }
    }

    private Integer checkSize(String map, String field, Integer known, long size, long where) {
        if (size < 0 || size > Integer.MAX_VALUE) throw error(map, where, field + " size " + size + " is too large");
        if (known != null && known != size) {
            throw error(map, where, field + " gives size " + size + " but the map's size was already " + known);
        }
        return (int) size;
    }

    private ObjectFormatException error(String map, long where, String problem) {
        return new ObjectFormatException(SECTION, where, "map '" + map + "': " + problem);
    }

    private List<MapDefinition> initialValues(List<MapDefinition> defs, List<Parsed> parsed, FunctionTable functions) {
        List<ElfRelocation> relocations = object.relocationsOf(section.index());
        if (relocations.isEmpty()) return defs;
        String rel = object.relocationSectionName(section.index());
        Map<Long, String> mapAtOffset = new HashMap<>();
        for (MapDefinition d : defs) mapAtOffset.put(d.offset(), d.name());
        List<List<MapDefinition.SlotReference>> refs = new ArrayList<>();
        for (int i = 0; i < defs.size(); i++) refs.add(new ArrayList<>());
        for (ElfRelocation r : relocations) {
            if (r.type() == 0) continue;
            long entry = (long) r.index() * (r.hasAddend() ? 24 : 16);
            int owner = -1;
            for (int i = 0; i < defs.size(); i++) {
                MapDefinition d = defs.get(i);
                if (r.offset() >= d.offset() && r.offset() < d.offset() + d.size()) owner = i;
            }
            if (owner < 0) {
                throw new ObjectFormatException(rel, entry, "relocation " + r.index() + " patches .maps offset "
                        + r.offset() + ", which is inside no map definition");
            }
            MapDefinition d = defs.get(owner);
            Parsed p = parsed.get(owner);
            long inValues = r.offset() - d.offset() - p.valuesOffset;
            if (p.valuesOffset < 0 || inValues < 0 || inValues % 8 != 0) {
                throw new ObjectFormatException(rel, entry, "relocation " + r.index() + " patches map '" + d.name()
                        + "' at byte " + (r.offset() - d.offset()) + ", which is not a slot of its 'values' array");
            }
            long slot = inValues / 8;
            if (slot >= Limits.MAX_INITIAL_SLOTS || slot >= Integer.toUnsignedLong(d.spec().maxEntries())) {
                throw new ObjectFormatException(rel, entry, "map '" + d.name() + "': initial value for slot " + slot
                        + " is beyond max_entries " + d.spec().maxEntries());
            }
            ElfSymbol sym = object.symbols().get(r.symbolIndex());
            if (p.valuesKind == VALUES_MAPS) {
                String target = sym.sectionIndex() == section.index() ? mapAtOffset.get(sym.value()) : null;
                if (target == null) {
                    throw new ObjectFormatException(rel, entry, "map '" + d.name() + "': initial value of slot " + slot
                            + " refers to symbol '" + sym.name() + "', which is not a map in .maps");
                }
                refs.get(owner).add(new MapDefinition.SlotReference((int) slot, target, false));
            } else {
                CodeSection code = functions.section(sym.sectionIndex());
                FunctionSymbol f = code == null || sym.value() % 8 != 0 ? null : code.functionAt(sym.value() / 8);
                if (f == null || !f.isProgram()) {
                    throw new ObjectFormatException(rel, entry, "map '" + d.name() + "': initial value of slot " + slot
                            + " refers to symbol '" + sym.name() + "', which is not a program");
                }
                refs.get(owner).add(new MapDefinition.SlotReference((int) slot, f.name(), true));
            }
        }
        List<MapDefinition> out = new ArrayList<>();
        for (int i = 0; i < defs.size(); i++) {
            MapDefinition d = defs.get(i);
            out.add(new MapDefinition(d.spec(), d.origin(), d.section(), d.offset(), d.size(), d.keyTypeId(),
                    d.valueTypeId(), refs.get(i)));
        }
        return out;
    }
}
