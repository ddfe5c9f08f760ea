package dev.ebpf4j.btf;

import dev.ebpf4j.BpfException;
import dev.ebpf4j.ObjectFormatException;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.RandomAccess;

/**
 * A parsed BTF blob: the kernel's ({@link #vmlinux()}), a kernel module's ({@link #module(String)}, split on vmlinux)
 * or a BPF object's {@code .BTF} section. Immutable and thread-safe.
 *
 * <p>Parsing is cheap: one pass checks every record structurally and notes where it starts (ids, string offsets,
 * record bounds, kinds — malformed input raises {@link ObjectFormatException} naming the section and byte offset);
 * records are decoded only when asked for, and the name index is built on the first lookup by name. Both byte
 * orders are read (the magic tells which).
 *
 * <p>Type ids are 1-based, 0 is void. A split BTF (module BTF) continues its base's type ids and string offsets; its
 * lookups see base and own types alike, and {@link #types()} lists its own.
 *
 * <pre>{@code
 * Btf kernel = Btf.vmlinux();                                   // parsed once per process
 * int tp = kernel.findTypedef("btf_trace_sched_switch").orElseThrow().id();
 * int task = kernel.findStruct("task_struct").orElseThrow().id();
 * long pidOffset = kernel.member(task, "pid").orElseThrow().byteOffset();
 *
 * Btf objectBtf = Btf.parse(sectionBytes);                     // a .BTF section
 * for (BtfType t : objectBtf.types()) System.out.println(t);
 * }</pre>
 */
public final class Btf {
    /** The section name used in errors when none is given. */
    public static final String SECTION = ".BTF";

    private static final int[] NO_IDS = new int[0];

    private final BtfBytes bytes;
    private final Btf base;
    private final int firstId;
    private final int[] offsets;
    private final int count;
    private final MemorySegment strings;
    private final long stringsBase;
    private volatile NameIndex nameIndex;
    private volatile int pointerSize;

    private Btf(BtfBytes bytes, Btf base) {
        this.bytes = bytes;
        this.base = base;
        BtfHeader header = BtfHeader.parse(bytes);
        this.firstId = base == null ? 1 : base.typeCount();
        this.stringsBase = base == null ? 0 : base.stringsEnd();
        long strStart = header.stringStart();
        long strLen = header.stringLength();
        if (base == null && strLen == 0) throw bytes.error(20, "empty string section (it must hold at least \"\")");
        if (strLen > 0 && bytes.u8(strStart + strLen - 1) != 0) {
            throw bytes.error(strStart + strLen - 1, "string section does not end with a NUL byte");
        }
        if (base == null && bytes.u8(strStart) != 0) {
            throw bytes.error(strStart, "string section does not start with the empty string");
        }
        this.strings = bytes.segment.asSlice(strStart, strLen);
        BtfIndexer.Index index = BtfIndexer.index(bytes, header, firstId, stringsBase + strLen);
        this.offsets = index.offsets();
        this.count = index.count();
    }

    // ---------------------------------------------------------------- loading

    /** Parses a standalone BTF blob (copied); errors name section {@value #SECTION}. */
    public static Btf parse(byte[] data) {
        return parse(data, SECTION, null);
    }

    /**
     * Parses a BTF blob (copied). With a {@code base}, the blob is split BTF: its type ids and string offsets continue
     * where the base's end. {@code section} names the blob in errors (a section or file name).
     */
    public static Btf parse(byte[] data, String section, Btf base) {
        return wrap(data.clone(), section, base);
    }

    /**
     * Parses a BTF blob held in memory (copied, so the segment may be freed afterwards); see
     * {@link #parse(byte[], String, Btf)}.
     */
    public static Btf parse(MemorySegment data, String section, Btf base) {
        return wrap(data.toArray(ValueLayout.JAVA_BYTE), section, base);
    }

    /** Reads and parses a raw BTF file (such as {@code /sys/kernel/btf/vmlinux}); errors name the file. */
    public static Btf read(Path file) {
        return read(file, null);
    }

