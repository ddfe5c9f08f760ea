package dev.ebpf4j.cli.btf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A minimal reader of a raw BTF blob, enough for what {@code prog show} and {@code prog dump} print from a
 * program's BTF: names at string offsets, a function's name, and a function's signature in bpftool's style
 * ({@code int handle(struct xdp_md * ctx)}). Internal to the CLI until the library's BTF package lands.
 *
 * <pre>{@code
 * BtfTypes btf = BtfTypes.parse(rawBtf);
 * String name = btf.nameOf(funcTypeId);          // "xdp_count_packets"
 * String sig = btf.signature(funcTypeId);        // "int xdp_count_packets(struct xdp_md * ctx)"
 * }</pre>
 */
public final class BtfTypes {
    public static final int INT = 1;
    public static final int PTR = 2;
    public static final int ARRAY = 3;
    public static final int STRUCT = 4;
    public static final int UNION = 5;
    public static final int ENUM = 6;
    public static final int FWD = 7;
    public static final int TYPEDEF = 8;
    public static final int VOLATILE = 9;
    public static final int CONST = 10;
    public static final int RESTRICT = 11;
    public static final int FUNC = 12;
    public static final int FUNC_PROTO = 13;
    public static final int VAR = 14;
    public static final int DATASEC = 15;
    public static final int FLOAT = 16;
    public static final int DECL_TAG = 17;
    public static final int TYPE_TAG = 18;
    public static final int ENUM64 = 19;

    private static final int SIGNATURE_MAX = 1024;

    private final ByteBuffer types;
    private final byte[] strings;
    private final int[] offsets;

    private BtfTypes(ByteBuffer types, byte[] strings, int[] offsets) {
        this.types = types;
        this.strings = strings;
        this.offsets = offsets;
    }

    /** Parses {@code raw}; throws IllegalArgumentException when it is not BTF. */
    public static BtfTypes parse(byte[] raw) {
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        if (raw.length < 24 || (b.getShort(0) & 0xffff) != 0xeb9f) {
            b.order(ByteOrder.BIG_ENDIAN);
            if (raw.length < 24 || (b.getShort(0) & 0xffff) != 0xeb9f) {
                throw new IllegalArgumentException("not BTF (bad magic)");
            }
        }
        int hdrLen = b.getInt(4);
        int typeOff = hdrLen + b.getInt(8);
        int typeLen = b.getInt(12);
        int strOff = hdrLen + b.getInt(16);
        int strLen = b.getInt(20);
        if (typeOff < 0 || typeLen < 0 || strOff < 0 || strLen < 0 || (long) typeOff + typeLen > raw.length
                || (long) strOff + strLen > raw.length) {
            throw new IllegalArgumentException("BTF sections run past the end of the data");
        }
        ByteBuffer types = b.slice(typeOff, typeLen).order(b.order());
        byte[] strings = new byte[strLen];
        System.arraycopy(raw, strOff, strings, 0, strLen);
        int[] offsets = new int[16];
        int count = 1;
        int at = 0;
        while (at + 12 <= typeLen) {
            if (count == offsets.length) offsets = java.util.Arrays.copyOf(offsets, count * 2);
            offsets[count++] = at;
            int info = types.getInt(at + 4);
            at += 12 + trailer((info >>> 24) & 0x1f, info & 0xffff);
        }
        return new BtfTypes(types, strings, java.util.Arrays.copyOf(offsets, count));
    }

    private static int trailer(int kind, int vlen) {
        return switch (kind) {
            case INT, VAR, DECL_TAG -> 4;
            case ARRAY -> 12;
            case STRUCT, UNION, DATASEC, ENUM64 -> vlen * 12;
            case ENUM, FUNC_PROTO -> vlen * 8;
            default -> 0;
        };
    }

    /** The string at {@code offset} in the string section, or null when out of range. */
    public String string(int offset) {
        if (offset < 0 || offset >= strings.length) return null;
        int end = offset;
        while (end < strings.length && strings[end] != 0) end++;
        return new String(strings, offset, end - offset, StandardCharsets.UTF_8);
    }

    /** Number of types including the implicit void (id 0). */
    public int count() {
        return offsets.length;
    }

    public int kind(int id) {
        if (id <= 0 || id >= offsets.length) return -1;
        return (types.getInt(offsets[id] + 4) >>> 24) & 0x1f;
    }

    /** Number of members, parameters, enumerators or section entries. */
    public int vlen(int id) {
        return types.getInt(offsets[id] + 4) & 0xffff;
    }

    /** The kind flag (bitfield member offsets for structs, union for forward declarations). */
    public boolean kflag(int id) {
        return (types.getInt(offsets[id] + 4) & 0x8000_0000) != 0;
    }

    /** The size (ints, structs, enums, sections) or referenced type (pointers, modifiers, functions, vars). */
    public int ref(int id) {
        return types.getInt(offsets[id] + 8);
    }

