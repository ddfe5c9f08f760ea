package dev.ebpf4j.elf;

import java.nio.ByteOrder;

/**
 * The ELF64 file header, with the extended section and program header counts and string table index already
 * resolved (values that overflow the 16-bit header fields live in section 0; the counts here are the real ones).
 *
 * <pre>{@code
 * ElfHeader h = ElfFile.read(Path.of("prog.bpf.o")).header();
 * boolean bpf = h.machine() == ElfConstants.EM_BPF;   // EM_BPF = 247
 * ByteOrder order = h.byteOrder();
 * }</pre>
 *
 * @param byteOrder          the data encoding (EI_DATA)
 * @param osAbi              EI_OSABI
 * @param abiVersion         EI_ABIVERSION
 * @param type               e_type: {@link ElfConstants#ET_REL}, {@code ET_EXEC}, {@code ET_DYN}, ...
 * @param machine            e_machine, e.g. {@link ElfConstants#EM_BPF}
 * @param version            e_version (1)
 * @param entry              e_entry
 * @param programHeaderOffset e_phoff
 * @param sectionHeaderOffset e_shoff
 * @param flags              e_flags
 * @param headerSize         e_ehsize
 * @param programHeaderEntrySize e_phentsize
 * @param programHeaderCount the number of program headers (e_phnum, or section 0's sh_info when e_phnum is PN_XNUM)
 * @param sectionHeaderEntrySize e_shentsize
 * @param sectionHeaderCount the number of section headers (e_shnum, or section 0's sh_size when e_shnum is 0)
 * @param sectionNameTableIndex the section holding section names (e_shstrndx, or section 0's sh_link when SHN_XINDEX)
 */
public record ElfHeader(
        ByteOrder byteOrder,
        int osAbi,
        int abiVersion,
        int type,
        int machine,
        int version,
        long entry,
        long programHeaderOffset,
        long sectionHeaderOffset,
        int flags,
        int headerSize,
        int programHeaderEntrySize,
        int programHeaderCount,
        int sectionHeaderEntrySize,
        int sectionHeaderCount,
        int sectionNameTableIndex) {
}
