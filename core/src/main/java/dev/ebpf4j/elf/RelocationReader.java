package dev.ebpf4j.elf;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static dev.ebpf4j.elf.ElfConstants.*;

/**
 * Reads a SHT_REL or SHT_RELA section (package-private), checking the entry size and that every symbol index lies
 * inside the linked symbol table.
 */
final class RelocationReader {
    private static final int REL_SIZE = 16;
    private static final int RELA_SIZE = 24;

    private RelocationReader() {
    }

    static List<ElfRelocation> read(ElfFile elf, ElfBytes bytes, ElfSection section) {
        if (section.type() != SHT_REL && section.type() != SHT_RELA) {
            throw new IllegalArgumentException(section.describe() + " is not a relocation section (type "
                    + section.type() + ")");
        }
        String where = SymbolTableReader.sectionLabel(section);
        boolean rela = section.type() == SHT_RELA;
        int expected = rela ? RELA_SIZE : REL_SIZE;
        long entrySize = section.entrySize() == 0 ? expected : section.entrySize();
        if (entrySize < expected) {
            throw elf.headerError(section, "relocation entry size " + entrySize + " is smaller than an ELF64 "
                    + (rela ? "RELA" : "REL") + " entry (" + expected + " bytes)");
        }
        if (Long.remainderUnsigned(section.size(), entrySize) != 0) {
            throw elf.headerError(section, "size " + section.size() + " is not a multiple of the entry size "
                    + entrySize);
        }
        long symbolCount = Long.MAX_VALUE;
        if (section.link() != 0) {
            if (section.link() < 0 || section.link() >= elf.sections().size()) {
                throw elf.headerError(section, "links to symbol table section " + section.link()
                        + ", which does not exist");
            }
            ElfSection symbols = elf.sections().get(section.link());
            if (symbols.type() != SHT_SYMTAB && symbols.type() != SHT_DYNSYM) {
                throw elf.headerError(section, "links to " + symbols.describe() + ", which is not a symbol table");
            }
            symbolCount = SymbolTableReader.count(elf, symbols);
        }
        ElfBytes entries = new ElfBytes(elf.data(section), elf.byteOrder(), elf.name());
        long count = Long.divideUnsigned(section.size(), entrySize);
        List<ElfRelocation> out = new ArrayList<>((int) Math.min(count, 1 << 16));
        for (int i = 0; i < count; i++) {
            long at = i * entrySize;
            long offset = entries.u64(at, where);
            long info = entries.u64(at + 8, where);
            long addend = rela ? entries.u64(at + 16, where) : 0;
            long symbol = info >>> 32;
            if (symbol >= symbolCount) {
                throw bytes.error(where, at, "relocation " + i + " refers to symbol " + symbol
                        + ", but the symbol table has " + symbolCount + " entries");
            }
            out.add(new ElfRelocation(i, offset, (int) info, (int) symbol, addend, rela));
        }
        return Collections.unmodifiableList(out);
    }
}