    /** The i-th 32-bit word after the type's common header (its kind-specific data). */
    public int word(int id, int i) {
        return types.getInt(offsets[id] + 12 + 4 * i);
    }

    /**
     * The type behind typedefs, modifiers, variables and tags (libbpf's btf__resolve_type); -1 when the chain is
     * broken or too long.
     */
    public int resolve(int id) {
        for (int depth = 0; depth < 32; depth++) {
            if (id == 0) return 0;
            switch (kind(id)) {
                case TYPEDEF, VOLATILE, CONST, RESTRICT, VAR, DECL_TAG, TYPE_TAG -> id = ref(id);
                case -1 -> {
                    return -1;
                }
                default -> {
                    return id;
                }
            }
        }
        return -1;
    }

    /** The size in bytes of a type (libbpf's btf__resolve_size); -1 when it has none. */
    public long size(int id) {
        long multiplier = 1;
        for (int depth = 0; depth < 32; depth++) {
            switch (kind(id)) {
                case INT, STRUCT, UNION, ENUM, ENUM64, DATASEC, FLOAT -> {
                    return multiplier * Integer.toUnsignedLong(ref(id));
                }
                case PTR -> {
                    return multiplier * 8;
                }
                case TYPEDEF, VOLATILE, CONST, RESTRICT, VAR, DECL_TAG, TYPE_TAG -> id = ref(id);
                case ARRAY -> {
                    multiplier *= Integer.toUnsignedLong(word(id, 2));
                    id = word(id, 0);
                }
                default -> {
                    return -1;
                }
            }
        }
        return -1;
    }

    /** The name of type {@code id}, or null. */
    public String nameOf(int id) {
        if (id <= 0 || id >= offsets.length) return null;
        return string(types.getInt(offsets[id]));
    }

    /** bpftool's signature text of a type (for functions: {@code ret name(type arg, ...)}), or "" when it fails. */
    public String signature(int id) {
        StringBuilder sb = new StringBuilder();
        try {
            if (!typeOnly(id, sb, 0)) return "";
        } catch (IndexOutOfBoundsException e) {
            return "";
        }
        return sb.length() >= SIGNATURE_MAX ? "" : sb.toString();
    }

    private boolean typeOnly(int id, StringBuilder sb, int depth) {
        if (depth > 64 || sb.length() >= SIGNATURE_MAX) return false;
        if (id == 0) {
            sb.append("void ");
            return true;
        }
        if (id < 0 || id >= offsets.length) return false;
        int at = offsets[id];
        String name = nameOf(id);
        switch (kind(id)) {
            case INT, TYPEDEF, FLOAT -> sb.append(name).append(' ');
            case STRUCT -> sb.append("struct ").append(name).append(' ');
            case UNION -> sb.append("union ").append(name).append(' ');
            case ENUM, ENUM64 -> sb.append("enum ").append(name).append(' ');
            case ARRAY -> {
                if (!typeOnly(types.getInt(at + 12), sb, depth + 1)) return false;
                sb.append('[').append(types.getInt(at + 20)).append(']');
            }
            case PTR -> {
                if (!typeOnly(ref(id), sb, depth + 1)) return false;
                sb.append("* ");
            }
            case FWD -> sb.append(kflag(id) ? "union " : "struct ").append(name).append(' ');
            case VOLATILE, CONST, RESTRICT -> {
                sb.append(kind(id) == VOLATILE ? "volatile " : kind(id) == CONST ? "const " : "restrict ");
                if (!typeOnly(ref(id), sb, depth + 1)) return false;
            }
            case FUNC_PROTO -> {
                return function(id, null, sb, depth);
            }
            case FUNC -> {
                int proto = ref(id);
                if (proto <= 0 || proto >= offsets.length || kind(proto) != FUNC_PROTO) return false;
                return function(proto, name, sb, depth);
            }
            case VAR -> {
                if (types.getInt(at + 12) == 1) sb.append("static ");
                if (!typeOnly(ref(id), sb, depth + 1)) return false;
                sb.append(' ').append(name);
            }
            case DATASEC -> sb.append("section (\"").append(name).append("\") ");
            default -> {
                return false;
            }
        }
        return true;
    }

    private boolean function(int proto, String name, StringBuilder sb, int depth) {
        if (!typeOnly(ref(proto), sb, depth + 1)) return false;
        sb.append(name != null ? name + "(" : "(");
        int params = offsets[proto] + 12;
        for (int i = 0; i < vlen(proto); i++) {
            int argName = types.getInt(params + i * 8);
            int argType = types.getInt(params + i * 8 + 4);
            if (i > 0) sb.append(", ");
            if (argType != 0) {
                if (!typeOnly(argType, sb, depth + 1)) return false;
                if (argName != 0) sb.append(string(argName));
                else if (!sb.isEmpty() && sb.charAt(sb.length() - 1) == ' ') sb.setLength(sb.length() - 1);
            } else {
                sb.append("...");
            }
        }
        sb.append(')');
        return true;
    }
}
