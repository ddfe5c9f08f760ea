package dev.ebpf4j.elf;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;

import static dev.ebpf4j.elf.ElfConstants.*;

/**
 * Reads and checks the section header table (package-private): resolves the extended count and name-table index
 * kept in section 0, checks that the table and every section's contents lie inside the file and that no two
 * sections' contents overlap each other or the ELF header or section header table, and names the sections.
 */
record SectionTable(List<ElfSection> sections, int nameTableIndex, ElfSection first) {
    private static final int SECTION_HEADER_SIZE = 64;
    private static final int ELF_HEADER_SIZE = 64;

    private record Raw(long nameOffset, int type, long flags, long addr, long offset, long size, int link, int info,
                       long align, long entsize) {
    }

    static SectionTable read(ElfBytes bytes, long shoff, int shentsize, int shnum, int shstrndx) {
        if (shoff == 0) {
            if (shnum != 0) throw bytes.error("ELF header", 60, "e_shnum is " + shnum + " but e_shoff is 0");
            return new SectionTable(List.of(), 0, null);
        }
        if (shentsize < SECTION_HEADER_SIZE) {
            throw bytes.error("ELF header", 58, "section header entry size " + shentsize + " is smaller than the"
                    + " ELF64 section header (" + SECTION_HEADER_SIZE + " bytes)");
        }
        Raw zero = readRaw(bytes, shoff, "section header 0");
        long count = shnum != 0 ? shnum : zero.size;
        if (count == 0) return new SectionTable(List.of(), 0, null);
        long available = bytes.size() - Math.min(bytes.size(), shoff < 0 ? bytes.size() : shoff);
        if (shoff < 0 || count < 0 || count > available / shentsize) {
            throw bytes.error("section header table", shoff, count + " section headers of " + shentsize
                    + " bytes at offset " + Long.toUnsignedString(shoff) + " extend past the end of the file ("
                    + bytes.size() + " bytes)");
        }
        int n = (int) count;
        List<Raw> raws = new ArrayList<>(n);
        raws.add(zero);
        for (int i = 1; i < n; i++) raws.add(readRaw(bytes, shoff + (long) i * shentsize, "section header " + i));
        for (int i = 1; i < n; i++) checkRange(bytes, raws.get(i), i, shoff + (long) i * shentsize);

        int nameIndex = shstrndx == SHN_XINDEX ? zero.link : shstrndx;
        if (nameIndex < 0 || nameIndex >= n) {
            throw bytes.error("ELF header", 62, "section name table index " + Integer.toUnsignedString(nameIndex)
                    + " is out of range (the file has " + n + " sections)");
        }
        StringTable names = null;
        if (nameIndex != SHN_UNDEF) {
            Raw table = raws.get(nameIndex);
            if (table.type != SHT_STRTAB) {
                throw bytes.error("section header " + nameIndex, shoff + (long) nameIndex * shentsize, "the section"
                        + " name table has type " + table.type + ", not SHT_STRTAB");
            }
            ElfSection tableSection = toSection(nameIndex, "section " + nameIndex, table);
            names = new StringTable(tableSection, bytes.slice(table.offset, table.size, "section name table"), bytes);
        }
        List<ElfSection> sections = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String name = names == null ? "" : names.get(raws.get(i).nameOffset, "name of section " + i);
            sections.add(toSection(i, name, raws.get(i)));
        }
        checkOverlaps(bytes, sections, shoff, count * shentsize);
        return new SectionTable(Collections.unmodifiableList(sections), nameIndex, sections.getFirst());
    }

    private static Raw readRaw(ElfBytes bytes, long at, String where) {
        return new Raw(bytes.u32(at, where), bytes.s32(at + 4, where), bytes.u64(at + 8, where),
                bytes.u64(at + 16, where), bytes.u64(at + 24, where), bytes.u64(at + 32, where),
                bytes.s32(at + 40, where), bytes.s32(at + 44, where), bytes.u64(at + 48, where),
                bytes.u64(at + 56, where));
    }

    private static void checkRange(ElfBytes bytes, Raw raw, int index, long headerAt) {
        if (raw.type == SHT_NOBITS || raw.type == SHT_NULL) return;
        if (!bytes.contains(raw.offset, raw.size)) {
            throw bytes.error("section header " + index, headerAt, "section contents [offset "
                    + Long.toUnsignedString(raw.offset) + ", size " + Long.toUnsignedString(raw.size)
                    + ") lie outside the file (" + bytes.size() + " bytes)");
        }
    }

    private static ElfSection toSection(int index, String name, Raw r) {
        return new ElfSection(index, name, r.type, r.flags, r.addr, r.offset, r.size, r.link, r.info, r.align,
                r.entsize);
    }

    /** Section contents must not overlap each other, the ELF header or the section header table. */
    private static void checkOverlaps(ElfBytes bytes, List<ElfSection> sections, long tableOffset, long tableSize) {
        List<long[]> ranges = new ArrayList<>();   // {start, end, section index or -1 header / -2 table}
        ranges.add(new long[] {0, ELF_HEADER_SIZE, -1});
        ranges.add(new long[] {tableOffset, tableOffset + tableSize, -2});
        for (ElfSection s : sections) {
            if (s.hasFileData() && s.size() > 0) ranges.add(new long[] {s.offset(), s.offset() + s.size(), s.index()});
        }
        ranges.sort(Comparator.<long[]>comparingLong(r -> r[0]).thenComparingLong(r -> r[1]));
        for (int i = 1; i < ranges.size(); i++) {
            long[] previous = ranges.get(i - 1);
            long[] current = ranges.get(i);
            if (current[0] < previous[1]) {
                long[] blamed = current[2] >= 0 ? current : previous;
                if (blamed[2] < 0) {
                    throw bytes.error("section header table", tableOffset, describe(sections, current) + " overlaps "
                            + describe(sections, previous));
                }
                ElfSection s = sections.get((int) blamed[2]);
                throw bytes.error(s.name().isEmpty() ? "section " + s.index() : s.name(), s.offset(),
                        describe(sections, current) + " overlaps " + describe(sections, previous));
            }
        }
    }

    private static String describe(List<ElfSection> sections, long[] range) {
        String what = range[2] == -1 ? "the ELF header" : range[2] == -2 ? "the section header table"
                : sections.get((int) range[2]).describe();
        return what + " [" + range[0] + ", " + range[1] + ")";
    }
}
