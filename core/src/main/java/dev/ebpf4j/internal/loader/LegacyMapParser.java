package dev.ebpf4j.internal.loader;

import dev.ebpf4j.MapSpec;
import dev.ebpf4j.MapType;
import dev.ebpf4j.ObjectFormatException;
import dev.ebpf4j.elf.ElfConstants;
import dev.ebpf4j.elf.ElfSection;
import dev.ebpf4j.elf.ElfSymbol;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Parses the legacy {@code maps} section: one {@code struct bpf_map_def} (type, key_size, value_size, max_entries,
 * map_flags — 20 bytes, possibly padded) per symbol. All definitions have the same size: the section size divided by
 * the number of map symbols. Bytes past the five known fields must be zero.
 *
 * <pre>{@code
 * List<MapDefinition> legacy = LegacyMapParser.parse(objectFile);
 * }</pre>
 */
public final class LegacyMapParser {
    private static final String SECTION = "maps";
    private static final int KNOWN_SIZE = 20;

    private LegacyMapParser() {
    }

    /** The legacy map definitions (empty when there is no {@code maps} section). */
    public static List<MapDefinition> parse(ObjectFile object) {
        ElfSection section = object.elf().section(SECTION).orElse(null);
        if (section == null || section.size() == 0) return List.of();
        if (!section.hasFileData()) {
            throw new ObjectFormatException(SECTION, 0, "the legacy maps section has no contents (SHT_NOBITS)");
        }
        List<ElfSymbol> symbols = new ArrayList<>();
        for (ElfSymbol s : object.symbols()) {
            if (s.sectionIndex() != section.index() || s.name().isEmpty()) continue;
            if (s.type() == ElfConstants.STT_SECTION || s.type() == ElfConstants.STT_FILE) continue;
            symbols.add(s);
        }
        if (symbols.isEmpty()) {
            throw new ObjectFormatException(SECTION, 0, "the legacy maps section has " + section.size()
                    + " bytes but no map symbols");
        }
        if (section.size() % symbols.size() != 0) {
            throw new ObjectFormatException(SECTION, 0, "the legacy maps section is " + section.size() + " bytes for "
                    + symbols.size() + " map symbols; map definitions must all be the same size");
        }
        long defSize = section.size() / symbols.size();
        if (defSize < KNOWN_SIZE) {
            throw new ObjectFormatException(SECTION, 0, "legacy map definitions are " + defSize + " bytes, smaller than"
                    + " struct bpf_map_def (" + KNOWN_SIZE + " bytes)");
        }
        MemorySegment data = object.elf().data(section);
        ValueLayout.OfInt u32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(object.elf().byteOrder());
        symbols.sort(Comparator.comparingLong(ElfSymbol::value));
        Set<String> names = new HashSet<>();
        Set<Long> offsets = new HashSet<>();
        List<MapDefinition> out = new ArrayList<>();
        for (ElfSymbol s : symbols) {
            long at = s.value();
            if (at < 0 || at % defSize != 0 || at + defSize > section.size()) {
                throw new ObjectFormatException(SECTION, at, "map '" + s.name() + "' starts at byte " + at + ", not at "
                        + "a multiple of the " + defSize + "-byte definition size inside the section");
            }
            if (!names.add(s.name()) || !offsets.add(at)) {
                throw new ObjectFormatException(SECTION, at, "map '" + s.name() + "' is defined twice");
            }
            int typeNumber = data.get(u32, at);
            for (long b = at + KNOWN_SIZE; b < at + defSize; b++) {
                if (data.get(ValueLayout.JAVA_BYTE, b) != 0) {
                    throw new ObjectFormatException(SECTION, b, "map '" + s.name() + "': the definition has non-zero "
                            + "bytes past struct bpf_map_def's five fields (iproute2-style extensions are not "
                            + "supported)");
                }
            }
            MapType type = MapType.fromNumber(typeNumber).orElseThrow(() -> new ObjectFormatException(SECTION, at,
                    "map '" + s.name() + "': unknown map type " + typeNumber));
            int keySize = data.get(u32, at + 4);
            int valueSize = data.get(u32, at + 8);
            int maxEntries = data.get(u32, at + 12);
            int flags = data.get(u32, at + 16);
            if (keySize < 0 || valueSize < 0 || maxEntries < 0) {
                throw new ObjectFormatException(SECTION, at, "map '" + s.name() + "': key size " + keySize
                        + ", value size " + valueSize + " and max entries " + maxEntries + " must not be negative");
            }
            if (type.isMapInMap()) {
                throw new ObjectFormatException(SECTION, at, "map '" + s.name() + "': legacy map definitions cannot "
                        + "describe an inner map; declare map-in-map types in .maps with __array(values, ...)");
            }
            MapSpec spec = new MapSpec(s.name(), type, keySize, valueSize, maxEntries, flags, 0, 0, 0, null,
                    MapSpec.Pinning.NONE, null, List.of(), false);
            out.add(new MapDefinition(spec, MapDefinition.Origin.LEGACY_MAPS, SECTION, at, defSize, 0, 0, List.of()));
        }
        return out;
    }
}
