package dev.ebpf4j.btf.core;

import dev.ebpf4j.BpfException;
import dev.ebpf4j.btf.Btf;
import dev.ebpf4j.btf.BtfArray;
import dev.ebpf4j.btf.BtfComposite;
import dev.ebpf4j.btf.BtfKind;
import dev.ebpf4j.btf.BtfType;

/** Small BTF questions the relocator asks of local and target BTF alike. */
final class CoreTypes {
    private CoreTypes() {
    }

    /** The size of a type as {@code btf__resolve_size} gives it, or -1 when it has none (void, fwd, func, loops). */
    static long size(Btf btf, int id) {
        try {
            return btf.sizeOf(id);
        } catch (IllegalArgumentException | BpfException e) {
            return -1;
        }
    }

    /**
     * True when {@code array} is a flexible array member: a zero-length array reached as the last member of a struct
     * ({@code previous} is the accessor that named it).
     */
    static boolean isFlexibleArray(Btf btf, Accessor previous, BtfArray array) {
        if (previous == null || !previous.isNamed() || array.length() != 0) return false;
        return TypeCache.type(btf, previous.typeId()) instanceof BtfComposite c
                && previous.index() == c.members().size() - 1;
    }

    /** True for STRUCT and UNION. */
    static boolean isComposite(BtfKind kind) {
        return kind == BtfKind.STRUCT || kind == BtfKind.UNION;
    }

    /** True for ENUM and ENUM64. */
    static boolean isEnum(BtfKind kind) {
        return kind == BtfKind.ENUM || kind == BtfKind.ENUM64;
    }

    /** Kinds CO-RE treats as the same: equal kinds, or enum and enum64. */
    static boolean kindsCompatible(BtfKind a, BtfKind b) {
        return a == b || (isEnum(a) && isEnum(b));
    }

    /** A type as C spells it for messages: {@code struct task_struct}, {@code typedef u32}, {@code int}. */
    static String describe(Btf btf, int id) {
        if (id == 0) return "void";
        BtfType t = TypeCache.type(btf, id);
        String name = t.name().isEmpty() ? "<anon>" : t.name();
        return switch (t.kind()) {
            case STRUCT -> "struct " + name;
            case UNION -> "union " + name;
            case ENUM, ENUM64 -> "enum " + name;
            case FWD -> (((dev.ebpf4j.btf.BtfFwd) t).union() ? "union " : "struct ") + name;
            case TYPEDEF -> name;
            case INT, FLOAT -> name;
            default -> t.kind().name().toLowerCase(java.util.Locale.ROOT) + " " + name + " [" + id + "]";
        };
    }
}
