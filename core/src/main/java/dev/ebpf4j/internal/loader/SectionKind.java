package dev.ebpf4j.internal.loader;

/**
 * What an ELF section of a BPF object is for, as the object loader sees it.
 *
 * <pre>{@code
 * SectionKind k = SectionKind.of(section);   // PROGRAM for "xdp", DATA for ".data.custom", ...
 * }</pre>
 */
public enum SectionKind {
    /** Executable code: programs and subprograms ({@code .text}, {@code xdp}, {@code tracepoint/...}). */
    CODE,
    /** {@code .data}, {@code .data.*}: writable global data. */
    DATA,
    /** {@code .rodata}, {@code .rodata.*}: read-only global data (frozen after load). */
    RODATA,
    /** {@code .bss}, {@code .bss.*}: zero-initialised global data. */
    BSS,
    /** {@code .maps}: BTF-defined map definitions. */
    BTF_MAPS,
    /** {@code maps}: legacy {@code struct bpf_map_def} map definitions. */
    LEGACY_MAPS,
    /** {@code license}. */
    LICENSE,
    /** {@code version}. */
    VERSION,
    /** {@code .struct_ops} / {@code .struct_ops.link} (and {@code ?}-prefixed): struct_ops maps. */
    STRUCT_OPS,
    /** {@code .addr_space.1}: {@code __arena} global variables, placed in the object's arena map at load. */
    ARENA,
    /** Everything else (debug info, BTF, relocations, symbol and string tables). */
    OTHER;

    /** True for the sections that become global data maps. */
    public boolean isGlobalData() {
        return this == DATA || this == RODATA || this == BSS;
    }

    /** Classifies a section by its name and flags. */
    public static SectionKind of(dev.ebpf4j.elf.ElfSection s) {
        String n = s.name();
        if (s.isExecutable() && s.type() == dev.ebpf4j.elf.ElfConstants.SHT_PROGBITS) return CODE;
        if (n.equals(".maps")) return BTF_MAPS;
        if (n.equals("maps")) return LEGACY_MAPS;
        if (n.equals("license")) return LICENSE;
        if (n.equals("version")) return VERSION;
        if (n.equals(".struct_ops") || n.equals(".struct_ops.link") || n.equals("?.struct_ops")
                || n.equals("?.struct_ops.link")) {
            return STRUCT_OPS;
        }
        if (n.startsWith(".addr_space.")) return ARENA;
        if (!s.isAllocated()) return OTHER;
        if (named(n, ".data") && s.type() == dev.ebpf4j.elf.ElfConstants.SHT_PROGBITS) return DATA;
        if (named(n, ".rodata") && s.type() == dev.ebpf4j.elf.ElfConstants.SHT_PROGBITS) return RODATA;
        if (named(n, ".bss") && s.type() == dev.ebpf4j.elf.ElfConstants.SHT_NOBITS) return BSS;
        return OTHER;
    }

    private static boolean named(String name, String base) {
        return name.equals(base) || name.startsWith(base + ".");
    }
}
