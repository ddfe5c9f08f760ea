package dev.ebpf4j.btf.core;

import dev.ebpf4j.btf.Btf;
import dev.ebpf4j.btf.BtfArray;
import dev.ebpf4j.btf.BtfComposite;
import dev.ebpf4j.btf.BtfEnumValue;
import dev.ebpf4j.btf.BtfEnumeration;
import dev.ebpf4j.btf.BtfFuncProto;
import dev.ebpf4j.btf.BtfFwd;
import dev.ebpf4j.btf.BtfInt;
import dev.ebpf4j.btf.BtfKind;
import dev.ebpf4j.btf.BtfMember;
import dev.ebpf4j.btf.BtfPtr;
import dev.ebpf4j.btf.BtfType;

import java.util.List;

/**
 * The stricter {@code TYPE_MATCHES} relation ({@code bpf_core_type_matches()}), libbpf's semantics. Typedefs and
 * qualifiers are skipped, then names must match: equal essential names, or both anonymous (the root's own name was
 * already matched by the candidate search). Then:
 * <ul>
 * <li>integers: same size and signedness;</li>
 * <li>enums (32 or 64-bit): same size, and every local enumerator's name is among the target's;</li>
 * <li>structs/unions: same kind, at most as many members locally, and every local member has a target member of
 * matching name whose type matches (recursively); behind a pointer, a struct/union also matches a forward
 * declaration of the same flavor, and the members are not compared;</li>
 * <li>forward declarations: a forward of the same struct/union flavor, or behind a pointer the complete type;</li>
 * <li>pointers: what they point to (from then on "behind a pointer"); arrays: same length and matching elements;
 * function prototypes: same parameter count, matching parameters and return type; void matches void;</li>
 * <li>anything else (floats included, as in libbpf) does not match.</li>
 * </ul>
 */
final class TypeMatching {
    /** Recursion budget (libbpf uses 32). */
    static final int MAX_DEPTH = 32;

    private TypeMatching() {
    }

    static boolean matches(Btf local, int localId, Btf target, int targetId) {
        return matches(local, localId, target, targetId, false, MAX_DEPTH, new StepBudget());
    }

    private static boolean matches(Btf local, int localId, Btf target, int targetId, boolean behindPointer,
                                   int level, StepBudget budget) {
        if (level <= 0) return false;
        for (int hops = 0; hops < MAX_DEPTH; hops++) {
            budget.spend();
            localId = local.resolveId(localId);
            targetId = target.resolveId(targetId);
            BtfType l = TypeCache.type(local, localId);
            BtfType t = TypeCache.type(target, targetId);
            if (!namesMatch(l.name(), t.name())) return false;
            switch (l) {
                case BtfFwd lf -> {
                    if (t instanceof BtfFwd tf) return lf.union() == tf.union();
                    if (!behindPointer) return false;
                    return lf.union() ? t.kind() == BtfKind.UNION : t.kind() == BtfKind.STRUCT;
                }
                case BtfEnumeration le -> {
                    return t instanceof BtfEnumeration te && enumsMatch(le, te);
                }
                case BtfComposite lc -> {
                    if (behindPointer) {
                        if (lc.kind() == t.kind()) return true;
                        return t instanceof BtfFwd tf && tf.union() == (lc.kind() == BtfKind.UNION);
                    }
                    return lc.kind() == t.kind()
                            && compositesMatch(local, lc, target, (BtfComposite) t, behindPointer, level, budget);
                }
                case BtfInt li -> {
                    return t instanceof BtfInt ti && Integer.toUnsignedLong(li.size())
                            == Integer.toUnsignedLong(ti.size()) && li.isSigned() == ti.isSigned();
                }
                case BtfPtr lp -> {
                    if (!(t instanceof BtfPtr tp)) return false;
                    behindPointer = true;
                    localId = lp.typeId();
                    targetId = tp.typeId();
                }
                case BtfArray la -> {
                    if (!(t instanceof BtfArray ta) || la.length() != ta.length()) return false;
                    localId = la.elementTypeId();
                    targetId = ta.elementTypeId();
                }
                case BtfFuncProto lp -> {
                    if (!(t instanceof BtfFuncProto tp)) return false;
                    List<Integer> lParams = TypeCompatibility.paramTypes(lp);
                    List<Integer> tParams = TypeCompatibility.paramTypes(tp);
                    if (lParams.size() != tParams.size()) return false;
                    for (int i = 0; i < lParams.size(); i++) {
                        if (!matches(local, lParams.get(i), target, tParams.get(i), behindPointer, level - 1,
                                budget)) {
                            return false;
                        }
                    }
                    localId = lp.returnTypeId();
                    targetId = tp.returnTypeId();
                }
                default -> {
                    return l.kind() == BtfKind.VOID && t.kind() == BtfKind.VOID;
                }
            }
        }
        return false;
    }

    /** Equal essential names, or both anonymous. */
    static boolean namesMatch(String local, String target) {
        if (target.isEmpty()) return local.isEmpty();
        return EssentialName.same(local, target);
    }

    private static boolean enumsMatch(BtfEnumeration local, BtfEnumeration target) {
        if (local.size() != target.size() || local.values().size() > target.values().size()) return false;
        for (BtfEnumValue lv : local.values()) {
            boolean found = false;
            for (BtfEnumValue tv : target.values()) {
                if (namesMatch(lv.name(), tv.name())) {
                    found = true;
                    break;
                }
            }
            if (!found) return false;
        }
        return true;
    }

    private static boolean compositesMatch(Btf local, BtfComposite l, Btf target, BtfComposite t,
                                           boolean behindPointer, int level, StepBudget budget) {
        if (l.members().size() > t.members().size()) return false;
        for (BtfMember lm : l.members()) {
            boolean found = false;
            for (BtfMember tm : t.members()) {
                if (namesMatch(lm.name(), tm.name())
                        && matches(local, lm.typeId(), target, tm.typeId(), behindPointer, level - 1, budget)) {
                    found = true;
                    break;
                }
            }
            if (!found) return false;
        }
        return true;
    }
}