    /** Reads and parses a raw split BTF file on {@code base} (such as {@code /sys/kernel/btf/<module>}). */
    public static Btf read(Path file, Btf base) {
        byte[] data;
        try {
            data = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new BpfException("BTF file " + file + " does not exist", e);
        } catch (IOException e) {
            throw new BpfException("reading BTF file " + file + " failed: " + e.getMessage(), e);
        }
        return wrap(data, file.toString(), base);
    }

    private static Btf wrap(byte[] data, String section, Btf base) {
        if (data.length >= 4 && data[0] == 0x7f && data[1] == 'E' && data[2] == 'L' && data[3] == 'F') {
            throw new ObjectFormatException(section, 0, "this is an ELF file, not a raw BTF blob; its BTF is the "
                    + ".BTF section");
        }
        return wrap(MemorySegment.ofArray(data), section, base);
    }

    /** Parses a segment in place: it must stay alive and unchanged as long as the Btf is used. */
    static Btf wrap(MemorySegment data, String section, Btf base) {
        return new Btf(BtfBytes.detect(data, section, "BTF"), base);
    }

    /**
     * The running kernel's BTF from {@code /sys/kernel/btf/vmlinux}, parsed on first use and then shared. The file
     * is mapped (read-only, for the life of the process) where the kernel allows it (6.16+) and read otherwise.
     * Fails with {@link dev.ebpf4j.NotSupportedException} when the kernel has no BTF.
     */
    public static Btf vmlinux() {
        return KernelBtf.vmlinux();
    }

    /** A loaded kernel module's BTF from {@code /sys/kernel/btf/<name>}, split on {@link #vmlinux()}; not cached. */
    public static Btf module(String name) {
        return KernelBtf.module(name);
    }

    /** Names of the kernel modules that expose BTF ({@code /sys/kernel/btf/*} except vmlinux), sorted. */
    public static List<String> moduleNames() {
        return KernelBtf.moduleNames();
    }

    // ---------------------------------------------------------------- structure

    /** The base this split BTF continues, if any. */
    public Optional<Btf> base() {
        return Optional.ofNullable(base);
    }

    /** The first type id this blob defines: 1, or the base's {@link #typeCount()} for split BTF. */
    public int firstTypeId() {
        return firstId;
    }

    /** One more than the last type id, counting void and base types: ids {@code 0..typeCount()-1} exist. */
    public int typeCount() {
        return firstId + count;
    }

    /** The blob's byte order. */
    public ByteOrder byteOrder() {
        return bytes.order();
    }

    /** The raw blob, read-only. */
    public MemorySegment bytes() {
        return bytes.segment.asReadOnly();
    }

    /** The name used for this blob in errors (section or file name). */
    public String section() {
        return bytes.section;
    }

    /** This blob's own types (ids {@link #firstTypeId()} up), decoded as they are read. */
    public List<BtfType> types() {
        return new OwnTypes();
    }

    /** The type with the given id; id 0 is {@link BtfVoid#INSTANCE}. Decodes the record on each call. */
    public BtfType type(int id) {
        if (id == 0) return BtfVoid.INSTANCE;
        Btf owner = owner(id);
        return BtfDecoder.decode(owner, owner.bytes, owner.offsets[id - owner.firstId]);
    }

    /** The kind of a type, without decoding it. */
    public BtfKind kind(int id) {
        if (id == 0) return BtfKind.VOID;
        Btf owner = owner(id);
        return owner.rawKind(id - owner.firstId);
    }

    /** The name of a type, without decoding the rest of it ("" for anonymous types and void). */
    public String name(int id) {
        if (id == 0) return "";
        Btf owner = owner(id);
        return owner.string(owner.rawNameOffset(id - owner.firstId));
    }

    /** The string at an offset of the string table (base strings first for split BTF). */
    public String string(long offset) {
        if (offset >= 0 && offset < stringsBase) return base.string(offset);
        long local = offset - stringsBase;
        if (offset < 0 || local >= strings.byteSize()) {
            throw new IllegalArgumentException("string offset " + offset + " is outside the string table (" +
                    stringsEnd() + " bytes)");
        }
        return strings.getString(local, StandardCharsets.UTF_8);
    }

