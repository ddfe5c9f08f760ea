package dev.ebpf4j.btf;

/**
 * bpftool's one-line text of a type ({@code btf_dumper_type_only}), as {@code bpftool prog dump xlated} prints a
 * function's prototype before its instructions: {@code int handle(struct xdp_md * ctx)}, {@code char [8]},
 * {@code struct val } — bpftool's spacing included (a space after every type name and pointer star).
 *
 * <pre>{@code
 * Btf btf = KernelBtfObjects.byId(prog.info().btfId());
 * String proto = BtfSignatures.of(btf, funcTypeId);     // "int xdp_main(struct xdp_md * ctx)"
 * }</pre>
 */
public final class BtfSignatures {
    /** bpftool's buffer: longer texts are not printed. */
    private static final int MAX = 1024;
    private static final int MAX_DEPTH = 64;

    private BtfSignatures() {
    }

    /** The text of type {@code id} (for a FUNC: {@code ret name(type arg, ...)}), or "" when it cannot be printed. */
    public static String of(Btf btf, int id) {
        StringBuilder sb = new StringBuilder();
        try {
            if (!append(btf, id, sb, 0)) return "";
        } catch (RuntimeException e) {  // malformed BTF: print nothing, as bpftool does on errors
            return "";
        }
        return sb.length() >= MAX ? "" : sb.toString();
    }

    private static boolean append(Btf btf, int id, StringBuilder sb, int depth) {
        if (depth > MAX_DEPTH || sb.length() >= MAX) return false;
        if (id == 0) {
            sb.append("void ");
            return true;
        }
        if (id < 0 || id >= btf.typeCount()) return false;
        switch (btf.type(id)) {
            case BtfInt t -> sb.append(t.name()).append(' ');
            case BtfTypedef t -> sb.append(t.name()).append(' ');
            case BtfFloat t -> sb.append(t.name()).append(' ');
            case BtfStruct t -> sb.append("struct ").append(t.name()).append(' ');
            case BtfUnion t -> sb.append("union ").append(t.name()).append(' ');
            case BtfEnumeration t -> sb.append("enum ").append(t.name()).append(' ');
            case BtfFwd t -> sb.append(t.union() ? "union " : "struct ").append(t.name()).append(' ');
            case BtfArray t -> {
                if (!append(btf, t.elementTypeId(), sb, depth + 1)) return false;
                sb.append('[').append(t.length()).append(']');
            }
            case BtfPtr t -> {
                if (!append(btf, t.typeId(), sb, depth + 1)) return false;
                sb.append("* ");
            }
            case BtfVolatile t -> {
                sb.append("volatile ");
                return append(btf, t.typeId(), sb, depth + 1);
            }
            case BtfConst t -> {
                sb.append("const ");
                return append(btf, t.typeId(), sb, depth + 1);
            }
            case BtfRestrict t -> {
                sb.append("restrict ");
                return append(btf, t.typeId(), sb, depth + 1);
            }
            case BtfFuncProto t -> {
                return function(btf, t, null, sb, depth);
            }
            case BtfFunc t -> {
                int proto = t.typeId();
                if (proto <= 0 || proto >= btf.typeCount() || !(btf.type(proto) instanceof BtfFuncProto p)) {
                    return false;
                }
                return function(btf, p, t.name(), sb, depth);
            }
            case BtfVar t -> {
                if (t.linkage() == BtfLinkage.STATIC) sb.append("static ");
                if (!append(btf, t.typeId(), sb, depth + 1)) return false;
                sb.append(' ').append(t.name());
            }
            case BtfDatasec t -> sb.append("section (\"").append(t.name()).append("\") ");
            default -> {
                return false;
            }
        }
        return true;
    }

    private static boolean function(Btf btf, BtfFuncProto proto, String name, StringBuilder sb, int depth) {
        if (!append(btf, proto.returnTypeId(), sb, depth + 1)) return false;
        sb.append(name != null ? name + "(" : "(");
        int i = 0;
        for (BtfParam p : proto.params()) {
            if (i++ > 0) sb.append(", ");
            if (p.typeId() == 0) {
                sb.append("...");
                continue;
            }
            if (!append(btf, p.typeId(), sb, depth + 1)) return false;
            if (!p.name().isEmpty()) sb.append(p.name());
            else if (!sb.isEmpty() && sb.charAt(sb.length() - 1) == ' ') sb.setLength(sb.length() - 1);
        }
        if (proto.variadic()) sb.append(i > 0 ? ", ..." : "...");
        sb.append(')');
        return true;
    }
}
