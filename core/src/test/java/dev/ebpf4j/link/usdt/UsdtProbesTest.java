package dev.ebpf4j.link.usdt;

import dev.ebpf4j.BpfArgumentException;
import dev.ebpf4j.NotSupportedException;
import dev.ebpf4j.ObjectFormatException;
import dev.ebpf4j.elf.ElfFile;
import dev.ebpf4j.elf.ElfSection;
import dev.ebpf4j.elf.ElfSymbols;
import dev.ebpf4j.elf.ExternalTools;
import dev.ebpf4j.elf.StapsdtNote;
import dev.ebpf4j.elf.StapsdtNotes;
import dev.ebpf4j.elf.TestElfBuilder;
import dev.ebpf4j.testkit.TestObjects;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static dev.ebpf4j.elf.ElfConstants.*;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Probe sites with their file offsets and semaphores: the test binary and library (offsets checked against
 * readelf's section table), HotSpot's libjvm.so, and made-up images for prelinked files and misplaced probes.
 */
class UsdtProbesTest {
    static final Path TARGET = TestObjects.nativeBinary("usdt_target");
    static final Path LIB = TestObjects.nativeBinary("libusdt_lib");

    /** Where readelf says section {@code name} is: {address, file offset}. */
    static long[] readelfSection(Path file, String name) {
        for (String line : ExternalTools.run("readelf", "-SW", file.toString()).split("\n")) {
            String[] f = line.replace("[ ", "[").trim().split("\\s+");
            if (f.length > 5 && f[1].equals(name)) {
                return new long[] {Long.parseUnsignedLong(f[3], 16), Long.parseUnsignedLong(f[4], 16)};
            }
        }
        throw new AssertionError("no section " + name + " in " + file);
    }

    @Test
    void theTestBinarysProbesSitInItsTextAndItsSemaphoreInProbes() {
        assumeTrue(ExternalTools.onPath("readelf"), "readelf (binutils) is not installed");
        ElfFile elf = ElfFile.read(TARGET);
        List<UsdtProbe> probes = UsdtProbes.of(elf, TARGET);
        assertEquals(12, probes.size());
        long[] text = readelfSection(TARGET, ".text");
        long[] sema = readelfSection(TARGET, ".probes");
        for (UsdtProbe p : probes) {
            assertEquals(TARGET, p.binary());
            assertEquals(UsdtArchitecture.X86_64, p.architecture());
            assertTrue(p.sharedObject(), "Debian's gcc links position-independent executables (ET_DYN)");
            assertEquals(p.note().location(), p.address(), "not prelinked: the note's address as is");
            assertEquals(ElfSymbols.fileOffset(elf, p.address()), p.fileOffset(), p.describe());
            assertEquals(text[1] + (p.address() - text[0]), p.fileOffset(), "readelf: inside .text");
            if (p.name().equals("gated")) {
                assertTrue(p.hasSemaphore());
                assertEquals(sema[0], p.semaphoreAddress(), "the first variable of .probes");
                assertEquals(sema[1], p.semaphoreOffset());
            } else {
                assertFalse(p.hasSemaphore(), p.describe());
                assertEquals(0, p.semaphoreOffset());
            }
        }
        List<UsdtProbe> inlined = UsdtProbes.find(TARGET, "ebpf4j", "inlined");
        assertEquals(2, inlined.size(), "two call sites of the inlined probe");
        assertNotEquals(inlined.get(0).fileOffset(), inlined.get(1).fileOffset());
        assertEquals(inlined.get(0).argumentSpec(), inlined.get(1).argumentSpec());
        UsdtProbe four = UsdtProbes.find(TARGET, "ebpf4j", "four").get(0);
        assertEquals(List.of(UsdtArgument.Kind.REGISTER, UsdtArgument.Kind.REGISTER, UsdtArgument.Kind.CONSTANT,
                UsdtArgument.Kind.CONSTANT), four.arguments().stream().map(UsdtArgument::kind).toList());
        assertEquals(String.format("USDT probe ebpf4j:four at 0x%x (file offset 0x%x) in %s", four.address(),
                four.fileOffset(), TARGET), four.describe());
    }

    @Test
    void theLibrarysSemaphoreFileOffsetDiffersFromItsAddress() {
        assumeTrue(ExternalTools.onPath("readelf"), "readelf (binutils) is not installed");
        UsdtProbe gated = UsdtProbes.find(LIB, "ebpf4j_lib", "gated").get(0);
        long[] sema = readelfSection(LIB, ".probes");
        assertEquals(sema[0], gated.semaphoreAddress());
        assertEquals(sema[1], gated.semaphoreOffset());
        assertNotEquals(gated.semaphoreAddress(), gated.semaphoreOffset(), "the data segment is mapped past its file "
                + "offset (this is what ref_ctr_offset must be)");
        assertTrue(gated.sharedObject());
        UsdtProbe fired = UsdtProbes.find(LIB, "ebpf4j_lib", "fired").get(0);
        assertFalse(fired.hasSemaphore());
        assertEquals(2, fired.arguments().size());
    }

    @Test
    void hotspotsProbesAllResolve() {
        Path libjvm = Path.of(System.getProperty("java.home"), "lib", "server", "libjvm.so");
        List<UsdtProbe> probes = UsdtProbes.read(libjvm);
        assertTrue(probes.size() > 400, "HotSpot has hundreds of probe sites: " + probes.size());
        for (UsdtProbe p : probes) assertFalse(p.arguments().size() > 12, p.describe());
        assertTrue(probes.stream().filter(p -> p.provider().equals("hotspot")).count() > 20);
        assertTrue(probes.stream().filter(p -> p.provider().equals("hotspot_jni")).count() > 300);
        assertEquals(2, UsdtProbes.find(libjvm, "hotspot", "gc__begin").size(), "two gc__begin sites");
        assertTrue(UsdtProbes.find(libjvm, "hotspot", "thread__start").size() >= 1);
    }

    @Test
    void missingProbesAndBinariesAreArgumentErrorsListingWhatExists() {
        BpfArgumentException missing = assertThrows(BpfArgumentException.class,
                () -> UsdtProbes.find(TARGET, "ebpf4j", "nope"));
        assertEquals("USDT probe ebpf4j:nope not found in " + TARGET + "; provider ebpf4j has ebpf4j:four, "
                + "ebpf4j:gated, ebpf4j:inlined, ebpf4j:memory, ebpf4j:one, ebpf4j:six, ebpf4j:stack, ebpf4j:three, "
                + "ebpf4j:twelve, ebpf4j:two, ebpf4j:zero", missing.getMessage());
        BpfArgumentException provider = assertThrows(BpfArgumentException.class,
                () -> UsdtProbes.find(LIB, "other", "fired"));
        assertTrue(provider.getMessage().endsWith("; its probes are ebpf4j_lib:fired, ebpf4j_lib:gated"),
                provider.getMessage());
        Path plain = TestObjects.nativeBinary("uprobe_target");
        BpfArgumentException none = assertThrows(BpfArgumentException.class,
                () -> UsdtProbes.find(plain, "ebpf4j", "zero"));
        assertEquals(plain + " has no USDT probes (no .note.stapsdt notes); it was built without <sys/sdt.h> probes",
                none.getMessage());
        assertTrue(UsdtProbes.read(plain).isEmpty());
        BpfArgumentException absent = assertThrows(BpfArgumentException.class,
                () -> UsdtProbes.read(Path.of("/nonexistent/usdt")));
        assertEquals("USDT binary /nonexistent/usdt does not exist or is not a regular file", absent.getMessage());
        BpfArgumentException object = assertThrows(BpfArgumentException.class,
                () -> UsdtProbes.read(TestObjects.bpf("usdt_probes")));
        assertTrue(object.getMessage().endsWith("is not an executable or shared library (ELF type 1); USDT probes are "
                + "attached in linked binaries"), object.getMessage());
    }

    // ---- made-up images ----------------------------------------------------------------------------------------

    private static final long TEXT = 0x401000;
    private static final long DATA = 0x404000;
    private static final long BASE = 0x402000;

    /** Name and descriptor padded to 8 (TestElfBuilder aligns sections to 8, so notes are read 8-aligned). */
    private static byte[] note(long location, long base, long semaphore, String provider, String name, String args) {
        byte[] strings = (provider + "\0" + name + "\0" + args + "\0").getBytes(StandardCharsets.UTF_8);
        int descSize = 24 + strings.length;
        ByteBuffer b = ByteBuffer.allocate(24 + ((descSize + 7) & ~7)).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(8).putInt(descSize).putInt(3).put("stapsdt\0".getBytes(StandardCharsets.US_ASCII));
        b.position(24);
        b.putLong(location).putLong(base).putLong(semaphore).put(strings);
        return b.array();
    }

    /**
     * An ET_EXEC x86-64 image: .text (0x40 bytes, executable segment at 0x401000), .stapsdt.base (at 0x402000 when
     * {@code withBase}), .probes (writable segment at 0x404000) and the notes.
     */
    private static ElfFile image(boolean withBase, byte[]... notes) {
        TestElfBuilder b = new TestElfBuilder(ByteOrder.LITTLE_ENDIAN).type(ET_EXEC).machine(EM_X86_64);
        int text = b.section(".text", SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, new byte[0x40], 0, 0, 0, TEXT);
        if (withBase) b.section(".stapsdt.base", SHT_PROGBITS, SHF_ALLOC, new byte[1], 0, 0, 0, BASE);
        int probes = b.section(".probes", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, new byte[8], 0, 0, 0, DATA);
        b.section(".note.stapsdt", SHT_NOTE, 0, TestElfBuilder.concat(notes));
        b.segment(PT_LOAD, PF_R | PF_X, text, TEXT, 0);
        b.segment(PT_LOAD, PF_R | PF_W, probes, DATA, 0x10);
        return ElfFile.parse(b.build(), "test image");
    }

    private static long fileOffset(ElfFile elf, String section, long address) {
        ElfSection s = elf.section(section).orElseThrow();
        return s.offset() + (address - s.address());
    }

    @Test
    void prelinkedFilesAreCorrectedByTheBaseSectionsMove() {
        // The notes say .stapsdt.base was at 0x401f00 and the probe at 0x400f10: prelinking moved everything 0x100.
        ElfFile elf = image(true, note(TEXT - 0xf0, BASE - 0x100, DATA - 0x100 + 2, "p", "moved", "8@%rdi"),
                note(TEXT + 0x20, BASE, DATA, "p", "in_place", ""));
        List<UsdtProbe> probes = UsdtProbes.of(elf, Path.of("/made/up"));
        UsdtProbe moved = probes.get(0);
        assertEquals(TEXT + 0x10, moved.address());
        assertEquals(fileOffset(elf, ".text", TEXT + 0x10), moved.fileOffset());
        assertEquals(DATA + 2, moved.semaphoreAddress());
        assertEquals(fileOffset(elf, ".probes", DATA + 2), moved.semaphoreOffset());
        assertFalse(moved.sharedObject());
        UsdtProbe inPlace = probes.get(1);
        assertEquals(TEXT + 0x20, inPlace.address());
        assertEquals(fileOffset(elf, ".probes", DATA), inPlace.semaphoreOffset());
        assertEquals(List.of(), inPlace.arguments());

        // Without .stapsdt.base the recorded base is not used.
        UsdtProbe noBase = UsdtProbes.of(image(false, note(TEXT + 8, 0x1234, 0, "p", "n", "")), Path.of("/made/up"))
                .get(0);
        assertEquals(TEXT + 8, noBase.address());
    }

    @Test
    void probesOutsideCodeAndSemaphoresInCodeAreFormatErrorsNamingTheProbe() {
        byte[] good = note(TEXT, BASE, 0, "p", "good", "");
        ElfFile inData = image(true, good, note(DATA, BASE, 0, "p", "in_data", ""));
        ObjectFormatException e = assertThrows(ObjectFormatException.class,
                () -> UsdtProbes.of(inData, Path.of("/made/up")));
        assertEquals(".note.stapsdt at offset " + good.length + ": USDT probe p:in_data in /made/up: its address "
                + "0x404000 lies in no executable, file-backed PT_LOAD segment", e.getMessage());
        assertEquals(1, UsdtProbes.find(inData, Path.of("/made/up"), "p", "good").size(), "only matches are resolved");

        ElfFile nowhere = image(true, note(0x900000, BASE, 0, "p", "nowhere", ""));
        assertThrows(ObjectFormatException.class, () -> UsdtProbes.of(nowhere, Path.of("/made/up")));

        ElfFile semaInCode = image(true, note(TEXT, BASE, TEXT + 0x30, "p", "sema", ""));
        ObjectFormatException s = assertThrows(ObjectFormatException.class,
                () -> UsdtProbes.of(semaInCode, Path.of("/made/up")));
        assertTrue(s.getMessage().endsWith("its semaphore at 0x401030 lies in no writable (non-executable) PT_LOAD "
                + "segment"), s.getMessage());
        ElfFile semaNowhere = image(true, note(TEXT, BASE, 0x900000, "p", "sema", ""));
        ObjectFormatException s2 = assertThrows(ObjectFormatException.class,
                () -> UsdtProbes.of(semaNowhere, Path.of("/made/up")));
        assertTrue(s2.getMessage().endsWith("its semaphore at 0x900000 lies in no PT_LOAD segment"), s2.getMessage());
        // A semaphore in the zero-filled tail of the data segment still has a file offset (the kernel maps it).
        ElfFile tailImage = image(true, note(TEXT, BASE, DATA + 0xc, "p", "tail", ""));
        UsdtProbe tail = UsdtProbes.of(tailImage, Path.of("/x")).get(0);
        assertEquals(fileOffset(tailImage, ".probes", DATA + 0xc), tail.semaphoreOffset());
    }

    @Test
    void malformedArgumentsAreReportedWithTheProbeWhenAsked() {
        byte[] first = note(TEXT, BASE, 0, "p", "ok", "8@%rdi");
        ElfFile elf = image(true, first, note(TEXT + 4, BASE, 0, "p", "bad", "8@%rdi 4@%nope"),
                note(TEXT + 8, BASE, 0, "p", "sib", "8@-8(%rbp,%rax,8)"));
        List<UsdtProbe> probes = UsdtProbes.of(elf, Path.of("/made/up"));
        assertEquals(3, probes.size(), "listing does not parse arguments");
        ObjectFormatException e = assertThrows(ObjectFormatException.class, () -> probes.get(1).arguments());
        assertEquals(".note.stapsdt at offset " + first.length + ": USDT probe p:bad at 0x401004 (file offset 0x"
                + Long.toHexString(probes.get(1).fileOffset()) + ") in /made/up: malformed USDT argument #1 '4@%nope' "
                + "of '8@%rdi 4@%nope': unknown x86-64 register 'nope'", e.getMessage());
        NotSupportedException n = assertThrows(NotSupportedException.class, () -> probes.get(2).arguments());
        assertTrue(n.getMessage().startsWith("USDT probe p:sib at 0x401008"), n.getMessage());
        assertTrue(n.getMessage().contains("scaled-index addressing"), n.getMessage());

        TestElfBuilder b = new TestElfBuilder(ByteOrder.LITTLE_ENDIAN).type(ET_EXEC).machine(EM_RISCV);
        int text = b.section(".text", SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, new byte[0x40], 0, 0, 0, TEXT);
        b.section(".note.stapsdt", SHT_NOTE, 0, note(TEXT, 0, 0, "p", "riscv", "8@a0"));
        b.segment(PT_LOAD, PF_R | PF_X, text, TEXT, 0);
        UsdtProbe riscv = UsdtProbes.of(ElfFile.parse(b.build(), "riscv"), Path.of("/riscv")).get(0);
        assertNull(riscv.architecture());
        NotSupportedException arch = assertThrows(NotSupportedException.class, riscv::arguments);
        assertTrue(arch.getMessage().contains("the binary is not x86-64 or aarch64"), arch.getMessage());
    }

    @Test
    void notesAreKeptAsRead() {
        ElfFile elf = image(true, note(TEXT, BASE, 0, "p", "n", "-4@%edi"));
        StapsdtNote n = StapsdtNotes.read(elf).get(0);
        assertEquals(n, UsdtProbes.of(elf, Path.of("/x")).get(0).note());
    }
}
