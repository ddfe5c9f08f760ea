package dev.ebpf4j.elf;

import dev.ebpf4j.ObjectFormatException;
import dev.ebpf4j.testkit.TestObjects;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static dev.ebpf4j.elf.ElfConstants.*;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * USDT notes ({@code .note.stapsdt}) of real binaries — both JDKs' libjvm.so (HotSpot's probes), the native test
 * binary usdt_target and the test library libusdt_lib — against GNU {@code readelf -n}, and malformed notes.
 */
class StapsdtNotesTest {
    @BeforeAll
    static void needsReadelf() {
        assumeTrue(ExternalTools.onPath("readelf"), "readelf (binutils) is not installed; apt-get install binutils");
    }

    /** The libjvm.so of every JDK installed, plus this JVM's and the test binaries. */
    static Stream<Path> probedFiles() throws IOException {
        List<Path> files = new ArrayList<>();
        files.add(Path.of(System.getProperty("java.home"), "lib", "server", "libjvm.so").toRealPath());
        try (Stream<Path> jdks = Files.list(Path.of("/usr/lib/jvm"))) {
            for (Path jdk : jdks.sorted().toList()) {
                Path lib = jdk.resolve("lib/server/libjvm.so");
                if (Files.isRegularFile(lib) && !files.contains(lib.toRealPath())) files.add(lib.toRealPath());
            }
        }
        files.add(TestObjects.nativeBinary("usdt_target"));
        files.add(TestObjects.nativeBinary("libusdt_lib"));
        return files.stream();
    }

    private static final Pattern LOCATION = Pattern.compile("\\s*Location: 0x([0-9a-f]+), Base: 0x([0-9a-f]+), "
            + "Semaphore: 0x([0-9a-f]+)");

