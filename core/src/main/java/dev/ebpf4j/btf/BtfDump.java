package dev.ebpf4j.btf;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Listings of BTF as text. {@link #raw} writes bpftool's default ({@code bpftool btf dump file F}) format byte for
 * byte: one line per type, {@code [id] KIND 'name'} followed by the kind's fields, and one tab-indented line per
 * member, enumerator, parameter or section variable. For split BTF only the blob's own types are listed, as bpftool
 * does.
 *
 * <p>One difference is possible only for odd input: bpftool prints {@code '(anon)'} for name offset 0 but {@code ''}
 * for a nonzero offset that points at an empty string; the type model keeps just the (empty) name, so both print
 * {@code '(anon)'} here. Compilers and pahole never emit the latter.
 *
 * <pre>{@code
 * BtfDump.raw(Btf.vmlinux(), System.out);                 // [1] INT 'long unsigned int' size=8 bits_offset=0 ...
 * String one = BtfDump.raw(btf, 42);                      // a single type, with its trailing newline
 * }</pre>
 */
public final class BtfDump {
    private BtfDump() {
    }

    /** Writes the raw listing of all of {@code btf}'s own types to {@code out}. */
    public static void raw(Btf btf, Appendable out) throws IOException {
        StringBuilder sb = new StringBuilder(256);
        for (int id = btf.firstTypeId(); id < btf.typeCount(); id++) {
            sb.setLength(0);
            appendRaw(btf, id, sb);
            out.append(sb);
        }
    }

    /** The raw listing of all of {@code btf}'s own types as one string. */
    public static String raw(Btf btf) {
        StringBuilder sb = new StringBuilder();
        try {
            raw(btf, sb);
        } catch (IOException e) {
            throw new UncheckedIOException(e);   // a StringBuilder does not throw
        }
        return sb.toString();
    }

    /** The raw listing of one type, ending in a newline. */
    public static String raw(Btf btf, int id) {
        StringBuilder sb = new StringBuilder();
        appendRaw(btf, id, sb);
        return sb.toString();
    }

    /** Appends the raw listing of one type, ending in a newline. */
    public static void appendRaw(Btf btf, int id, StringBuilder sb) {
        BtfType type = btf.type(id);
        sb.append('[').append(id).append("] ").append(type.kind().name()).append(' ');
        quoted(sb, type.name());
        switch (type) {
            case BtfInt t -> sb.append(" size=").append(u32(t.size())).append(" bits_offset=").append(t.bitOffset())
                    .append(" nr_bits=").append(t.bits()).append(" encoding=").append(t.encoding().label());
            case BtfPtr t -> sb.append(" type_id=").append(t.typeId());
            case BtfModifier t -> sb.append(" type_id=").append(t.typeId());
            case BtfArray t -> sb.append(" type_id=").append(t.elementTypeId()).append(" index_type_id=")
                    .append(t.indexTypeId()).append(" nr_elems=").append(u32(t.length()));
            case BtfComposite t -> {
                sb.append(" size=").append(u32(t.size())).append(" vlen=").append(t.members().size());
                for (BtfMember m : t.members()) {
                    sb.append("\n\t");
                    quoted(sb, m.name());
                    sb.append(" type_id=").append(m.typeId()).append(" bits_offset=").append(u32(m.bitOffset()));
                    if (m.bitfieldSize() != 0) sb.append(" bitfield_size=").append(m.bitfieldSize());
                }
            }
            case BtfEnum t -> {
                enumHeader(sb, t);
                for (BtfEnumValue v : t.values()) {
                    sb.append("\n\t");
                    quoted(sb, v.name());
                    sb.append(" val=").append(v.value());
                }
            }
            case BtfEnum64 t -> {
                enumHeader(sb, t);
                for (BtfEnumValue v : t.values()) {
                    sb.append("\n\t");
                    quoted(sb, v.name());
                    sb.append(" val=");
                    if (t.signed()) sb.append(v.value()).append("LL");
                    else sb.append(Long.toUnsignedString(v.value())).append("ULL");
                }
            }
            case BtfFwd t -> sb.append(" fwd_kind=").append(t.union() ? "union" : "struct");
            case BtfFunc t -> sb.append(" type_id=").append(t.typeId()).append(" linkage=").append(t.linkage().label());
            case BtfFuncProto t -> {
                sb.append(" ret_type_id=").append(t.returnTypeId()).append(" vlen=").append(t.vlen());
                for (BtfParam p : t.params()) {
                    sb.append("\n\t");
                    quoted(sb, p.name());
                    sb.append(" type_id=").append(p.typeId());
                }
                if (t.variadic()) sb.append("\n\t'(anon)' type_id=0");
            }
            case BtfVar t -> sb.append(" type_id=").append(t.typeId()).append(", linkage=").append(t.linkage().label());
            case BtfDatasec t -> {
                sb.append(" size=").append(u32(t.size())).append(" vlen=").append(t.vars().size());
                for (BtfVarSecinfo v : t.vars()) {
                    sb.append("\n\ttype_id=").append(v.typeId()).append(" offset=").append(u32(v.offset()))
                            .append(" size=").append(u32(v.size())).append(" (");
                    BtfKind kind = btf.kind(v.typeId());
                    sb.append(kind == BtfKind.VOID ? "UNKNOWN" : kind.name()).append(' ');
                    quoted(sb, btf.name(v.typeId()));
                    sb.append(')');
                }
            }
            case BtfFloat t -> sb.append(" size=").append(u32(t.size()));
            case BtfDeclTag t -> sb.append(" type_id=").append(t.typeId()).append(" component_idx=")
                    .append(t.componentIndex());
            case BtfVoid t -> {
            }
        }
        sb.append('\n');
    }

    private static void enumHeader(StringBuilder sb, BtfEnumeration t) {
        sb.append(" encoding=").append(t.signed() ? "SIGNED" : "UNSIGNED").append(" size=").append(u32(t.size()))
                .append(" vlen=").append(t.values().size());
    }

    private static void quoted(StringBuilder sb, String name) {
        sb.append('\'').append(name.isEmpty() ? "(anon)" : name).append('\'');
    }

    private static long u32(int value) {
        return Integer.toUnsignedLong(value);
    }
}
