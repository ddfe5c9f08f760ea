package dev.ebpf4j.elf;

import dev.ebpf4j.BpfException;
import dev.ebpf4j.ObjectFormatException;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import static dev.ebpf4j.elf.ElfConstants.*;

/**
 * A bounds-checked reader of 64-bit ELF files of either byte order: the header, section headers and contents,
 * string tables, symbol tables ({@code .symtab}, {@code .dynsym} with GNU symbol versions), relocation sections
 * (REL and RELA), notes and program headers.
 *
 * <p>The whole file is read into memory once; every offset and size in it is checked before use. Malformed input —
 * truncated, bit-flipped, with absurd counts or sizes, out-of-range or overlapping section contents, a missing or
 * unterminated string table — raises {@link ObjectFormatException} naming the structure (section) and offset, never
 * an {@link IndexOutOfBoundsException}, an out-of-memory error or a hang. The header tables are checked when the file
 * is parsed; symbol, relocation and note sections when they are first read. Instances are immutable and thread-safe.
 *
 * <pre>{@code
 * ElfFile elf = ElfFile.read(Path.of("target/test-bpf/maps.bpf.o"));
 * for (ElfSection s : elf.sections()) {
 *     if (s.isExecutable() && s.size() > 0) {
 *         List<Instruction> code = InstructionDecoder.decode(elf.data(s), elf.byteOrder(), s.name());
 *     }
 * }
 * ElfSymbol main = elf.symbols().stream().filter(s -> s.name().equals("main")).findFirst().orElseThrow();
 * }</pre>
 */
public final class ElfFile {
    /** Largest file {@link #read(Path)} accepts. */
    public static final long MAX_FILE_SIZE = 4L << 30;

    private static final int IDENT_SIZE = 16;
    private static final int HEADER_SIZE = 64;
    private static final int SECTION_HEADER_SIZE = 64;
    private static final int PROGRAM_HEADER_SIZE = 56;
    private static final String HEADER = "ELF header";

    private final String name;
    private final ElfBytes bytes;
    private final ElfHeader header;
    private final List<ElfSection> sections;
    private final List<ElfSegment> segments;
    private final Map<Integer, StringTable> stringTables = new ConcurrentHashMap<>();
    private final Map<Integer, List<ElfSymbol>> symbolTables = new ConcurrentHashMap<>();

    private ElfFile(String name, MemorySegment image) {
        this.name = name;
        ByteOrder order = identify(image, name);
        this.bytes = new ElfBytes(image.asReadOnly(), order, name);
        RawHeader raw = readHeader(order);
        SectionTable table = SectionTable.read(bytes, raw.shoff, raw.shentsize, raw.shnum, raw.shstrndx);
        int phnum = raw.phnum == PN_XNUM && table.first() != null ? table.first().info() : raw.phnum;
        this.header = new ElfHeader(order, raw.osAbi, raw.abiVersion, raw.type, raw.machine, raw.version, raw.entry,
                raw.phoff, raw.shoff, raw.flags, raw.ehsize, raw.phentsize, phnum, raw.shentsize,
                table.sections().size(), table.nameTableIndex());
        this.sections = table.sections();
        this.segments = readProgramHeaders(raw.phoff, raw.phentsize, phnum);
    }

    // ---- construction ------------------------------------------------------------------------------------------

    /**
     * Reads and parses the file at {@code path}.
     *
     * @throws ObjectFormatException when the file is not a well-formed ELF64 file
     * @throws BpfException          when the file cannot be read
     */
    public static ElfFile read(Path path) {
        return new ElfFile(path.toString(), readImage(path));
    }

    /** Parses an ELF image held in {@code data}; {@code name} identifies it in error messages. */
    public static ElfFile parse(byte[] data, String name) {
        return new ElfFile(name, MemorySegment.ofArray(data));
    }

    /** Parses an ELF image held in {@code data} (which must stay readable while this object is used). */
    public static ElfFile parse(MemorySegment data, String name) {
        return new ElfFile(name, data);
    }

