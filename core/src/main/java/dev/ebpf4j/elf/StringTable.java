package dev.ebpf4j.elf;

import dev.ebpf4j.ObjectFormatException;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * A SHT_STRTAB section: NUL-terminated names addressed by byte offset (package-private). A name that starts outside
 * the table or runs to its end without a NUL is an {@link ObjectFormatException} naming the table and the offset.
 */
final class StringTable {
    private final byte[] bytes;
    private final String sectionName;
    private final ElfBytes file;

    StringTable(ElfSection section, MemorySegment data, ElfBytes file) {
        this.bytes = data.toArray(ValueLayout.JAVA_BYTE);
        this.sectionName = section.name().isEmpty() ? "section " + section.index() : section.name();
        this.file = file;
    }

    /** The name at {@code offset}; {@code user} says who asked (for the error message). */
    String get(long offset, String user) {
        if (offset < 0 || offset >= bytes.length) {
            if (offset == 0 && bytes.length == 0) return "";
            throw file.error(sectionName, offset, user + " names string offset " + Long.toUnsignedString(offset)
                    + " but the string table has only " + bytes.length + " bytes");
        }
        int start = (int) offset;
        int end = start;
        while (end < bytes.length && bytes[end] != 0) end++;
        if (end == bytes.length) {
            throw file.error(sectionName, offset, user + " names a string that is not NUL-terminated before the end"
                    + " of the string table");
        }
        return new String(bytes, start, end - start, StandardCharsets.UTF_8);
    }

    int size() {
        return bytes.length;
    }
}
