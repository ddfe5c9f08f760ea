package dev.ebpf4j.elf;

import java.lang.foreign.MemorySegment;

/**
 * One entry of a SHT_NOTE section or PT_NOTE segment, such as a {@code stapsdt} USDT probe description
 * ({@code name = "stapsdt", type = 3}) or the GNU build id ({@code name = "GNU", type = 3}).
 *
 * <pre>{@code
 * for (ElfNote n : elf.notes(elf.section(".note.stapsdt").orElseThrow())) {
 *     if (n.name().equals("stapsdt") && n.type() == 3) parseProbe(n.descriptor());
 * }
 * }</pre>
 *
 * @param offset     the note's byte offset within its section or segment
 * @param name       the owner name without its terminating NUL
 * @param type       the note type
 * @param descriptor the descriptor bytes (a read-only slice of the file)
 */
public record ElfNote(long offset, String name, int type, MemorySegment descriptor) {
}
