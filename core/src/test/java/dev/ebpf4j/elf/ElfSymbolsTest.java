package dev.ebpf4j.elf;

import dev.ebpf4j.BpfException;
import dev.ebpf4j.ObjectFormatException;
import dev.ebpf4j.testkit.TestObjects;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.ebpf4j.elf.ElfConstants.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Symbol → file offset for uprobes, checked against nm and readelf; lookups by version; clear not-found errors. */
class ElfSymbolsTest {
    private static final String TARGET = "ebpf4j_uprobe_target";

    @BeforeAll
    static void needsBinutils() {
        assumeTrue(ExternalTools.onPath("readelf") && ExternalTools.onPath("nm"),
                "readelf and nm (binutils) are not installed; apt-get install binutils");
    }

    /** The file offset binutils implies: the symbol's value from nm, mapped through readelf's LOAD segments. */
    private static long offsetFromBinutils(Path file, String symbol, boolean dynamic) {
        long value = -1;
        String nm = dynamic ? ExternalTools.run("nm", "-D", "--defined-only", file.toString())
                : ExternalTools.run("nm", "--defined-only", file.toString());
        for (String line : nm.split("\n")) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length == 3 && parts[2].equals(symbol)) value = Long.parseUnsignedLong(parts[0], 16);
        }
        assertTrue(value >= 0, "nm does not list " + symbol + " in " + file);
        for (ReadelfOracle.Segment s : ReadelfOracle.segments(file)) {
            if (s.type().equals("LOAD") && value >= s.virtualAddress() && value < s.virtualAddress() + s.fileSize()) {
                return value - s.virtualAddress() + s.offset();
            }
        }
        throw new AssertionError(symbol + " at " + Long.toHexString(value) + " is in no LOAD segment of " + file);
    }

    @Test
    void uprobeTargetFunctionAndData() {
        Path binary = TestObjects.nativeBinary("elf_target");
        long offset = ElfSymbols.fileOffset(binary, TARGET);
        assertEquals(offsetFromBinutils(binary, TARGET, false), offset);
        SymbolLocation loc = ElfSymbols.locate(binary, TARGET);
        assertEquals(TARGET, loc.name());
        assertEquals(STT_FUNC, loc.type());
        assertEquals(".symtab", loc.table());
        assertTrue(loc.size() > 0);

        SymbolLocation data = ElfSymbols.locate(binary, "ebpf4j_uprobe_calls");
        assertEquals(offsetFromBinutils(binary, "ebpf4j_uprobe_calls", false), data.fileOffset());
        assertNotEquals(data.address(), data.fileOffset(), "the data segment's offset differs from its address");
        assertEquals(STT_OBJECT, data.type());
    }

    @Test
    void nonPieExecutableMapsAddressesToOffsets(@TempDir Path dir) throws IOException {
        assumeTrue(ExternalTools.onPath("cc"), "no C compiler (cc)");
        Path source = Path.of("src/test/bpf/native/elf_target.c").toAbsolutePath();
        assumeTrue(Files.isRegularFile(source), "run from the core module directory");
        Path binary = dir.resolve("elf_target_nopie");
        ExternalTools.run("cc", "-O1", "-g", "-fno-inline", "-no-pie", "-o", binary.toString(), source.toString());
        SymbolLocation loc = ElfSymbols.locate(binary, TARGET);
        assertEquals(offsetFromBinutils(binary, TARGET, false), loc.fileOffset());
        assertTrue(loc.address() >= 0x400000, "non-PIE code is linked at 0x400000 and up");
        assertNotEquals(loc.address(), loc.fileOffset());
        assertEquals(ExternalTools.run(binary.toString(), "4"), "ebpf4j_uprobe_target(4) = 9\n");
    }

    @Test
    void libcVersionedSymbols() {
        Path libc = ElfFileTest.LIBC;
        assumeTrue(Files.isRegularFile(libc), "no " + libc);
        SymbolLocation malloc = ElfSymbols.locate(libc, "malloc");
        assertEquals("GLIBC_2.2.5", malloc.version());
        assertEquals(offsetFromBinutils(libc, "malloc@@GLIBC_2.2.5", true), malloc.fileOffset());
        assertEquals(malloc, ElfSymbols.locate(libc, "malloc@@GLIBC_2.2.5"));
        assertEquals(malloc.fileOffset(), ElfSymbols.fileOffset(libc, "malloc@GLIBC_2.2.5"));

        // memcpy has an old hidden version and a newer default one at different addresses
        SymbolLocation current = ElfSymbols.locate(libc, "memcpy");
        SymbolLocation old = ElfSymbols.locate(libc, "memcpy@GLIBC_2.2.5");
        assertEquals("GLIBC_2.14", current.version());
        assertEquals(STT_GNU_IFUNC, current.type());
        assertEquals(offsetFromBinutils(libc, "memcpy@@GLIBC_2.14", true), current.fileOffset());
        assertEquals(offsetFromBinutils(libc, "memcpy@GLIBC_2.2.5", true), old.fileOffset());
        assertNotEquals(current.fileOffset(), old.fileOffset());

        SymbolNotFoundException e = assertThrows(SymbolNotFoundException.class,
                () -> ElfSymbols.locate(libc, "memcpy@@GLIBC_2.2.5"));
        assertTrue(e.getMessage().contains("memcpy@@GLIBC_2.14") && e.getMessage().contains("memcpy@GLIBC_2.2.5"),
                e.getMessage());
    }

    @Test
    void libjvmExportedFunction() {
        Path libjvm = ElfFileTest.LIBJVM;
        assumeTrue(Files.isRegularFile(libjvm), "no " + libjvm);
        SymbolLocation loc = ElfSymbols.locate(libjvm, "JNI_CreateJavaVM");
        assertEquals(offsetFromBinutils(libjvm, "JNI_CreateJavaVM@@SUNWprivate_1.1", true), loc.fileOffset());
        assertEquals("SUNWprivate_1.1", loc.version());
    }

    @Test
    void notFoundListsNearbyNames() {
        Path binary = TestObjects.nativeBinary("elf_target");
        SymbolNotFoundException e = assertThrows(SymbolNotFoundException.class,
                () -> ElfSymbols.fileOffset(binary, "ebpf4j_uprobe_targte"));
        assertTrue(e.getMessage().startsWith("symbol 'ebpf4j_uprobe_targte' not found in " + binary), e.getMessage());
        assertTrue(e.getMessage().contains("nearby: ebpf4j_uprobe_target"), e.getMessage());
        assertEquals(TARGET, e.nearby().getFirst());
        assertEquals(binary.toString(), e.file());
        assertEquals("ebpf4j_uprobe_targte", e.symbol());

        SymbolNotFoundException prefix = assertThrows(SymbolNotFoundException.class,
                () -> ElfSymbols.locate(binary, "uprobe_target"));
        assertTrue(prefix.nearby().contains(TARGET), prefix.getMessage());
    }

    @Test
    void importedSymbolIsExplained() {
        Path binary = TestObjects.nativeBinary("elf_target");
        SymbolNotFoundException e = assertThrows(SymbolNotFoundException.class,
                () -> ElfSymbols.locate(binary, "printf"));
        assertTrue(e.getMessage().contains("imported"), e.getMessage());
    }

    @Test
    void relocatableObjectsUseTheDefiningSection() {
        Path object = TestObjects.bpf("asm_maps");
        ElfFile elf = ElfFile.read(object);
        ElfSection tracepoint = elf.section("tracepoint/syscalls/sys_enter_write").orElseThrow();
        ElfSection text = elf.section(".text").orElseThrow();
        assertEquals(tracepoint.offset(), ElfSymbols.locate(elf, "count_writes").fileOffset());
        ElfSymbol classify = elf.symbols().stream().filter(s -> s.name().equals("classify")).findFirst().orElseThrow();
        SymbolLocation loc = ElfSymbols.locate(elf, "classify");
        assertEquals(text.offset() + classify.value(), loc.fileOffset());
        assertEquals(STB_LOCAL, loc.binding());
    }

    @Test
    void functionsListsDefinedFunctions() {
        ElfFile elf = ElfFile.read(TestObjects.nativeBinary("elf_target"));
        List<String> names = ElfSymbols.functions(elf).stream().map(SymbolLocation::name).toList();
        assertTrue(names.contains(TARGET) && names.contains("main"), names.toString());
        assertTrue(!names.contains("printf"), "imported functions are not listed");
    }

    @Test
    void addressesWithoutFileBytes() {
        ElfFile elf = ElfFile.read(TestObjects.nativeBinary("elf_target"));
        ElfSegment writable = elf.segments().stream()
                .filter(g -> g.isLoadable() && g.memorySize() > g.fileSize()).findFirst().orElseThrow();
        long bss = writable.virtualAddress() + writable.fileSize();
        BpfException e = assertThrows(BpfException.class, () -> ElfSymbols.fileOffset(elf, bss));
        assertTrue(e.getMessage().contains("zero-filled"), e.getMessage());
        BpfException none = assertThrows(BpfException.class, () -> ElfSymbols.fileOffset(elf, 1L << 50));
        assertTrue(none.getMessage().contains("no loadable segment"), none.getMessage());
    }

    @Test
    void elf32FilesAreRejected() {
        byte[] image = new ElfMalformedTest.Sample(java.nio.ByteOrder.LITTLE_ENDIAN).image.clone();
        image[4] = 1;
        ObjectFormatException e = assertThrows(ObjectFormatException.class,
                () -> ElfSymbols.locate(ElfFile.parse(image, "old.so"), "x"));
        assertTrue(e.getMessage().contains("32-bit"), e.getMessage());
    }

    @Test
    void unreadableFileIsAnError(@TempDir Path dir) {
        BpfException e = assertThrows(BpfException.class, () -> ElfSymbols.fileOffset(dir.resolve("missing"), "x"));
        assertTrue(e.getMessage().contains("missing"), e.getMessage());
    }
}
