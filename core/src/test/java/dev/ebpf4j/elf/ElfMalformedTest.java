package dev.ebpf4j.elf;

import dev.ebpf4j.ObjectFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

import static dev.ebpf4j.elf.ElfConstants.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One malformation at a time, introduced into an otherwise valid image: each must raise an ObjectFormatException
 * that names the structure and offset and says what is wrong.
 */
class ElfMalformedTest {

    /** A small valid relocatable-style image with code, symbols, a relocation, a note, .bss and a segment. */
    static final class Sample {
        final TestElfBuilder builder;
        final byte[] image;
        final int text;
        final int strtab;
        final int symtab;
        final int rela;
        final int note;
        final int bss;
        final ByteOrder order;

        Sample(ByteOrder order) {
            this.order = order;
            builder = new TestElfBuilder(order).type(ET_EXEC);
            int[] nameOffsets = new int[2];
            byte[] names = TestElfBuilder.strings(List.of("main", "helper"), nameOffsets);
            text = builder.section(".text", SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, new byte[] {
                    (byte) 0xb7, 0, 0, 0, 0, 0, 0, 0, (byte) 0x95, 0, 0, 0, 0, 0, 0, 0}, 0, 0, 0, 0x401000);
            strtab = builder.section(".strtab", SHT_STRTAB, 0, names);
            byte[] symbols = TestElfBuilder.concat(new byte[24],
                    builder.symbol(nameOffsets[0], STB_GLOBAL, STT_FUNC, text, 0x401000, 8),
                    builder.symbol(nameOffsets[1], STB_LOCAL, STT_FUNC, text, 0x401008, 8));
            symtab = builder.section(".symtab", SHT_SYMTAB, 0, symbols, strtab, 1, 24, 0);
            rela = builder.section(".rela.text", SHT_RELA, 0, builder.rela(0, 1, 1, 0), symtab, text, 24, 0);
            ByteBuffer n = ByteBuffer.allocate(20).order(order);
            n.putInt(4).putInt(4).putInt(3).put(new byte[] {'G', 'N', 'U', 0}).putInt(0xabcdef);
            note = builder.section(".note.test", SHT_NOTE, SHF_ALLOC, n.array(), 0, 0, 0, 0);
            bss = builder.section(".bss", SHT_NOBITS, SHF_ALLOC | SHF_WRITE, new byte[32]);
            builder.segment(PT_LOAD, PF_R | PF_X, text, 0x401000, 0);
            image = builder.build();
        }

        long sectionHeader(int index) {
            return builder.layout().sectionHeaderOffset(index);
        }

        long sectionData(int index) {
            return builder.layout().sectionOffsets()[index];
        }

        byte[] with(Consumer<ByteBuffer> patch) {
            byte[] copy = image.clone();
            patch.accept(ByteBuffer.wrap(copy).order(order));
            return copy;
        }
    }

    private static ObjectFormatException fails(byte[] image, String... fragments) {
        ObjectFormatException e = assertThrows(ObjectFormatException.class, () -> readEverything(image));
        for (String f : fragments) assertTrue(e.getMessage().contains(f), "'" + f + "' missing in: " + e.getMessage());
        assertTrue(e.getMessage().contains("[test image]"), "names the file: " + e.getMessage());
        return e;
    }

    /** Parses and reads every part of the image. */
    static void readEverything(byte[] image) {
        ElfFile elf = ElfFile.parse(image, "test image");
        for (ElfSection s : elf.sections()) {
            elf.data(s);
            switch (s.type()) {
                case SHT_SYMTAB, SHT_DYNSYM -> elf.symbols(s);
                case SHT_REL, SHT_RELA -> elf.relocations(s);
                case SHT_NOTE -> elf.notes(s);
                default -> {
                }
            }
        }
        for (ElfSegment g : elf.segments()) elf.data(g);
    }

