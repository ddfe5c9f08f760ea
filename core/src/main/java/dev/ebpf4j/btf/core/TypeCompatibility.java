package dev.ebpf4j.btf.core;

import dev.ebpf4j.btf.Btf;
import dev.ebpf4j.btf.BtfArray;
import dev.ebpf4j.btf.BtfComposite;
import dev.ebpf4j.btf.BtfFuncProto;
import dev.ebpf4j.btf.BtfInt;
import dev.ebpf4j.btf.BtfParam;
import dev.ebpf4j.btf.BtfPtr;
import dev.ebpf4j.btf.BtfType;

import java.util.ArrayList;
import java.util.List;

/**
 * CO-RE's loose compatibility rules (libbpf's semantics), used to accept a candidate:
 * <ul>
 * <li>{@link #fieldsCompatible}: the type of a member found by name — any struct/union matches any struct/union;
 * pointers and floats match their kind; enums and forward declarations match by essential name (anonymous matches
 * any); integers match unless one is an old-style bitfield integer (nonzero bit offset); arrays compare elements.</li>
 * <li>{@link #typesCompatible}: the root type of type-based relocations — structs, unions, enums and forward
 * declarations match by kind alone, integers as above, pointers and arrays compare what they point to or hold,
 * function prototypes compare parameter counts, parameter types and return types.</li>
 * </ul>
 * Typedefs and qualifiers are skipped on both sides first.
 */
final class TypeCompatibility {
    /** How deep {@link #typesCompatible} follows pointers, arrays and prototypes (libbpf uses 32). */
    static final int MAX_DEPTH = 32;

    private TypeCompatibility() {
    }

    static boolean fieldsCompatible(Btf local, int localId, Btf target, int targetId) {
        for (int depth = 0; depth < MAX_DEPTH; depth++) {
            localId = local.resolveId(localId);
            targetId = target.resolveId(targetId);
            BtfType l = TypeCache.type(local, localId);
            BtfType t = TypeCache.type(target, targetId);
            if (l instanceof BtfComposite && t instanceof BtfComposite) return true;
            if (!CoreTypes.kindsCompatible(l.kind(), t.kind())) return false;
            switch (l.kind()) {
                case PTR, FLOAT -> {
                    return true;
                }
                case FWD, ENUM, ENUM64 -> {
                    return EssentialName.matchesOrAnonymous(l.name(), t.name());
                }
                case INT -> {
                    return ((BtfInt) l).bitOffset() == 0 && ((BtfInt) t).bitOffset() == 0;
                }
                case ARRAY -> {
                    localId = ((BtfArray) l).elementTypeId();
                    targetId = ((BtfArray) t).elementTypeId();
                }
                default -> {
                    return false;
                }
            }
        }
        return false;
    }

    static boolean typesCompatible(Btf local, int localId, Btf target, int targetId) {
        return typesCompatible(local, localId, target, targetId, MAX_DEPTH, new StepBudget());
    }

    private static boolean typesCompatible(Btf local, int localId, Btf target, int targetId, int level,
                                           StepBudget budget) {
        if (!CoreTypes.kindsCompatible(local.kind(localId), target.kind(targetId))) return false;
        for (int hops = 0; hops < MAX_DEPTH; hops++) {
            budget.spend();
            localId = local.resolveId(localId);
            targetId = target.resolveId(targetId);
            BtfType l = TypeCache.type(local, localId);
            BtfType t = TypeCache.type(target, targetId);
            if (!CoreTypes.kindsCompatible(l.kind(), t.kind())) return false;
            switch (l.kind()) {
                case VOID, STRUCT, UNION, ENUM, ENUM64, FWD -> {
                    return true;
                }
                case INT -> {
                    return ((BtfInt) l).bitOffset() == 0 && ((BtfInt) t).bitOffset() == 0;
                }
                case PTR -> {
                    localId = ((BtfPtr) l).typeId();
                    targetId = ((BtfPtr) t).typeId();
                }
                case ARRAY -> {
                    localId = ((BtfArray) l).elementTypeId();
                    targetId = ((BtfArray) t).elementTypeId();
                }
                case FUNC_PROTO -> {
                    BtfFuncProto lp = (BtfFuncProto) l;
                    BtfFuncProto tp = (BtfFuncProto) t;
                    List<Integer> lParams = paramTypes(lp);
                    List<Integer> tParams = paramTypes(tp);
                    if (lParams.size() != tParams.size()) return false;
                    for (int i = 0; i < lParams.size(); i++) {
                        if (level <= 0) return false;
                        if (!typesCompatible(local, lParams.get(i), target, tParams.get(i), level - 1, budget)) {
                            return false;
                        }
                    }
                    localId = lp.returnTypeId();
                    targetId = tp.returnTypeId();
                }
                default -> {
                    return false;
                }
            }
        }
        return false;
    }

    /** Parameter type ids as encoded: the variadic marker counts as a final void parameter. */
    static List<Integer> paramTypes(BtfFuncProto proto) {
        List<Integer> ids = new ArrayList<>(proto.vlen());
        for (BtfParam p : proto.params()) ids.add(p.typeId());
        if (proto.variadic()) ids.add(0);
        return ids;
    }
}
