package dev.ebpf4j.elf;

import static dev.ebpf4j.elf.ElfConstants.*;

/**
 * One section header. Offsets and sizes have been checked against the file when the {@link ElfFile} was parsed:
 * every section except {@link ElfConstants#SHT_NOBITS} ones lies wholly inside the file. Read the contents with
 * {@link ElfFile#data(ElfSection)}.
 *
 * <pre>{@code
 * for (ElfSection s : elf.sections()) {
 *     if (s.isExecutable()) System.out.println(s.name() + ": " + s.size() / 8 + " instruction slots");
 * }
 * }</pre>
 *
 * @param index     the section's index in the header table
 * @param name      the name from the section name string table ("" when the file has none)
 * @param type      sh_type ({@link ElfConstants#SHT_PROGBITS}, ...)
 * @param flags     sh_flags ({@link ElfConstants#SHF_ALLOC}, ...)
 * @param address   sh_addr
 * @param offset    sh_offset, the file offset of the contents
 * @param size      sh_size
 * @param link      sh_link
 * @param info      sh_info
 * @param alignment sh_addralign
 * @param entrySize sh_entsize
 */
public record ElfSection(int index, String name, int type, long flags, long address, long offset, long size, int link,
                         int info, long alignment, long entrySize) {

    /** True when the section occupies bytes in the file (everything but SHT_NOBITS and SHT_NULL). */
    public boolean hasFileData() {
        return type != SHT_NOBITS && type != SHT_NULL;
    }

    /** SHF_EXECINSTR: holds code. */
    public boolean isExecutable() {
        return (flags & SHF_EXECINSTR) != 0;
    }

    /** SHF_ALLOC: occupies memory when the object is loaded. */
    public boolean isAllocated() {
        return (flags & SHF_ALLOC) != 0;
    }

    /** SHF_WRITE: writable at run time. */
    public boolean isWritable() {
        return (flags & SHF_WRITE) != 0;
    }

    /** A short description for error messages: {@code section 3 'xdp'}. */
    public String describe() {
        return "section " + index + " '" + name + "'";
    }
}
