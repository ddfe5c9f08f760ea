package dev.ebpf4j.elf;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Reads note entries (package-private): {@code namesz, descsz, type}, then the name and the descriptor, each padded
 * to the note alignment (4, or 8 for sections aligned to 8 such as {@code .note.gnu.property}).
 */
final class NoteReader {
    private NoteReader() {
    }

    static List<ElfNote> read(MemorySegment data, ByteOrder order, int alignment, String where, String fileName) {
        ElfBytes d = new ElfBytes(data, order, fileName);
        List<ElfNote> out = new ArrayList<>();
        long at = 0;
        long size = data.byteSize();
        while (at < size) {
            long nameSize = d.u32(at, where);
            long descSize = d.u32(at + 4, where);
            int type = d.s32(at + 8, where);
            long nameAt = at + 12;
            long descAt = align(nameAt + nameSize, alignment);
            if (!d.contains(nameAt, nameSize) || !d.contains(descAt, descSize)) {
                throw d.error(where, at, "note with name size " + nameSize + " and descriptor size " + descSize
                        + " runs past the end (" + size + " bytes)");
            }
            byte[] name = data.asSlice(nameAt, nameSize).toArray(ValueLayout.JAVA_BYTE);
            int length = name.length;
            while (length > 0 && name[length - 1] == 0) length--;
            out.add(new ElfNote(at, new String(name, 0, length, StandardCharsets.UTF_8), type,
                    data.asSlice(descAt, descSize)));
            at = align(descAt + descSize, alignment);
        }
        return Collections.unmodifiableList(out);
    }

    private static long align(long value, int alignment) {
        return (value + alignment - 1) & -alignment;
    }
}
