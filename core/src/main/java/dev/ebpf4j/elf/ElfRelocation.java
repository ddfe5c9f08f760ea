package dev.ebpf4j.elf;

/**
 * One entry of a SHT_REL or SHT_RELA section. For BPF objects: {@code offset} is the byte offset of the patched
 * instruction in the section named by the relocation section's sh_info, {@code symbolIndex} selects the symbol in the
 * table named by sh_link, and {@code type} is R_BPF_64_64 (1, lddw), R_BPF_64_ABS64 (2), R_BPF_64_ABS32 (3),
 * R_BPF_64_NODYLD32 (4) or R_BPF_64_32 (10, call).
 *
 * <pre>{@code
 * for (ElfRelocation r : elf.relocations(elf.section(".relxdp").orElseThrow())) {
 *     ElfSymbol target = elf.symbols().get(r.symbolIndex());
 * }
 * }</pre>
 *
 * @param index       the entry's index in its section
 * @param offset      r_offset
 * @param type        the relocation type (low 32 bits of r_info)
 * @param symbolIndex the symbol index (high 32 bits of r_info)
 * @param addend      r_addend for RELA entries, 0 for REL
 * @param hasAddend   true for RELA entries
 */
public record ElfRelocation(int index, long offset, int type, int symbolIndex, long addend, boolean hasAddend) {
}