    @ParameterizedTest
    @EnumSource(Order.class)
    void theSampleIsValid(Order o) {
        Sample s = new Sample(o.order);
        ElfFile elf = ElfFile.parse(s.image, "test image");
        assertEquals(o.order, elf.byteOrder());
        assertEquals(ET_EXEC, elf.header().type());
        assertEquals(EM_BPF, elf.header().machine());
        assertEquals(List.of("", ".text", ".strtab", ".symtab", ".rela.text", ".note.test", ".bss", ".shstrtab"),
                elf.sections().stream().map(ElfSection::name).toList());
        List<ElfSymbol> symbols = elf.symbols();
        assertEquals(3, symbols.size());
        assertEquals("main", symbols.get(1).name());
        assertEquals(0x401008, symbols.get(2).value());
        assertEquals(STB_LOCAL, symbols.get(2).binding());
        ElfRelocation r = elf.relocations(elf.section(s.rela)).getFirst();
        assertEquals(1, r.symbolIndex());
        assertEquals(1, r.type());
        assertTrue(r.hasAddend());
        ElfNote n = elf.notes(elf.section(s.note)).getFirst();
        assertEquals("GNU", n.name());
        assertEquals(3, n.type());
        assertEquals(4, n.descriptor().byteSize());
        assertEquals(0, elf.data(elf.section(s.bss)).byteSize(), "NOBITS has no file bytes");
        assertEquals(32, elf.section(s.bss).size());
        assertEquals(1, elf.segments().size());
        assertEquals(16, elf.data(elf.segments().getFirst()).byteSize());
        assertEquals(s.sectionData(s.text) + 8, ElfSymbols.locate(elf, "helper").fileOffset());
        assertArrayEquals(Arrays.copyOfRange(s.image, (int) s.sectionData(s.text), (int) s.sectionData(s.text) + 16),
                elf.bytes(elf.section(".text").orElseThrow()));
        readEverything(s.image);
    }

    enum Order {
        LITTLE(ByteOrder.LITTLE_ENDIAN), BIG(ByteOrder.BIG_ENDIAN);
        final ByteOrder order;

        Order(ByteOrder order) {
            this.order = order;
        }
    }

    // ---- identification and header ---------------------------------------------------------------------------

    @Test
    void elf32IsRejectedClearly() {
        byte[] image = new Sample(ByteOrder.LITTLE_ENDIAN).with(b -> b.put(4, (byte) 1));
        ObjectFormatException e = fails(image, "32-bit", "ELFCLASS32", "ELFCLASS64");
        assertEquals("ELF header", e.section());
        assertEquals(4, e.offset());
    }

    @Test
    void notElf() {
        fails("#!/bin/sh\necho hello world, not an ELF file at all\n".getBytes(), "not an ELF file");
    }

    @Test
    void tooShortForIdentification() {
        fails(Arrays.copyOf(new Sample(ByteOrder.LITTLE_ENDIAN).image, 10), "too short");
        fails(new byte[0], "too short");
    }

    @Test
    void tooShortForTheHeader() {
        fails(Arrays.copyOf(new Sample(ByteOrder.LITTLE_ENDIAN).image, 40), "64-byte ELF64 header");
    }

    @Test
    void unknownClassEncodingOrVersion() {
        Sample s = new Sample(ByteOrder.LITTLE_ENDIAN);
        assertEquals(4, fails(s.with(b -> b.put(4, (byte) 3)), "unknown ELF class").offset());
        assertEquals(5, fails(s.with(b -> b.put(5, (byte) 0)), "data encoding").offset());
        assertEquals(6, fails(s.with(b -> b.put(6, (byte) 2)), "ELF version").offset());
    }

    // ---- section header table ---------------------------------------------------------------------------------

    @Test
    void sectionHeaderTablePastTheEnd() {
        Sample s = new Sample(ByteOrder.LITTLE_ENDIAN);
        fails(s.with(b -> b.putLong(40, s.image.length - 64)), "extend past the end");
        fails(s.with(b -> b.putLong(40, Long.MAX_VALUE)), "section header");
        fails(s.with(b -> b.putLong(40, -64)), "section header");
    }

