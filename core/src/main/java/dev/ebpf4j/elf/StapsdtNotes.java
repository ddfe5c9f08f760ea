package dev.ebpf4j.elf;

import dev.ebpf4j.ObjectFormatException;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalLong;

/**
 * Reads the SystemTap SDT (USDT) probe notes of an ELF64 executable or shared library: every note of owner
 * {@code stapsdt} and type 3 in section {@code .note.stapsdt}. The descriptor holds three addresses (probe site,
 * {@code .stapsdt.base} at link time, semaphore), then three NUL-terminated strings (provider, name, argument
 * specification). Notes of other owners or types in the section are skipped, as readers of the format do.
 *
 * <p>A descriptor that is too short for its three addresses, or whose strings are missing, unterminated or not
 * UTF-8, raises {@link ObjectFormatException} naming the section and the note's offset. A file without the section
 * has no probes (an empty list).
 *
 * <pre>{@code
 * ElfFile elf = ElfFile.read(Path.of("target/test-bpf/native/usdt_target"));
 * List<StapsdtNote> notes = StapsdtNotes.read(elf);
 * OptionalLong base = StapsdtNotes.baseSectionAddress(elf);   // .stapsdt.base, for prelink adjustment
 * }</pre>
 */
public final class StapsdtNotes {
    /** The section holding the notes. */
    public static final String SECTION = ".note.stapsdt";
    /** The section whose address the notes record as their base. */
    public static final String BASE_SECTION = ".stapsdt.base";
    /** The note owner. */
    public static final String OWNER = "stapsdt";
    /** The note type of SDT probe descriptions (version 3 of the format, with 64-bit addresses here). */
    public static final int TYPE = 3;

    private static final int ADDRESS_SIZE = 8;

    private StapsdtNotes() {
    }

    /** The probe notes of {@code elf}, in section order; empty when it has no {@code .note.stapsdt} section. */
    public static List<StapsdtNote> read(ElfFile elf) {
        ElfSection section = elf.section(SECTION).orElse(null);
        if (section == null) return List.of();
        if (section.type() != ElfConstants.SHT_NOTE) {
            throw new ObjectFormatException(SECTION, -1, "section is of type " + section.type() + ", not SHT_NOTE ("
                    + ElfConstants.SHT_NOTE + ") [" + elf.name() + "]");
        }
        List<StapsdtNote> out = new ArrayList<>();
        for (ElfNote n : elf.notes(section)) {
            if (!n.name().equals(OWNER) || n.type() != TYPE) continue;
            out.add(parse(n, elf.byteOrder(), elf.name()));
        }
        return Collections.unmodifiableList(out);
    }

    /** The address of {@code .stapsdt.base}, when the file has that section. */
    public static OptionalLong baseSectionAddress(ElfFile elf) {
        return elf.section(BASE_SECTION).map(s -> OptionalLong.of(s.address())).orElse(OptionalLong.empty());
    }

    /**
     * Parses one {@code stapsdt} note's descriptor; {@code fileName} names the file in errors.
     *
     * @throws ObjectFormatException when the descriptor is malformed
     */
    public static StapsdtNote parse(ElfNote note, ByteOrder order, String fileName) {
        MemorySegment d = note.descriptor();
        long size = d.byteSize();
        if (size < 3 * ADDRESS_SIZE) {
            throw error(note, fileName, "descriptor is " + size + " bytes, too short for the probe, base and semaphore"
                    + " addresses (24 bytes)");
        }
        ValueLayout.OfLong u64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(order);
        long location = d.get(u64, 0);
        long base = d.get(u64, ADDRESS_SIZE);
        long semaphore = d.get(u64, 2 * ADDRESS_SIZE);
        long at = 3 * ADDRESS_SIZE;
        String[] strings = new String[3];
        String[] what = {"provider", "name", "argument specification"};
        for (int i = 0; i < 3; i++) {
            long end = at;
            while (end < size && d.get(ValueLayout.JAVA_BYTE, end) != 0) end++;
            if (end >= size) {
                throw error(note, fileName, "the probe's " + what[i] + " string "
                        + (at >= size ? "is missing" : "is not NUL-terminated") + " (descriptor of " + size + " bytes)");
            }
            byte[] bytes = d.asSlice(at, end - at).toArray(ValueLayout.JAVA_BYTE);
            strings[i] = decode(bytes, note, fileName, what[i]);
            at = end + 1;
        }
        if (strings[0].isEmpty() || strings[1].isEmpty()) {
            throw error(note, fileName, "the probe has an empty " + (strings[0].isEmpty() ? "provider" : "name"));
        }
        return new StapsdtNote(note.offset(), location, base, semaphore, strings[0], strings[1], strings[2].strip());
    }

    private static String decode(byte[] bytes, ElfNote note, String fileName, String what) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw error(note, fileName, "the probe's " + what + " is not valid UTF-8");
        }
    }

    private static ObjectFormatException error(ElfNote note, String fileName, String problem) {
        return new ObjectFormatException(SECTION, note.offset(), "malformed stapsdt note: " + problem + " ["
                + fileName + "]");
    }
}
