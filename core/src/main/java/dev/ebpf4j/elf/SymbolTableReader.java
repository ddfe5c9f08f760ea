package dev.ebpf4j.elf;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static dev.ebpf4j.elf.ElfConstants.*;

/**
 * Reads a SHT_SYMTAB or SHT_DYNSYM section (package-private): checks the entry size, the string table link, every
 * name, every defining-section index (resolving SHN_XINDEX through SHT_SYMTAB_SHNDX), and attaches GNU symbol
 * versions to dynamic symbols.
 */
final class SymbolTableReader {
    static final int SYMBOL_SIZE = 24;

    private SymbolTableReader() {
    }

    /** Number of entries in a symbol table section, checked. */
    static int count(ElfFile elf, ElfSection table) {
        if (table.entrySize() < SYMBOL_SIZE) {
            throw elf.headerError(table, "symbol entry size " + table.entrySize() + " is smaller than the ELF64"
                    + " symbol (" + SYMBOL_SIZE + " bytes)");
        }
        if (Long.remainderUnsigned(table.size(), table.entrySize()) != 0) {
            throw elf.headerError(table, "size " + table.size() + " is not a multiple of the entry size "
                    + table.entrySize());
        }
        long count = Long.divideUnsigned(table.size(), table.entrySize());
        if (count > Integer.MAX_VALUE) throw elf.headerError(table, "too many symbols: " + count);
        return (int) count;
    }

    static List<ElfSymbol> read(ElfFile elf, ElfBytes bytes, ElfSection table) {
        String where = sectionLabel(table);
        int count = count(elf, table);
        StringTable names = elf.linkedStrings(table);
        MemorySegment data = elf.data(table);
        ElfBytes entries = new ElfBytes(data, elf.byteOrder(), elf.name());
        MemorySegment extendedIndices = null;
        SymbolVersions versions = table.type() == SHT_DYNSYM ? SymbolVersions.read(elf, table, count) : null;
        int sectionCount = elf.sections().size();

        List<ElfSymbol> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long at = (long) i * table.entrySize();
            long nameOffset = entries.u32(at, where);
            int info = entries.u8(at + 4, where);
            int other = entries.u8(at + 5, where);
            int shndx = entries.u16(at + 6, where);
            long value = entries.u64(at + 8, where);
            long size = entries.u64(at + 16, where);
            String name = names.get(nameOffset, "symbol " + i + " of " + where);
            boolean extended = shndx == SHN_XINDEX;
            if (extended) {
                if (extendedIndices == null) extendedIndices = extendedIndexTable(elf, bytes, table, count, at);
                shndx = new ElfBytes(extendedIndices, elf.byteOrder(), elf.name())
                        .s32(4L * i, "extended section indices of " + where);
            }
            boolean special = !extended && shndx >= SHN_LORESERVE;
            if (!special && (shndx < 0 || shndx >= sectionCount)) {
                throw bytes.error(where, at, "symbol " + i + " '" + name + "' refers to section "
                        + Integer.toUnsignedString(shndx) + ", but the file has " + sectionCount + " sections");
            }
            String version = versions == null ? null : versions.name(i);
            boolean hidden = versions != null && versions.hidden(i);
            out.add(new ElfSymbol(i, name, value, size, info & 0xf, info >>> 4, other & 3, shndx, version, hidden));
        }
        return Collections.unmodifiableList(out);
    }

    private static MemorySegment extendedIndexTable(ElfFile elf, ElfBytes bytes, ElfSection table, int count,
                                                    long symbolAt) {
        for (ElfSection s : elf.sectionsOfType(SHT_SYMTAB_SHNDX)) {
            if (s.link() == table.index()) {
                if (Long.compareUnsigned(s.size(), 4L * count) < 0) {
                    throw elf.headerError(s, "has " + s.size() / 4 + " entries for " + count + " symbols");
                }
                return elf.data(s);
            }
        }
        throw bytes.error(sectionLabel(table), symbolAt, "a symbol uses SHN_XINDEX but no SHT_SYMTAB_SHNDX section"
                + " belongs to this table");
    }

    static String sectionLabel(ElfSection s) {
        return s.name().isEmpty() ? "section " + s.index() : s.name();
    }
}