    @Test
    void absurdSectionCount() {
        Sample s = new Sample(ByteOrder.BIG_ENDIAN);
        ObjectFormatException e = fails(s.with(b -> b.putShort(60, (short) 0xfff0)), "extend past the end");
        assertEquals("section header table", e.section());
    }

    @Test
    void absurdExtendedSectionCount() {
        Sample s = new Sample(ByteOrder.LITTLE_ENDIAN);
        // e_shnum = 0 means "the count is in section 0's sh_size"
        fails(s.with(b -> {
            b.putShort(60, (short) 0);
            b.putLong((int) s.sectionHeader(0) + 32, -1L);
        }), "extend past the end");
    }

    @Test
    void extendedNumberingIsFollowed() {
        Sample s = new Sample(ByteOrder.LITTLE_ENDIAN);
        byte[] image = s.with(b -> {
            int count = b.getShort(60);
            int names = b.getShort(62);
            b.putShort(60, (short) 0);
            b.putShort(62, (short) SHN_XINDEX);
            b.putLong((int) s.sectionHeader(0) + 32, count);
            b.putInt((int) s.sectionHeader(0) + 40, names);
        });
        ElfFile elf = ElfFile.parse(image, "test image");
        assertEquals(8, elf.sections().size());
        assertEquals(".shstrtab", elf.sections().getLast().name());
        assertEquals(7, elf.header().sectionNameTableIndex());
    }

    @Test
    void sectionHeaderEntryTooSmall() {
        fails(new Sample(ByteOrder.LITTLE_ENDIAN).with(b -> b.putShort(58, (short) 40)), "entry size 40");
    }

    @Test
    void sectionContentsOutsideTheFile() {
        Sample s = new Sample(ByteOrder.LITTLE_ENDIAN);
        ObjectFormatException e = fails(s.with(b -> b.putLong((int) s.sectionHeader(s.text) + 24, 1L << 40)),
                "lie outside the file");
        assertEquals("section header " + s.text, e.section());
        assertEquals(s.sectionHeader(s.text), e.offset());
        fails(s.with(b -> b.putLong((int) s.sectionHeader(s.text) + 32, -1L)), "lie outside the file");
        fails(s.with(b -> b.putLong((int) s.sectionHeader(s.text) + 32, s.image.length)), "lie outside the file");
    }

    @Test
    void nobitsSectionsMayPointAnywhere() {
        Sample s = new Sample(ByteOrder.LITTLE_ENDIAN);
        byte[] image = s.with(b -> b.putLong((int) s.sectionHeader(s.bss) + 24, 1L << 40));
        ElfFile elf = ElfFile.parse(image, "test image");
        assertEquals(0, elf.data(elf.section(s.bss)).byteSize());
    }

    @Test
    void overlappingSections() {
        Sample s = new Sample(ByteOrder.LITTLE_ENDIAN);
        ObjectFormatException e = fails(s.with(b -> b.putLong((int) s.sectionHeader(s.symtab) + 24,
                s.sectionData(s.strtab) + 2)), "overlaps");
        assertTrue(e.getMessage().contains("'.symtab'") && e.getMessage().contains("'.strtab'"), e.getMessage());
        fails(s.with(b -> b.putLong((int) s.sectionHeader(s.text) + 24, 16)), "overlaps", "ELF header");
        fails(s.with(b -> b.putLong((int) s.sectionHeader(s.text) + 24, s.builder.layout().sectionHeaderTable())),
                "overlaps", "section header table");
    }

    @Test
    void sectionNameTableProblems() {
        Sample s = new Sample(ByteOrder.LITTLE_ENDIAN);
        fails(s.with(b -> b.putShort(62, (short) 99)), "section name table index 99");
        fails(s.with(b -> b.putShort(62, (short) s.text)), "not SHT_STRTAB");
        int names = s.builder.layout().nameTableIndex();
        fails(s.with(b -> b.putInt((int) s.sectionHeader(s.text), 100_000)), "string offset 100000");
        // make the name table's last byte non-zero: the last name (".shstrtab") then runs off the end
        long tableEnd = s.sectionData(names) + ".shstrtab".length() + 1 + ".bss".length() + 1 + ".note.test".length()
                + 1 + ".rela.text".length() + 1 + ".symtab".length() + 1 + ".strtab".length() + 1 + ".text".length()
                + 1 + 1;
        fails(s.with(b -> b.put((int) tableEnd - 1, (byte) 'x')), "not NUL-terminated");
    }

