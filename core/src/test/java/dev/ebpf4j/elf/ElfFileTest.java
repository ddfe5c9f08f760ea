package dev.ebpf4j.elf;

import dev.ebpf4j.asm.Instruction;
import dev.ebpf4j.asm.InstructionDecoder;
import dev.ebpf4j.testkit.TestObjects;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static dev.ebpf4j.elf.ElfConstants.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The ELF reader on real files — system binaries, libc, the JDK's libjvm.so, the compiled test objects (both byte
 * orders) and the native test binary — checked field by field against GNU readelf.
 */
class ElfFileTest {
    static final Path LIBC = Path.of("/lib/x86_64-linux-gnu/libc.so.6");
    static final Path LIBJVM = Path.of(System.getProperty("java.home"), "lib", "server", "libjvm.so");

    @BeforeAll
    static void needsReadelf() {
        assumeTrue(ExternalTools.onPath("readelf"), "readelf (binutils) is not installed; apt-get install binutils");
    }

    static Stream<Path> realFiles() throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path p : List.of(Path.of("/usr/bin/ls"), LIBC, LIBJVM)) if (Files.isRegularFile(p)) files.add(p);
        files.add(TestObjects.nativeBinary("elf_target"));
        try (Stream<Path> objects = Files.list(TestObjects.dir())) {
            objects.filter(p -> p.toString().endsWith(".bpf.o")).sorted().forEach(files::add);
        }
        return files.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("realFiles")
    void sectionsMatchReadelf(Path file) {
        ElfFile elf = ElfFile.read(file);
        List<ReadelfOracle.Section> expected = ReadelfOracle.sections(file);
        assertEquals(expected.size(), elf.sections().size(), "section count");
        for (ReadelfOracle.Section e : expected) {
            ElfSection s = elf.section(e.index());
            String what = file + " section " + e.index();
            assertEquals(e.name(), s.name(), what);
            assertEquals(e.address(), s.address(), what);
            assertEquals(e.offset(), s.offset(), what);
            assertEquals(e.size(), s.size(), what);
            assertEquals(e.entrySize(), s.entrySize(), what);
            assertEquals(e.link(), s.link(), what);
            assertEquals(e.info(), s.info(), what);
            assertEquals(e.alignment(), s.alignment(), what);
            Integer type = SECTION_TYPES.get(e.type());
            if (type != null) assertEquals(type.intValue(), s.type(), what + " type " + e.type());
        }
    }

    private static final Map<String, Integer> SECTION_TYPES = Map.ofEntries(
            Map.entry("NULL", SHT_NULL), Map.entry("PROGBITS", SHT_PROGBITS), Map.entry("SYMTAB", SHT_SYMTAB),
            Map.entry("STRTAB", SHT_STRTAB), Map.entry("RELA", SHT_RELA), Map.entry("HASH", SHT_HASH),
            Map.entry("DYNAMIC", SHT_DYNAMIC), Map.entry("NOTE", SHT_NOTE), Map.entry("NOBITS", SHT_NOBITS),
            Map.entry("REL", SHT_REL), Map.entry("DYNSYM", SHT_DYNSYM), Map.entry("INIT_ARRAY", SHT_INIT_ARRAY),
            Map.entry("FINI_ARRAY", SHT_FINI_ARRAY), Map.entry("GNU_HASH", SHT_GNU_HASH),
            Map.entry("VERSYM", SHT_GNU_VERSYM), Map.entry("VERDEF", SHT_GNU_VERDEF),
            Map.entry("VERNEED", SHT_GNU_VERNEED), Map.entry("LLVM_ADDRSIG", SHT_LLVM_ADDRSIG));

    @ParameterizedTest(name = "{0}")
    @MethodSource("realFiles")
    void symbolsMatchReadelf(Path file) {
        ElfFile elf = ElfFile.read(file);
        Map<String, List<ReadelfOracle.Symbol>> expected = ReadelfOracle.symbols(file);
        Map<String, Integer> counts = ReadelfOracle.symbolCounts(file);
        for (var table : expected.entrySet()) {
            ElfSection section = elf.section(table.getKey()).orElseThrow();
            List<ElfSymbol> symbols = elf.symbols(section);
            assertEquals(counts.get(table.getKey()).intValue(), symbols.size(), file + " " + table.getKey());
            assertEquals(symbols.size(), table.getValue().size(), "every readelf line parsed");
            for (ReadelfOracle.Symbol e : table.getValue()) {
                ElfSymbol s = symbols.get(e.index());
                String what = file + " " + table.getKey() + " symbol " + e.index() + " " + e.name();
                assertEquals(e.value(), s.value(), what);
                assertEquals(e.size(), s.size(), what);
                assertEquals(e.sectionIndex(), sectionIndexText(s.sectionIndex()), what);
                assertEquals(e.binding(), BINDINGS.getOrDefault(s.binding(), "?" + s.binding()), what);
                if (s.type() != STT_SECTION) {
                    String name = section.type() == SHT_DYNSYM ? s.qualifiedName() : s.name();
                    assertEquals(e.name(), name, what);
                }
            }
        }
        assertEquals(expected.containsKey(".symtab"), !elf.symbols().isEmpty());
        assertEquals(expected.containsKey(".dynsym"), !elf.dynamicSymbols().isEmpty());
    }

    private static final Map<Integer, String> BINDINGS = Map.of(STB_LOCAL, "LOCAL", STB_GLOBAL, "GLOBAL", STB_WEAK,
            "WEAK", STB_GNU_UNIQUE, "UNIQUE");

    private static String sectionIndexText(int index) {
        return switch (index) {
            case SHN_UNDEF -> "UND";
            case SHN_ABS -> "ABS";
            case SHN_COMMON -> "COM";
            default -> Integer.toString(index);
        };
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("realFiles")
    void segmentsAndRelocationsMatchReadelf(Path file) {
        ElfFile elf = ElfFile.read(file);
        List<ReadelfOracle.Segment> segments = ReadelfOracle.segments(file);
        assertEquals(segments.size(), elf.segments().size(), "program header count");
        for (int i = 0; i < segments.size(); i++) {
            ReadelfOracle.Segment e = segments.get(i);
            ElfSegment g = elf.segments().get(i);
            String what = file + " program header " + i;
            assertEquals(e.offset(), g.offset(), what);
            assertEquals(e.virtualAddress(), g.virtualAddress(), what);
            assertEquals(e.physicalAddress(), g.physicalAddress(), what);
            assertEquals(e.fileSize(), g.fileSize(), what);
            assertEquals(e.memorySize(), g.memorySize(), what);
            assertEquals(e.alignment(), g.alignment(), what);
            if (e.type().equals("LOAD")) assertEquals(PT_LOAD, g.type(), what);
            assertEquals(g.fileSize(), elf.data(g).byteSize());
        }
        Map<String, Integer> relocations = ReadelfOracle.relocationCounts(file);
        for (ElfSection s : elf.sections()) {
            if (s.type() != SHT_REL && s.type() != SHT_RELA) continue;
            List<ElfRelocation> entries = elf.relocations(s);
            assertEquals(relocations.get(s.name()), entries.size(), file + " " + s.name());
        }
    }

    @Test
    void headerOfLibc() {
        assumeTrue(Files.isRegularFile(LIBC), "no " + LIBC);
        ElfHeader h = ElfFile.read(LIBC).header();
        assertEquals(ByteOrder.LITTLE_ENDIAN, h.byteOrder());
        assertEquals(ET_DYN, h.type());
        assertEquals(EM_X86_64, h.machine());
        String readelf = ExternalTools.run("readelf", "-hW", LIBC.toString());
        assertTrue(readelf.contains(String.format("Entry point address:               0x%x", h.entry())), readelf);
        assertTrue(readelf.contains("Number of section headers:         " + h.sectionHeaderCount()), readelf);
        assertTrue(readelf.contains("Section header string table index: " + h.sectionNameTableIndex()), readelf);
    }

    @Test
    void buildIdNoteMatchesReadelf() {
        assumeTrue(Files.isRegularFile(LIBC), "no " + LIBC);
        ElfFile elf = ElfFile.read(LIBC);
        ElfNote buildId = elf.notes(elf.section(".note.gnu.build-id").orElseThrow()).getFirst();
        assertEquals("GNU", buildId.name());
        assertEquals(3, buildId.type());
        String hex = HexFormat.of().formatHex(buildId.descriptor().toArray(ValueLayout.JAVA_BYTE));
        assertTrue(ExternalTools.run("readelf", "-n", LIBC.toString()).contains("Build ID: " + hex));
        boolean inSegment = elf.segments().stream().filter(g -> g.type() == PT_NOTE)
                .flatMap(g -> elf.notes(g).stream()).anyMatch(n -> n.type() == 3 && n.name().equals("GNU"));
        assertTrue(inSegment, "the build id is also reachable through PT_NOTE");
    }

    @Test
    void libjvmCarriesHotspotUsdtNotes() {
        assumeTrue(Files.isRegularFile(LIBJVM), "no " + LIBJVM);
        ElfFile elf = ElfFile.read(LIBJVM);
        List<ElfNote> notes = elf.notes(elf.section(".note.stapsdt").orElseThrow());
        long probes = notes.stream().filter(n -> n.name().equals("stapsdt") && n.type() == 3).count();
        long expected = ExternalTools.run("readelf", "-n", LIBJVM.toString()).lines()
                .filter(l -> l.trim().startsWith("stapsdt")).count();
        assertEquals(expected, probes);
        assertTrue(probes > 10, "HotSpot declares many probes");
    }

    @Test
    void bpfObjectsOfBothByteOrders() {
        ElfFile little = ElfFile.read(TestObjects.bpf("asm_maps"));
        ElfFile big = ElfFile.read(TestObjects.bpf("asm_bigendian"));
        assertEquals(ByteOrder.LITTLE_ENDIAN, little.byteOrder());
        assertEquals(ByteOrder.BIG_ENDIAN, big.byteOrder());
        for (ElfFile elf : List.of(little, big)) {
            assertEquals(EM_BPF, elf.header().machine());
            assertEquals(ET_REL, elf.header().type());
            assertTrue(elf.segments().isEmpty());
        }
        ElfSection xdp = big.section("xdp").orElseThrow();
        List<Instruction> code = InstructionDecoder.decode(big.data(xdp), big.byteOrder(), "xdp");
        assertEquals(Instruction.EXIT, code.getLast());
        ElfSection relocations = big.section(".relxdp").orElseThrow();
        assertEquals(xdp.index(), relocations.info());
        List<String> targets = big.relocations(relocations).stream()
                .map(r -> big.symbols().get(r.symbolIndex()).name()).toList();
        assertTrue(targets.contains("be_values") && targets.contains("be_total"), targets.toString());
        for (ElfRelocation r : big.relocations(relocations)) {
            assertFalse(r.hasAddend());
            assertEquals(0, r.offset() % 8, "relocations point at instruction slots");
        }
        assertTrue(little.section("license").isPresent());
        assertEquals("GPL", new String(little.bytes(little.section("license").orElseThrow())).trim().replace("\0", ""));
    }
}