    // ---------------------------------------------------------------- lookups

    /** All type ids with this name, ascending (base ids first); empty for "". */
    public int[] idsByName(String name) {
        if (name.isEmpty() || name.indexOf('\0') >= 0) return NO_IDS;
        return idsByName(name.getBytes(StandardCharsets.UTF_8));
    }

    /** The lowest type id with this name and kind. */
    public OptionalInt findId(String name, BtfKind kind) {
        if (name.isEmpty() || name.indexOf('\0') >= 0) return OptionalInt.empty();
        int id = findId(name.getBytes(StandardCharsets.UTF_8), kind);
        return id < 0 ? OptionalInt.empty() : OptionalInt.of(id);
    }

    /**
     * The lowest-id type with this name that is an instance of {@code type} (a record, or a family such as
     * {@link BtfComposite}).
     */
    public <T extends BtfType> Optional<BtfEntry<T>> find(String name, Class<T> type) {
        for (int id : idsByName(name)) {
            BtfType t = type(id);
            if (type.isInstance(t)) return Optional.of(new BtfEntry<>(id, type.cast(t)));
        }
        return Optional.empty();
    }

    /** The FUNC with this name, e.g. an fentry target or an iterator's {@code bpf_iter_<name>}. */
    public Optional<BtfEntry<BtfFunc>> findFunction(String name) {
        return find(name, BtfFunc.class);
    }

    /** The TYPEDEF with this name, e.g. a tp_btf target's {@code btf_trace_<tracepoint>}. */
    public Optional<BtfEntry<BtfTypedef>> findTypedef(String name) {
        return find(name, BtfTypedef.class);
    }

    /** The STRUCT with this name (not a forward declaration). */
    public Optional<BtfEntry<BtfStruct>> findStruct(String name) {
        return find(name, BtfStruct.class);
    }

    /**
     * The id reached by skipping typedef, const, volatile, restrict and type tag from {@code id} (the id itself when
     * it is none of those). Fails with {@link ObjectFormatException} on a loop.
     */
    public int resolveId(int id) {
        int current = id;
        for (int hops = 0; ; hops++) {
            switch (kind(current)) {
                case TYPEDEF, CONST, VOLATILE, RESTRICT, TYPE_TAG -> {
                    if (hops == BtfLayout.MAX_DEPTH) throw BtfLayout.tooDeep(this, id);
                    current = refTypeId(current);
                }
                default -> {
                    return current;
                }
            }
        }
    }

    /** The type reached by {@link #resolveId(int)}. */
    public BtfType resolve(int id) {
        return type(resolveId(id));
    }

    /**
     * The size in bytes of a type, following typedefs, qualifiers, VARs and arrays (element size × length); pointers
     * take {@link #pointerSize()}. Fails with {@link IllegalArgumentException} for types without size (void,
     * functions, forward declarations) and {@link ObjectFormatException} for loops.
     */
    public long sizeOf(int id) {
        return BtfLayout.sizeOf(this, id);
    }

    /**
     * The alignment in bytes of a type as a C compiler lays it out: scalars the largest power of two dividing their
     * size, capped at twice {@link #pointerSize()} (so {@code __int128} aligns to 16 on 64-bit targets), pointers
     * {@link #pointerSize()}, arrays their element's, structs and unions their largest member's — or 1 when a
     * member's offset or the total size shows the type is packed. BTF does not record {@code __aligned(N)}
     * attributes, so over-aligned kernel types report their members' alignment.
     */
    public int alignOf(int id) {
        return BtfLayout.alignOf(this, id);
    }

    /** The pointer size of the target this BTF describes: the size of {@code long}, or 8 when the BTF has no long. */
    public int pointerSize() {
        int size = pointerSize;
        if (size == 0) pointerSize = size = BtfLayout.pointerSize(this);
        return size;
    }

