package dev.ebpf4j.btf.core;

import dev.ebpf4j.btf.BtfCoreReloKind;

/** Words for relocations in notes and errors: kind names and the C spelling of an access path. */
final class CoreText {
    private CoreText() {
    }

    /** What a relocation kind computes, in words ("field byte offset"). */
    static String kind(BtfCoreReloKind kind) {
        return switch (kind) {
            case FIELD_BYTE_OFFSET -> "field byte offset";
            case FIELD_BYTE_SIZE -> "field byte size";
            case FIELD_EXISTS -> "field existence";
            case FIELD_SIGNED -> "field signedness";
            case FIELD_LSHIFT_U64 -> "field left shift";
            case FIELD_RSHIFT_U64 -> "field right shift";
            case TYPE_ID_LOCAL -> "local type id";
            case TYPE_ID_TARGET -> "target type id";
            case TYPE_EXISTS -> "type existence";
            case TYPE_SIZE -> "type size";
            case ENUMVAL_EXISTS -> "enumerator existence";
            case ENUMVAL_VALUE -> "enumerator value";
            case TYPE_MATCHES -> "type match";
        };
    }

    /**
     * The C spelling of what a local spec accesses: {@code struct task_struct.pid}, {@code struct s[1].arr[3]},
     * {@code enum pid_type::PIDTYPE_TGID} or just the type for type relocations.
     */
    static String access(AccessSpec spec) {
        StringBuilder sb = new StringBuilder(CoreTypes.describe(spec.btf, spec.rootTypeId));
        if (spec.kind.isTypeBased()) return sb.toString();
        if (spec.kind.isEnumValueBased()) return sb.append("::").append(spec.accessors.getFirst().name()).toString();
        for (int i = 0; i < spec.accessors.size(); i++) {
            Accessor a = spec.accessors.get(i);
            if (a.isNamed()) {
                sb.append('.').append(a.name());
            } else if (i > 0 || a.index() > 0) {
                sb.append('[').append(a.index()).append(']');
            }
        }
        return sb.toString();
    }

    /** The kind and essential name of the local root type, as searched for: {@code struct task_struct}. */
    static String kindAndName(AccessSpec spec) {
        String name = EssentialName.of(spec.btf.name(spec.rootTypeId));
        String kind = switch (spec.btf.kind(spec.rootTypeId)) {
            case STRUCT -> "struct";
            case UNION -> "union";
            case ENUM, ENUM64 -> "enum";
            case FWD -> "forward declaration";
            case TYPEDEF -> "typedef";
            case INT -> "integer type";
            case FLOAT -> "float type";
            default -> spec.btf.kind(spec.rootTypeId).name().toLowerCase(java.util.Locale.ROOT);
        };
        return kind + " " + name;
    }

    /** {@code "field byte offset of struct task_struct.pid (access 0:17)"}. */
    static String subject(AccessSpec spec) {
        String what = kind(spec.kind) + " of " + access(spec);
        return spec.kind.isTypeBased() ? what : what + " (access " + spec.rawString() + ")";
    }
}
