package dev.ebpf4j.btf;

import dev.ebpf4j.ObjectFormatException;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * A parsed {@code .BTF.ext} section: per program section, the function info, line info and CO-RE relocations
 * clang emits. Names and strings are resolved against the object's {@code .BTF} and type ids checked against it.
 * Either byte order is read. Malformed input raises {@link ObjectFormatException} naming the section and offset.
 *
 * <p>Layout: a header (magic 0xeB9F, version 1, flags, header length, then offset/length pairs for func_info,
 * line_info and — when the header is long enough — core_relo, relative to the header's end); each subsection is a
 * record size followed by {@code (sec_name_off, num_info, num_info × record)} groups. Records longer than the
 * fields known here are accepted and the extra bytes ignored.
 *
 * <pre>{@code
 * Btf btf = Btf.parse(btfSection);
 * BtfExt ext = BtfExt.parse(btfExtSection, btf);
 * List<BtfCoreRelo> relos = ext.coreRelos("kprobe/do_unlinkat");
 * }</pre>
 */
public record BtfExt(List<BtfExtSection<BtfFuncInfo>> funcInfos, List<BtfExtSection<BtfLineInfo>> lineInfos,
                     List<BtfExtSection<BtfCoreRelo>> coreRelos) {
    /** The section name used in errors when none is given. */
    public static final String SECTION = ".BTF.ext";

    /** Minimum record sizes: bpf_func_info, bpf_line_info, bpf_core_relo. */
    static final int FUNC_INFO_SIZE = 8;
    static final int LINE_INFO_SIZE = 16;
    static final int CORE_RELO_SIZE = 16;

    public BtfExt {
        funcInfos = List.copyOf(funcInfos);
        lineInfos = List.copyOf(lineInfos);
        coreRelos = List.copyOf(coreRelos);
    }

    /** Parses a .BTF.ext blob whose strings and types live in {@code btf}. */
    public static BtfExt parse(byte[] data, Btf btf) {
        return parse(MemorySegment.ofArray(data.clone()), SECTION, btf);
    }

    /** Parses a .BTF.ext blob (read in place; copy first if it may change); {@code section} names it in errors. */
    public static BtfExt parse(MemorySegment data, String section, Btf btf) {
        return new BtfExtParser(BtfBytes.detect(data, section, "BTF.ext"), btf).parse();
    }

    /** The func_info records of one program section (empty when it has none). */
    public List<BtfFuncInfo> funcInfos(String section) {
        return recordsOf(funcInfos, section);
    }

    /** The line_info records of one program section. */
    public List<BtfLineInfo> lineInfos(String section) {
        return recordsOf(lineInfos, section);
    }

    /** The CO-RE relocations of one program section. */
    public List<BtfCoreRelo> coreRelos(String section) {
        return recordsOf(coreRelos, section);
    }

    private static <T> List<T> recordsOf(List<BtfExtSection<T>> sections, String name) {
        List<T> all = new ArrayList<>();
        for (BtfExtSection<T> s : sections) {
            if (s.name().equals(name)) all.addAll(s.records());
        }
        return List.copyOf(all);
    }

    /** Bounds-checked reading of the three subsections. */
    private static final class BtfExtParser {
        private final BtfBytes b;
        private final Btf btf;

        BtfExtParser(BtfBytes b, Btf btf) {
            this.b = b;
            this.btf = btf;
        }

        BtfExt parse() {
            long size = b.size();
            b.require(0, 8, size, ".BTF.ext header start");
            int version = b.u8(2);
            if (version != 1) throw b.error(2, "unsupported .BTF.ext version " + version + " (only 1 exists)");
            long hdrLen = b.u32(4);
            if (hdrLen < 24) throw b.error(4, ".BTF.ext header length " + hdrLen + " is shorter than 24 bytes");
            b.require(0, hdrLen, size, ".BTF.ext header");
            List<BtfExtSection<BtfFuncInfo>> funcs = subsection(hdrLen, 8, "func_info", FUNC_INFO_SIZE,
                    p -> new BtfFuncInfo(b.i32(p), type(p + 4, "func_info")));
            List<BtfExtSection<BtfLineInfo>> lines = subsection(hdrLen, 16, "line_info", LINE_INFO_SIZE, p -> {
                int lineCol = b.i32(p + 12);
                return new BtfLineInfo(b.i32(p), string(p + 4, "file name"), string(p + 8, "source line"),
                        lineCol >>> 10, lineCol & 0x3ff);
            });
            List<BtfExtSection<BtfCoreRelo>> relos = hdrLen < 32 ? List.of()
                    : subsection(hdrLen, 24, "core_relo", CORE_RELO_SIZE, p -> {
                        long kind = b.u32(p + 12);
                        BtfCoreReloKind k = BtfCoreReloKind.of(kind);
                        if (k == null) throw b.error(p + 12, "unknown CO-RE relocation kind " + kind);
                        return new BtfCoreRelo(b.i32(p), type(p + 4, "core_relo"), string(p + 8, "access string"), k);
                    });
            return new BtfExt(funcs, lines, relos);
        }

        private interface RecordReader<T> {
            T read(long offset);
        }

        private <T> List<BtfExtSection<T>> subsection(long hdrLen, int fieldAt, String what, int minRecord,
                                                      RecordReader<T> reader) {
            long off = b.u32(fieldAt);
            long len = b.u32(fieldAt + 4);
            if (len == 0) return List.of();
            long start = hdrLen + off;
            long end = start + len;
            if (end > b.size()) {
                throw b.error(fieldAt, what + " subsection [" + off + ", +" + len + ") runs past the "
                        + (b.size() - hdrLen) + " bytes after the header");
            }
            if (off % 4 != 0) throw b.error(fieldAt, what + " subsection offset " + off + " is not 4-byte aligned");
            b.require(start, 4, end, what + " record size");
            long recordSize = b.u32(start);
            if (recordSize < minRecord || recordSize % 4 != 0) {
                throw b.error(start, what + " record size " + recordSize + " (need a multiple of 4, at least "
                        + minRecord + ")");
            }
            List<BtfExtSection<T>> sections = new ArrayList<>();
            long p = start + 4;
            while (p < end) {
                b.require(p, 8, end, what + " section header");
                String name = string(p, "section name");
                long count = b.u32(p + 4);
                long bytes = count * recordSize;    // both < 2^32: no overflow
                b.require(p + 8, bytes, end, what + " records of section '" + name + "' (" + count + " × "
                        + recordSize + ")");
                List<T> records = new ArrayList<>((int) count);
                long r = p + 8;
                for (long i = 0; i < count; i++, r += recordSize) records.add(reader.read(r));
                sections.add(new BtfExtSection<>(name, records));
                p += 8 + bytes;
            }
            return sections;
        }

        private String string(long at, String what) {
            long off = b.u32(at);
            if (off >= btf.stringsEnd()) {
                throw b.error(at, what + " offset " + off + " is outside the .BTF string section ("
                        + btf.stringsEnd() + " bytes)");
            }
            return btf.string(off);
        }

        private int type(long at, String what) {
            long id = b.u32(at);
            if (id >= btf.typeCount()) {
                throw b.error(at, what + " type id " + id + " does not exist (last id " + (btf.typeCount() - 1)
                        + ")");
            }
            return (int) id;
        }
    }
}