    // ---- symbols, relocations, notes, segments -----------------------------------------------------------------

    @Test
    void symbolTableProblems() {
        Sample s = new Sample(ByteOrder.LITTLE_ENDIAN);
        int header = (int) s.sectionHeader(s.symtab);
        ObjectFormatException noStrings = fails(s.with(b -> b.putInt(header + 40, 0)), "has no string table");
        assertEquals(".symtab", noStrings.section());
        assertEquals(header, noStrings.offset(), "points at the section header");
        fails(s.with(b -> b.putInt(header + 40, s.text)), "not SHT_STRTAB");
        fails(s.with(b -> b.putInt(header + 40, 1000)), "does not exist");
        fails(s.with(b -> b.putLong(header + 56, 0)), "entry size 0");
        fails(s.with(b -> b.putLong(header + 32, 70)), "not a multiple");
        int symbol1 = (int) s.sectionData(s.symtab) + 24;
        ObjectFormatException e = fails(s.with(b -> b.putInt(symbol1, 5000)), "string offset 5000", "symbol 1");
        assertEquals(".strtab", e.section());
        fails(s.with(b -> b.putShort(symbol1 + 6, (short) 200)), "refers to section 200");
        fails(s.with(b -> b.putShort(symbol1 + 6, (short) SHN_XINDEX)), "SHN_XINDEX");
    }

    @Test
    void nonTerminatedSymbolName() {
        Sample s = new Sample(ByteOrder.BIG_ENDIAN);
        long last = s.sectionData(s.strtab) + 1 + "main".length() + 1 + "helper".length();
        fails(s.with(b -> b.put((int) last, (byte) '!')), "not NUL-terminated");
    }

    @Test
    void relocationProblems() {
        Sample s = new Sample(ByteOrder.LITTLE_ENDIAN);
        int header = (int) s.sectionHeader(s.rela);
        int entry = (int) s.sectionData(s.rela);
        fails(s.with(b -> b.putLong(entry + 8, (99L << 32) | 1)), "refers to symbol 99", "3 entries");
        fails(s.with(b -> b.putLong(header + 56, 16)), "smaller than an ELF64 RELA entry");
        fails(s.with(b -> b.putInt(header + 40, s.text)), "not a symbol table");
        fails(s.with(b -> b.putInt(header + 40, 77)), "does not exist");
    }

    @Test
    void noteRunningPastItsSection() {
        Sample s = new Sample(ByteOrder.LITTLE_ENDIAN);
        int note = (int) s.sectionData(s.note);
        ObjectFormatException e = fails(s.with(b -> b.putInt(note + 4, 1 << 20)), "runs past the end");
        assertEquals(".note.test", e.section());
        assertEquals(0, e.offset());
        fails(s.with(b -> b.putInt(note, -1)), "runs past the end");
    }

    @Test
    void programHeaderProblems() {
        Sample s = new Sample(ByteOrder.LITTLE_ENDIAN);
        fails(s.with(b -> b.putLong(32, s.image.length - 8)), "program headers", "extend past the end");
        fails(s.with(b -> b.putShort(54, (short) 32)), "program header entry size 32");
        fails(s.with(b -> b.putLong(32, 0)), "e_phoff is 0");
        int ph = (int) s.builder.layout().programHeaderOffset(0);
        fails(s.with(b -> b.putLong(ph + 40, 4)), "larger than its memory size");
        ObjectFormatException e = fails(s.with(b -> b.putLong(ph + 8, 1L << 33)), "lies outside the file");
        assertEquals("program header 0", e.section());
    }
}