    /** The stapsdt notes {@code readelf -nW} prints, in order. */
    static List<StapsdtNote> readelf(Path file) {
        List<StapsdtNote> out = new ArrayList<>();
        String provider = null;
        String name = null;
        long[] addresses = null;
        for (String line : ExternalTools.run("readelf", "-nW", file.toString()).split("\n")) {
            String t = line.strip();
            if (t.contains("Provider: ")) provider = t.substring(t.indexOf("Provider: ") + 10).strip();
            else if (t.startsWith("Name: ")) name = t.substring(6);
            else if (t.startsWith("Location: ")) {
                Matcher m = LOCATION.matcher(line);
                assertTrue(m.matches(), line);
                addresses = new long[] {Long.parseUnsignedLong(m.group(1), 16), Long.parseUnsignedLong(m.group(2), 16),
                        Long.parseUnsignedLong(m.group(3), 16)};
            } else if (t.startsWith("Arguments:")) {
                out.add(new StapsdtNote(-1, addresses[0], addresses[1], addresses[2], provider, name,
                        t.substring("Arguments:".length()).strip()));
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("probedFiles")
    void notesMatchReadelf(Path file) {
        ElfFile elf = ElfFile.read(file);
        List<StapsdtNote> ours = StapsdtNotes.read(elf);
        List<StapsdtNote> expected = readelf(file);
        assertFalse(expected.isEmpty(), file + " has USDT notes");
        assertEquals(expected.size(), ours.size(), file + ": note count");
        long previous = -1;
        for (int i = 0; i < ours.size(); i++) {
            StapsdtNote o = ours.get(i);
            StapsdtNote e = expected.get(i);
            String what = file + " note " + i + " " + e.probeName();
            assertEquals(e.provider(), o.provider(), what);
            assertEquals(e.name(), o.name(), what);
            assertEquals(e.location(), o.location(), what);
            assertEquals(e.base(), o.base(), what);
            assertEquals(e.semaphore(), o.semaphore(), what);
            assertEquals(e.arguments(), o.arguments(), what);
            assertTrue(o.noteOffset() > previous, what + ": notes in section order");
            previous = o.noteOffset();
        }
        OptionalLong base = StapsdtNotes.baseSectionAddress(elf);
        assertTrue(base.isPresent(), file + " has .stapsdt.base");
        assertEquals(elf.section(".stapsdt.base").orElseThrow().address(), base.getAsLong());
    }

    @Test
    void theTestBinaryDeclaresItsProbesWithTheirSemaphore() {
        List<StapsdtNote> notes = StapsdtNotes.read(ElfFile.read(TestObjects.nativeBinary("usdt_target")));
        List<String> names = notes.stream().map(StapsdtNote::probeName).sorted().toList();
        assertEquals(List.of("ebpf4j:four", "ebpf4j:gated", "ebpf4j:inlined", "ebpf4j:inlined", "ebpf4j:memory",
                "ebpf4j:one", "ebpf4j:six", "ebpf4j:stack", "ebpf4j:three", "ebpf4j:twelve", "ebpf4j:two",
                "ebpf4j:zero"), names);
        for (StapsdtNote n : notes) {
            assertEquals(n.name().equals("gated"), n.hasSemaphore(), n.probeName());
        }
        assertEquals("", notes.stream().filter(n -> n.name().equals("zero")).findFirst().orElseThrow().arguments());
    }

    @Test
    void binariesWithoutTheSectionHaveNoProbes() {
        ElfFile target = ElfFile.read(TestObjects.nativeBinary("uprobe_target"));
        assertTrue(target.section(StapsdtNotes.SECTION).isEmpty());
        assertEquals(List.of(), StapsdtNotes.read(target));
        assertTrue(StapsdtNotes.baseSectionAddress(target).isEmpty());
    }

    // ---- malformed notes ---------------------------------------------------------------------------------------

    /** A descriptor: three little-endian addresses, then the raw string bytes. */
    private static ElfNote note(long offset, byte[] strings) {
        ByteBuffer b = ByteBuffer.allocate(24 + strings.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(0x1129).putLong(0x2004).putLong(0x4010).put(strings);
        return new ElfNote(offset, "stapsdt", 3, MemorySegment.ofArray(b.array()));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static ObjectFormatException malformed(ElfNote n, String fragment) {
        ObjectFormatException e = assertThrows(ObjectFormatException.class,
                () -> StapsdtNotes.parse(n, ByteOrder.LITTLE_ENDIAN, "bin"));
        assertTrue(e.getMessage().startsWith(".note.stapsdt at offset " + n.offset() + ": malformed stapsdt note: "),
                e.getMessage());
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
        assertTrue(e.getMessage().endsWith("[bin]"), e.getMessage());
        assertEquals(".note.stapsdt", e.section());
        assertEquals(n.offset(), e.offset());
        return e;
    }

    @Test
    void aWellFormedDescriptorParses() {
        StapsdtNote n = StapsdtNotes.parse(note(40, bytes("prov\0name\0-4@%edi 8@$1 \0")), ByteOrder.LITTLE_ENDIAN,
                "bin");
        assertEquals(new StapsdtNote(40, 0x1129, 0x2004, 0x4010, "prov", "name", "-4@%edi 8@$1"), n);
        assertEquals("prov:name", n.probeName());
        assertTrue(n.hasSemaphore());
    }

    @Test
    void malformedDescriptorsAreFormatErrorsNamingTheNote() {
        ElfNote tooShort = new ElfNote(8, "stapsdt", 3, MemorySegment.ofArray(new byte[20]));
        malformed(tooShort, "descriptor is 20 bytes, too short for the probe, base and semaphore addresses");
        malformed(note(12, bytes("prov")), "provider string is not NUL-terminated");
        malformed(note(12, new byte[0]), "provider string is missing");
        malformed(note(16, bytes("prov\0name")), "name string is not NUL-terminated");
        malformed(note(16, bytes("prov\0name\0")), "argument specification string is missing");
        malformed(note(20, bytes("prov\0\0\0")), "the probe has an empty name");
        malformed(note(20, bytes("\0name\0\0")), "the probe has an empty provider");
        malformed(note(24, new byte[] {'p', (byte) 0xff, 0, 'n', 0, 0}), "provider is not valid UTF-8");
    }

    /** An executable image with a .note.stapsdt section holding {@code notes} (already encoded). */
    private static byte[] imageWithNotes(int sectionType, byte[]... notes) {
        TestElfBuilder b = new TestElfBuilder(ByteOrder.LITTLE_ENDIAN).type(ET_EXEC).machine(EM_X86_64);
        b.section(".note.stapsdt", sectionType, 0, TestElfBuilder.concat(notes));
        return b.build();
    }

    /**
     * One encoded note entry, name and descriptor padded to 8 bytes: TestElfBuilder aligns sections to 8, and notes
     * in 8-aligned sections are read with 8-byte padding.
     */
    static byte[] encodedNote(String owner, int type, byte[] descriptor) {
        byte[] name = (owner + "\0").getBytes(StandardCharsets.UTF_8);
        int descAt = (12 + name.length + 7) & ~7;
        int end = (descAt + descriptor.length + 7) & ~7;
        ByteBuffer b = ByteBuffer.allocate(end).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(name.length).putInt(descriptor.length).putInt(type).put(name);
        b.position(descAt);
        b.put(descriptor);
        return b.array();
    }

    static byte[] descriptor(long location, long base, long semaphore, String strings) {
        byte[] s = strings.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(24 + s.length).order(ByteOrder.LITTLE_ENDIAN).putLong(location).putLong(base)
                .putLong(semaphore).put(s).array();
    }

    @Test
    void notesOfOtherOwnersOrTypesInTheSectionAreSkipped() {
        byte[] probe = encodedNote("stapsdt", 3, descriptor(0x401000, 0, 0, "p\0n\0\0"));
        byte[] otherOwner = encodedNote("GNU", 3, new byte[] {1, 2, 3, 4});
        byte[] otherType = encodedNote("stapsdt", 2, descriptor(0x401000, 0, 0, "p\0old\0\0"));
        ElfFile elf = ElfFile.parse(imageWithNotes(SHT_NOTE, otherOwner, probe, otherType), "test image");
        List<StapsdtNote> notes = StapsdtNotes.read(elf);
        assertEquals(1, notes.size());
        assertEquals("p:n", notes.get(0).probeName());
        assertEquals(otherOwner.length, notes.get(0).noteOffset());
    }

    @Test
    void aBrokenNoteInAFileIsAFormatErrorNamingTheFile() {
        byte[] good = encodedNote("stapsdt", 3, descriptor(0x401000, 0, 0, "p\0n\0\0"));
        byte[] bad = encodedNote("stapsdt", 3, descriptor(0x401000, 0, 0, "p\0n"));
        ElfFile elf = ElfFile.parse(imageWithNotes(SHT_NOTE, good, bad), "test image");
        ObjectFormatException e = assertThrows(ObjectFormatException.class, () -> StapsdtNotes.read(elf));
        assertEquals(good.length, e.offset());
        assertTrue(e.getMessage().contains("name string is not NUL-terminated"), e.getMessage());
        assertTrue(e.getMessage().endsWith("[test image]"), e.getMessage());

        ElfFile notNotes = ElfFile.parse(imageWithNotes(SHT_PROGBITS, good), "test image");
        ObjectFormatException type = assertThrows(ObjectFormatException.class, () -> StapsdtNotes.read(notNotes));
        assertTrue(type.getMessage().startsWith(".note.stapsdt: section is of type 1, not SHT_NOTE (7)"),
                type.getMessage());
    }
}
