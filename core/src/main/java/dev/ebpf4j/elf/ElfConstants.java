package dev.ebpf4j.elf;

/**
 * The ELF64 numbers ebpf4j reads (System V gABI and the GNU extensions): file types, machines, section types and
 * flags, special section indices, symbol types and bindings, segment types.
 *
 * <pre>{@code
 * if (section.type() == ElfConstants.SHT_PROGBITS && section.isExecutable()) { ... }
 * if (elf.header().machine() != ElfConstants.EM_BPF) throw ...;
 * }</pre>
 */
public final class ElfConstants {
    private ElfConstants() {
    }

    // e_type
    public static final int ET_NONE = 0;
    public static final int ET_REL = 1;
    public static final int ET_EXEC = 2;
    public static final int ET_DYN = 3;
    public static final int ET_CORE = 4;

    // e_machine (the ones ebpf4j meets)
    public static final int EM_386 = 3;
    public static final int EM_PPC64 = 21;
    public static final int EM_S390 = 22;
    public static final int EM_ARM = 40;
    public static final int EM_X86_64 = 62;
    public static final int EM_AARCH64 = 183;
    public static final int EM_RISCV = 243;
    public static final int EM_BPF = 247;
    public static final int EM_LOONGARCH = 258;

    // sh_type
    public static final int SHT_NULL = 0;
    public static final int SHT_PROGBITS = 1;
    public static final int SHT_SYMTAB = 2;
    public static final int SHT_STRTAB = 3;
    public static final int SHT_RELA = 4;
    public static final int SHT_HASH = 5;
    public static final int SHT_DYNAMIC = 6;
    public static final int SHT_NOTE = 7;
    public static final int SHT_NOBITS = 8;
    public static final int SHT_REL = 9;
    public static final int SHT_DYNSYM = 11;
    public static final int SHT_INIT_ARRAY = 14;
    public static final int SHT_FINI_ARRAY = 15;
    public static final int SHT_GROUP = 17;
    public static final int SHT_SYMTAB_SHNDX = 18;
    public static final int SHT_LLVM_ADDRSIG = 0x6fff4c03;
    public static final int SHT_GNU_HASH = 0x6ffffff6;
    public static final int SHT_GNU_VERDEF = 0x6ffffffd;
    public static final int SHT_GNU_VERNEED = 0x6ffffffe;
    public static final int SHT_GNU_VERSYM = 0x6fffffff;

    // sh_flags
    public static final long SHF_WRITE = 0x1;
    public static final long SHF_ALLOC = 0x2;
    public static final long SHF_EXECINSTR = 0x4;
    public static final long SHF_MERGE = 0x10;
    public static final long SHF_STRINGS = 0x20;
    public static final long SHF_INFO_LINK = 0x40;
    public static final long SHF_TLS = 0x400;
    public static final long SHF_COMPRESSED = 0x800;

    // special section indices
    public static final int SHN_UNDEF = 0;
    public static final int SHN_LORESERVE = 0xff00;
    public static final int SHN_ABS = 0xfff1;
    public static final int SHN_COMMON = 0xfff2;
    public static final int SHN_XINDEX = 0xffff;

    /** e_phnum value meaning "the real count is in section 0's sh_info". */
    public static final int PN_XNUM = 0xffff;

    // symbol binding (st_info >> 4)
    public static final int STB_LOCAL = 0;
    public static final int STB_GLOBAL = 1;
    public static final int STB_WEAK = 2;
    public static final int STB_GNU_UNIQUE = 10;

    // symbol type (st_info & 0xf)
    public static final int STT_NOTYPE = 0;
    public static final int STT_OBJECT = 1;
    public static final int STT_FUNC = 2;
    public static final int STT_SECTION = 3;
    public static final int STT_FILE = 4;
    public static final int STT_COMMON = 5;
    public static final int STT_TLS = 6;
    public static final int STT_GNU_IFUNC = 10;

    // symbol visibility (st_other & 3)
    public static final int STV_DEFAULT = 0;
    public static final int STV_INTERNAL = 1;
    public static final int STV_HIDDEN = 2;
    public static final int STV_PROTECTED = 3;

    // p_type
    public static final int PT_NULL = 0;
    public static final int PT_LOAD = 1;
    public static final int PT_DYNAMIC = 2;
    public static final int PT_INTERP = 3;
    public static final int PT_NOTE = 4;
    public static final int PT_PHDR = 6;
    public static final int PT_TLS = 7;
    public static final int PT_GNU_EH_FRAME = 0x6474e550;
    public static final int PT_GNU_STACK = 0x6474e551;
    public static final int PT_GNU_RELRO = 0x6474e552;
    public static final int PT_GNU_PROPERTY = 0x6474e553;

    // p_flags
    public static final int PF_X = 0x1;
    public static final int PF_W = 0x2;
    public static final int PF_R = 0x4;

    // GNU symbol versioning (.gnu.version entries)
    /** The symbol is local (not visible outside the object). */
    public static final int VER_NDX_LOCAL = 0;
    /** The symbol is global and unversioned. */
    public static final int VER_NDX_GLOBAL = 1;
    /** Bit set in a .gnu.version entry when the version is hidden (a non-default {@code name@VERSION}). */
    public static final int VERSYM_HIDDEN = 0x8000;
}
