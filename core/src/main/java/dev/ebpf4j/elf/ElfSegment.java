package dev.ebpf4j.elf;

import static dev.ebpf4j.elf.ElfConstants.*;

/**
 * One program header (segment). File ranges have been checked against the file when the {@link ElfFile} was parsed.
 *
 * <pre>{@code
 * for (ElfSegment seg : elf.segments()) {
 *     if (seg.type() == ElfConstants.PT_LOAD && seg.containsAddress(symbolValue)) {
 *         long fileOffset = seg.fileOffsetOf(symbolValue);
 *     }
 * }
 * }</pre>
 *
 * @param index          the header's index in the program header table
 * @param type           p_type ({@link ElfConstants#PT_LOAD}, ...)
 * @param flags          p_flags ({@link ElfConstants#PF_X} | ...)
 * @param offset         p_offset
 * @param virtualAddress p_vaddr
 * @param physicalAddress p_paddr
 * @param fileSize       p_filesz
 * @param memorySize     p_memsz
 * @param alignment      p_align
 */
public record ElfSegment(int index, int type, int flags, long offset, long virtualAddress, long physicalAddress,
                         long fileSize, long memorySize, long alignment) {

    /** True for PT_LOAD segments. */
    public boolean isLoadable() {
        return type == PT_LOAD;
    }

    /** True when the segment is mapped executable (PF_X). */
    public boolean isExecutable() {
        return (flags & PF_X) != 0;
    }

    /** True when {@code address} lies in the part of the segment that the file backs ({@code [vaddr, vaddr+filesz)}). */
    public boolean containsAddress(long address) {
        return Long.compareUnsigned(address, virtualAddress) >= 0
                && Long.compareUnsigned(address - virtualAddress, fileSize) < 0;
    }

    /** The file offset of {@code address}, which must satisfy {@link #containsAddress(long)}. */
    public long fileOffsetOf(long address) {
        if (!containsAddress(address)) {
            throw new IllegalArgumentException(String.format("address 0x%x is outside segment %d [0x%x, 0x%x)",
                    address, index, virtualAddress, virtualAddress + fileSize));
        }
        return address - virtualAddress + offset;
    }
}