    private static MemorySegment readImage(Path path) {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size > MAX_FILE_SIZE) {
                throw new ObjectFormatException(path.toString(), -1, "file is " + size + " bytes; ELF files larger"
                        + " than " + MAX_FILE_SIZE + " bytes are not supported");
            }
            MemorySegment image = size == 0 ? MemorySegment.ofArray(new byte[0]) : Arena.ofAuto().allocate(size, 8);
            long position = 0;
            while (position < size) {
                int chunk = (int) Math.min(1 << 30, size - position);
                ByteBuffer buffer = image.asSlice(position, chunk).asByteBuffer();
                while (buffer.hasRemaining()) {
                    int n = channel.read(buffer, position + buffer.position());
                    if (n < 0) return image.asSlice(0, position + buffer.position());  // shrank while reading
                }
                position += chunk;
            }
            return image;
        } catch (IOException e) {
            throw new BpfException("cannot read ELF file " + path + ": " + e, e);
        }
    }

    private static ByteOrder identify(MemorySegment image, String name) {
        long size = image.byteSize();
        if (size < IDENT_SIZE) {
            throw new ObjectFormatException(HEADER, 0, "file is " + size + " bytes, too short for an ELF"
                    + " identification (16 bytes) [" + name + "]");
        }
        byte[] ident = image.asSlice(0, IDENT_SIZE).toArray(ValueLayout.JAVA_BYTE);
        if (ident[0] != 0x7f || ident[1] != 'E' || ident[2] != 'L' || ident[3] != 'F') {
            throw new ObjectFormatException(HEADER, 0, String.format("not an ELF file: magic is %02x %02x %02x %02x,"
                    + " expected 7f 45 4c 46 [%s]", ident[0], ident[1], ident[2], ident[3], name));
        }
        if (ident[4] == 1) {
            throw new ObjectFormatException(HEADER, 4, "this is a 32-bit ELF file (ELFCLASS32); ebpf4j reads only"
                    + " 64-bit ELF files (ELFCLASS64) [" + name + "]");
        }
        if (ident[4] != 2) {
            throw new ObjectFormatException(HEADER, 4, "unknown ELF class " + ident[4] + " (expected 2, ELFCLASS64) ["
                    + name + "]");
        }
        ByteOrder order = switch (ident[5]) {
            case 1 -> ByteOrder.LITTLE_ENDIAN;
            case 2 -> ByteOrder.BIG_ENDIAN;
            default -> throw new ObjectFormatException(HEADER, 5, "unknown data encoding " + ident[5]
                    + " (expected 1 little-endian or 2 big-endian) [" + name + "]");
        };
        if (ident[6] != 1) {
            throw new ObjectFormatException(HEADER, 6, "unknown ELF version " + ident[6] + " (expected 1) [" + name
                    + "]");
        }
        if (size < HEADER_SIZE) {
            throw new ObjectFormatException(HEADER, 0, "file is " + size + " bytes, too short for the 64-byte ELF64"
                    + " header [" + name + "]");
        }
        return order;
    }

    private record RawHeader(int osAbi, int abiVersion, int type, int machine, int version, long entry, long phoff,
                             long shoff, int flags, int ehsize, int phentsize, int phnum, int shentsize, int shnum,
                             int shstrndx) {
    }

    private RawHeader readHeader(ByteOrder order) {
        return new RawHeader(bytes.u8(7, HEADER), bytes.u8(8, HEADER), bytes.u16(16, HEADER), bytes.u16(18, HEADER),
                bytes.s32(20, HEADER), bytes.u64(24, HEADER), bytes.u64(32, HEADER), bytes.u64(40, HEADER),
                bytes.s32(48, HEADER), bytes.u16(52, HEADER), bytes.u16(54, HEADER), bytes.u16(56, HEADER),
                bytes.u16(58, HEADER), bytes.u16(60, HEADER), bytes.u16(62, HEADER));
    }

    private List<ElfSegment> readProgramHeaders(long phoff, int phentsize, int phnum) {
        if (phnum == 0) return List.of();
        if (phoff == 0) throw bytes.error(HEADER, 32, "e_phnum is " + phnum + " but e_phoff is 0");
        if (phentsize < PROGRAM_HEADER_SIZE) {
            throw bytes.error(HEADER, 54, "program header entry size " + phentsize + " is smaller than the ELF64"
                    + " program header (" + PROGRAM_HEADER_SIZE + " bytes)");
        }
        if (!bytes.contains(phoff, (long) phnum * phentsize)) {
            throw bytes.error("program header table", phoff, phnum + " program headers of " + phentsize
                    + " bytes at offset " + Long.toUnsignedString(phoff) + " extend past the end of the file ("
                    + bytes.size() + " bytes)");
        }
        List<ElfSegment> out = new ArrayList<>(phnum);
        for (int i = 0; i < phnum; i++) {
            long at = phoff + (long) i * phentsize;
            String where = "program header " + i;
            ElfSegment segment = new ElfSegment(i, bytes.s32(at, where), bytes.s32(at + 4, where),
                    bytes.u64(at + 8, where), bytes.u64(at + 16, where), bytes.u64(at + 24, where),
                    bytes.u64(at + 32, where), bytes.u64(at + 40, where), bytes.u64(at + 48, where));
            if (segment.type() == PT_LOAD && Long.compareUnsigned(segment.fileSize(), segment.memorySize()) > 0) {
                throw bytes.error(where, at, "loadable segment has file size " + Long.toUnsignedString(
                        segment.fileSize()) + " larger than its memory size " + Long.toUnsignedString(
                        segment.memorySize()));
            }
            out.add(segment);
        }
        return Collections.unmodifiableList(out);
    }

    // ---- headers ----------------------------------------------------------------------------------------------

    /** The name given when reading (the path, for files). */
    public String name() {
        return name;
    }

    /** The file header. */
    public ElfHeader header() {
        return header;
    }

    /** The file's byte order. */
    public ByteOrder byteOrder() {
        return header.byteOrder();
    }

    /** The size of the file image in bytes. */
    public long size() {
        return bytes.size();
    }

    /** All section headers, index 0 (SHT_NULL) included; empty when the file has no section header table. */
    public List<ElfSection> sections() {
        return sections;
    }

    /** The section with index {@code index}. */
    public ElfSection section(int index) {
        if (index < 0 || index >= sections.size()) {
            throw new IllegalArgumentException("no section " + index + " in " + name + " (it has " + sections.size()
                    + ")");
        }
        return sections.get(index);
    }

    /** The first section called {@code sectionName}. */
    public Optional<ElfSection> section(String sectionName) {
        for (ElfSection s : sections) {
            if (s.name().equals(sectionName)) return Optional.of(s);
        }
        return Optional.empty();
    }

    /** The sections of type {@code type} ({@link ElfConstants#SHT_SYMTAB}, ...), in index order. */
    public List<ElfSection> sectionsOfType(int type) {
        return sections.stream().filter(s -> s.type() == type).toList();
    }

    /** The program headers (segments); empty for relocatable objects. */
    public List<ElfSegment> segments() {
        return segments;
    }

    // ---- contents ---------------------------------------------------------------------------------------------

    /** A read-only view of a section's contents; empty for SHT_NOBITS sections (whose size is only in memory). */
    public MemorySegment data(ElfSection section) {
        checkOwn(section);
        if (!section.hasFileData()) return MemorySegment.ofArray(new byte[0]);
        return bytes.slice(section.offset(), section.size(), section.describe());
    }

    /** A copy of a section's contents; empty for SHT_NOBITS sections. */
    public byte[] bytes(ElfSection section) {
        return data(section).toArray(ValueLayout.JAVA_BYTE);
    }

    /**
     * A read-only view of the file bytes a segment maps ({@code p_filesz} bytes at {@code p_offset}).
     *
     * @throws ObjectFormatException when the segment's file range lies outside the file
     */
    public MemorySegment data(ElfSegment segment) {
        if (!bytes.contains(segment.offset(), segment.fileSize())) {
            throw bytes.error("program header " + segment.index(), segment.offset(), "segment file range [offset "
                    + Long.toUnsignedString(segment.offset()) + ", size " + Long.toUnsignedString(segment.fileSize())
                    + ") lies outside the file (" + bytes.size() + " bytes)");
        }
        return bytes.slice(segment.offset(), segment.fileSize(), "program header " + segment.index());
    }

    /** The NUL-terminated string at {@code offset} in the string table {@code stringTable}. */
    public String string(ElfSection stringTable, long offset) {
        checkOwn(stringTable);
        if (stringTable.type() != SHT_STRTAB) {
            throw new IllegalArgumentException(stringTable.describe() + " is not a string table (type "
                    + stringTable.type() + ")");
        }
        return stringTable(stringTable).get(offset, "string lookup");
    }

    /** The string table that {@code user}'s sh_link names. */
    StringTable linkedStrings(ElfSection user) {
        int index = user.link();
        if (index == 0) throw headerError(user, "has no string table (sh_link is 0)");
        if (index < 0 || index >= sections.size()) {
            throw headerError(user, "links to string table section " + Integer.toUnsignedString(index)
                    + ", which does not exist (the file has " + sections.size() + " sections)");
        }
        ElfSection s = sections.get(index);
        if (s.type() != SHT_STRTAB) {
            throw headerError(user, "links to " + s.describe() + " as its string table, but that section has type "
                    + s.type() + ", not SHT_STRTAB");
        }
        return stringTable(s);
    }

    private StringTable stringTable(ElfSection s) {
        return stringTables.computeIfAbsent(s.index(), i -> new StringTable(s, data(s), bytes));
    }

    /**
     * An error about a field of {@code section}'s header: names the section and carries the file offset of its
     * section header.
     */
    ObjectFormatException headerError(ElfSection section, String problem) {
        long at = header.sectionHeaderOffset() + (long) section.index() * header.sectionHeaderEntrySize();
        return bytes.error(section.name().isEmpty() ? "section " + section.index() : section.name(), at,
                "section header (at file offset " + at + "): " + problem);
    }

    // ---- symbols, relocations, notes --------------------------------------------------------------------------

    /** The symbols of the first SHT_SYMTAB section ({@code .symtab}); empty when the file is stripped. */
    public List<ElfSymbol> symbols() {
        List<ElfSection> tables = sectionsOfType(SHT_SYMTAB);
        return tables.isEmpty() ? List.of() : symbols(tables.getFirst());
    }

    /** The symbols of the first SHT_DYNSYM section ({@code .dynsym}), with versions; empty when there is none. */
    public List<ElfSymbol> dynamicSymbols() {
        List<ElfSection> tables = sectionsOfType(SHT_DYNSYM);
        return tables.isEmpty() ? List.of() : symbols(tables.getFirst());
    }

    /** The symbols of a SHT_SYMTAB or SHT_DYNSYM section, index 0 (the null symbol) included. */
    public List<ElfSymbol> symbols(ElfSection table) {
        checkOwn(table);
        if (table.type() != SHT_SYMTAB && table.type() != SHT_DYNSYM) {
            throw new IllegalArgumentException(table.describe() + " is not a symbol table (type " + table.type()
                    + ")");
        }
        return symbolTables.computeIfAbsent(table.index(), i -> SymbolTableReader.read(this, bytes, table));
    }

    /** The entries of a SHT_REL or SHT_RELA section. */
    public List<ElfRelocation> relocations(ElfSection relocationSection) {
        checkOwn(relocationSection);
        return RelocationReader.read(this, bytes, relocationSection);
    }

    /** The entries of a SHT_NOTE section. */
    public List<ElfNote> notes(ElfSection noteSection) {
        checkOwn(noteSection);
        if (noteSection.type() != SHT_NOTE) {
            throw new IllegalArgumentException(noteSection.describe() + " is not a note section (type "
                    + noteSection.type() + ")");
        }
        return NoteReader.read(data(noteSection), byteOrder(), noteSection.alignment() == 8 ? 8 : 4,
                noteSection.name(), name);
    }

    /** The entries of a PT_NOTE segment. */
    public List<ElfNote> notes(ElfSegment noteSegment) {
        if (noteSegment.type() != PT_NOTE) {
            throw new IllegalArgumentException("program header " + noteSegment.index() + " is not PT_NOTE");
        }
        return NoteReader.read(data(noteSegment), byteOrder(), noteSegment.alignment() == 8 ? 8 : 4,
                "program header " + noteSegment.index(), name);
    }

    private void checkOwn(ElfSection section) {
        if (section.index() < 0 || section.index() >= sections.size()) throw notOurs(section);
        ElfSection own = sections.get(section.index());
        if (own != section && !own.equals(section)) throw notOurs(section);  // identity first: cheaper at start-up
    }

    private IllegalArgumentException notOurs(ElfSection section) {
        return new IllegalArgumentException(section.describe() + " does not belong to " + name);
    }

    @Override
    public String toString() {
        return "ElfFile[" + name + ", " + sections.size() + " sections, " + segments.size() + " segments]";
    }
}
