package dev.ebpf4j.elf;

/**
 * Where a symbol of a user-space ELF file (executable or shared library) lives: its address and the file offset a
 * uprobe needs ({@code perf_event_open}'s {@code probe_offset} / {@code uprobe_multi} offsets).
 *
 * <pre>{@code
 * SymbolLocation loc = ElfSymbols.locate(Path.of("/lib/x86_64-linux-gnu/libc.so.6"), "malloc");
 * long offset = loc.fileOffset();         // attach a uprobe here
 * System.out.println(loc);                // malloc@@GLIBC_2.2.5 at 0x... (file offset 0x...) in .dynsym
 * }</pre>
 *
 * @param name       the symbol's name without version ({@code malloc})
 * @param version    its version ({@code GLIBC_2.2.5}) or null
 * @param address    st_value: the virtual address (or section offset in relocatable files)
 * @param size       st_size
 * @param fileOffset the offset in the file of the symbol's first byte
 * @param type       the symbol type ({@link ElfConstants#STT_FUNC}, {@link ElfConstants#STT_GNU_IFUNC}, ...)
 * @param binding    the symbol binding ({@link ElfConstants#STB_GLOBAL}, ...)
 * @param table      the table it was found in: {@code ".symtab"} or {@code ".dynsym"} (section name)
 */
public record SymbolLocation(String name, String version, long address, long size, long fileOffset, int type,
                             int binding, String table) {

    /** {@code name@VERSION} or the bare name. */
    public String qualifiedName() {
        return version == null ? name : name + "@" + version;
    }

    @Override
    public String toString() {
        return String.format("%s at 0x%x (file offset 0x%x, size %d) in %s", qualifiedName(), address, fileOffset,
                size, table);
    }
}