    /**
     * Finds a member of a struct or union (after skipping typedefs and qualifiers of {@code compositeId}) by name,
     * looking into anonymous struct/union members; a dotted path ({@code "link_create.tracing.cookie"}) descends
     * into named members. The result carries the bit offset accumulated from the start of the outer type and the
     * member index taken at each level (anonymous levels included), as CO-RE access strings count them.
     */
    public Optional<BtfMemberPath> member(int compositeId, String path) {
        return MemberFinder.find(this, compositeId, path);
    }

    @Override
    public String toString() {
        return "Btf[" + bytes.section + ", types " + firstId + ".." + (typeCount() - 1)
                + (base == null ? "" : ", split on " + base.bytes.section) + "]";
    }

    // ---------------------------------------------------------------- package-private raw access

    int ownTypeCount() {
        return count;
    }

    long stringsEnd() {
        return stringsBase + strings.byteSize();
    }

    long rawNameOffset(int local) {
        return bytes.u32(offsets[local]);
    }

    BtfKind rawKind(int local) {
        return BtfKind.of((bytes.i32(offsets[local] + 4L) >>> 24) & 0x1f);
    }

    /** The header's third word (size or type id) of type {@code id}. */
    int rawSizeOrType(int id) {
        Btf owner = owner(id);
        return owner.bytes.i32(owner.offsets[id - owner.firstId] + 8L);
    }

    /** The referenced type id of a single-reference kind (PTR, modifiers, FUNC, VAR, DECL_TAG). */
    int refTypeId(int id) {
        return rawSizeOrType(id);
    }

    /** An error about the record of type {@code id}, naming its blob and offset. */
    ObjectFormatException errorAt(int id, String problem) {
        if (id == 0) return new ObjectFormatException(bytes.section, -1, problem);
        Btf owner = owner(id);
        return owner.bytes.error(owner.offsets[id - owner.firstId], problem);
    }

    int hashString(long offset) {
        if (offset < stringsBase) return base.hashString(offset);
        long p = offset - stringsBase;
        int h = 0x811c9dc5;
        for (byte x; (x = strings.get(ValueLayout.JAVA_BYTE, p)) != 0; p++) h = (h ^ (x & 0xff)) * 0x01000193;
        return NameIndex.mix(h);
    }

    boolean stringEquals(long offset, byte[] utf8) {
        if (offset < stringsBase) return base.stringEquals(offset, utf8);
        long p = offset - stringsBase;
        if (p + utf8.length >= strings.byteSize()) return false;
        for (byte x : utf8) {
            if (strings.get(ValueLayout.JAVA_BYTE, p++) != x) return false;
        }
        return strings.get(ValueLayout.JAVA_BYTE, p) == 0;
    }

    private int[] idsByName(byte[] utf8) {
        int[] inBase = base == null ? NO_IDS : base.idsByName(utf8);
        int[] own = names().find(utf8);
        int[] all = Arrays.copyOf(inBase, inBase.length + own.length);
        for (int i = 0; i < own.length; i++) all[inBase.length + i] = own[i] + firstId;
        return all;
    }

    private int findId(byte[] utf8, BtfKind kind) {
        if (base != null) {
            int id = base.findId(utf8, kind);
            if (id >= 0) return id;
        }
        int local = names().findFirst(utf8, kind);
        return local < 0 ? -1 : local + firstId;
    }

    private NameIndex names() {
        NameIndex index = nameIndex;
        if (index == null) {
            synchronized (this) {
                index = nameIndex;
                if (index == null) nameIndex = index = new NameIndex(this);
            }
        }
        return index;
    }

    private Btf owner(int id) {
        if (id < 0 || id >= typeCount()) {
            throw new IllegalArgumentException("no type id " + id + " in " + bytes.section + " (ids are 0.."
                    + (typeCount() - 1) + ")");
        }
        Btf owner = this;
        while (id < owner.firstId) owner = owner.base;
        return owner;
    }

    private final class OwnTypes extends AbstractList<BtfType> implements RandomAccess {
        @Override
        public BtfType get(int index) {
            if (index < 0 || index >= count) throw new IndexOutOfBoundsException(index);
            return type(firstId + index);
        }

        @Override
        public int size() {
            return count;
        }
    }
}
