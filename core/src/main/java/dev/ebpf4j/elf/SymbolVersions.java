package dev.ebpf4j.elf;

import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static dev.ebpf4j.elf.ElfConstants.*;

/**
 * GNU symbol versions of a dynamic symbol table (package-private): {@code .gnu.version} gives each symbol a version
 * index (bit 15 = hidden); {@code .gnu.version_d} (definitions) and {@code .gnu.version_r} (requirements) name the
 * indices. Both are chains of records linked by relative offsets; every step is bounds-checked and the walk is
 * limited by the section size, so a corrupt chain ends in an error, not a loop.
 */
final class SymbolVersions {
    private static final int VERDEF_SIZE = 20;
    private static final int VERNEED_SIZE = 16;

    private final int[] indices;
    private final Map<Integer, String> names;
    private final Set<Integer> required;

    private SymbolVersions(int[] indices, Map<Integer, String> names, Set<Integer> required) {
        this.indices = indices;
        this.names = names;
        this.required = required;
    }

    /** The versions for {@code dynsym}, or null when the file has no version table for it. */
    static SymbolVersions read(ElfFile elf, ElfSection dynsym, int symbolCount) {
        ElfSection versym = null;
        for (ElfSection s : elf.sectionsOfType(SHT_GNU_VERSYM)) {
            if (s.link() == dynsym.index()) versym = s;
        }
        if (versym == null) return null;
        String where = SymbolTableReader.sectionLabel(versym);
        ElfBytes table = view(elf, versym);
        if (versym.size() != 2L * symbolCount) {
            throw elf.headerError(versym, "has " + versym.size() / 2 + " entries for " + symbolCount
                    + " dynamic symbols");
        }
        int[] indices = new int[symbolCount];
        for (int i = 0; i < symbolCount; i++) indices[i] = table.u16(2L * i, where);

        Map<Integer, String> names = new HashMap<>();
        for (ElfSection s : elf.sectionsOfType(SHT_GNU_VERDEF)) readDefinitions(elf, s, names);
        Map<Integer, String> requirements = new HashMap<>();
        for (ElfSection s : elf.sectionsOfType(SHT_GNU_VERNEED)) readRequirements(elf, s, requirements);
        requirements.forEach(names::putIfAbsent);
        return new SymbolVersions(indices, names, new HashSet<>(requirements.keySet()));
    }

    /** The version name of symbol {@code i}, or null for local/global (unversioned) symbols. */
    String name(int i) {
        int index = indices[i] & ~VERSYM_HIDDEN;
        if (index == VER_NDX_LOCAL || index == VER_NDX_GLOBAL) return null;
        return names.get(index);
    }

    /**
     * True unless symbol {@code i}'s version is this object's default definition of it: the version is hidden, or
     * it is a version required from another object (readelf then prints {@code name@VERSION}, not {@code @@}).
     */
    boolean hidden(int i) {
        return (indices[i] & VERSYM_HIDDEN) != 0 || required.contains(indices[i] & ~VERSYM_HIDDEN);
    }

    private static void readDefinitions(ElfFile elf, ElfSection section, Map<Integer, String> names) {
        String where = SymbolTableReader.sectionLabel(section);
        ElfBytes d = view(elf, section);
        StringTable strings = elf.linkedStrings(section);
        long at = 0;
        long limit = section.size() / VERDEF_SIZE + 1;
        for (long n = 0; n < limit; n++) {
            int version = d.u16(at, where);
            if (version != 1) throw d.error(where, at, "version definition has revision " + version + ", expected 1");
            int flags = d.u16(at + 2, where);
            int index = d.u16(at + 4, where);
            int auxCount = d.u16(at + 6, where);
            long aux = d.u32(at + 12, where);
            long next = d.u32(at + 16, where);
            if (auxCount > 0 && (flags & 1) == 0) {   // VER_FLG_BASE names the file itself, not a version
                long nameOffset = d.u32(at + aux, where);
                names.put(index, strings.get(nameOffset, "version definition at offset " + at + " of " + where));
            }
            if (next == 0) return;
            at += next;
        }
        throw d.error(where, at, "version definition chain does not end within the section");
    }

    private static void readRequirements(ElfFile elf, ElfSection section, Map<Integer, String> names) {
        String where = SymbolTableReader.sectionLabel(section);
        ElfBytes d = view(elf, section);
        StringTable strings = elf.linkedStrings(section);
        long at = 0;
        long budget = section.size() / VERNEED_SIZE + 1;   // entries and auxiliary entries together
        while (budget-- > 0) {
            int version = d.u16(at, where);
            if (version != 1) throw d.error(where, at, "version requirement has revision " + version + ", expected 1");
            int auxCount = d.u16(at + 2, where);
            long auxAt = at + d.u32(at + 8, where);
            long next = d.u32(at + 12, where);
            for (int k = 0; k < auxCount; k++) {
                if (budget-- <= 0) break;
                int index = d.u16(auxAt + 6, where);
                long nameOffset = d.u32(auxAt + 8, where);
                names.put(index & ~VERSYM_HIDDEN, strings.get(nameOffset, "version requirement at offset " + auxAt
                        + " of " + where));
                long auxNext = d.u32(auxAt + 12, where);
                if (auxNext == 0) break;
                auxAt += auxNext;
            }
            if (next == 0) return;
            at += next;
        }
        throw d.error(where, at, "version requirement chain does not end within the section");
    }

    private static ElfBytes view(ElfFile elf, ElfSection section) {
        MemorySegment data = elf.data(section);
        return new ElfBytes(data, elf.byteOrder(), elf.name());
    }
}
