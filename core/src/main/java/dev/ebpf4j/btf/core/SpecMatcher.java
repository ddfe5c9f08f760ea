package dev.ebpf4j.btf.core;

import dev.ebpf4j.btf.Btf;
import dev.ebpf4j.btf.BtfArray;
import dev.ebpf4j.btf.BtfComposite;
import dev.ebpf4j.btf.BtfCoreReloKind;
import dev.ebpf4j.btf.BtfEnumeration;
import dev.ebpf4j.btf.BtfMember;

import java.util.List;

/**
 * Follows a local {@link AccessSpec} through one candidate target type and returns the target's spec, or null when
 * the candidate does not fit:
 * <ul>
 * <li>type relocations: the candidate must be {@linkplain TypeCompatibility#typesCompatible compatible} (or, for
 * {@code TYPE_MATCHES}, {@linkplain TypeMatching match});</li>
 * <li>enumerator relocations: the candidate must be an enum with an enumerator of the same essential name;</li>
 * <li>field relocations: every named member must be found by name (looking into anonymous members) with a
 * {@linkplain TypeCompatibility#fieldsCompatible compatible} type, and every array index must be within the
 * target array's bounds (unless it is a flexible array member).</li>
 * </ul>
 */
final class SpecMatcher {
    private static final int NOT_FOUND = -1;
    private static final int INCOMPATIBLE = -2;

    private SpecMatcher() {
    }

    static AccessSpec match(AccessSpec local, Btf target, int targetId) {
        BtfCoreReloKind kind = local.kind;
        AccessSpec spec = new AccessSpec(target, targetId, kind);
        if (kind.isTypeBased()) {
            boolean ok = kind == BtfCoreReloKind.TYPE_MATCHES
                    ? TypeMatching.matches(local.btf, local.rootTypeId, target, targetId)
                    : TypeCompatibility.typesCompatible(local.btf, local.rootTypeId, target, targetId);
            return ok ? spec : null;
        }
        if (kind.isEnumValueBased()) return matchEnumerator(local, spec, target, targetId);
        int id = targetId;
        for (int i = 0; i < local.accessors.size(); i++) {
            id = target.resolveId(id);
            Accessor localAccessor = local.accessors.get(i);
            if (localAccessor.isNamed()) {
                int next = matchMember(local, localAccessor, target, id, spec);
                if (next < 0) return null;
                id = next;
                continue;
            }
            if (i > 0) {
                if (!(TypeCache.type(target, id) instanceof BtfArray array)) return null;
                boolean flexible = CoreTypes.isFlexibleArray(target, spec.accessors.getLast(), array);
                if (!flexible && localAccessor.index() >= array.lengthUnsigned()) return null;
                id = target.resolveId(array.elementTypeId());
            }
            if (spec.raw.size() == AccessSpec.MAX_LENGTH) return null;
            long size = CoreTypes.size(target, id);
            if (size < 0) return null;
            spec.accessors.add(new Accessor(id, localAccessor.index(), null));
            spec.raw.add(localAccessor.index());
            spec.bitOffset += LocalSpecParser.bits(localAccessor.index(), size);
        }
        return spec;
    }

    private static AccessSpec matchEnumerator(AccessSpec local, AccessSpec spec, Btf target, int targetId) {
        int id = target.resolveId(targetId);
        if (!(TypeCache.type(target, id) instanceof BtfEnumeration e)) return null;
        String name = local.accessors.getFirst().name();
        for (int i = 0; i < e.values().size(); i++) {
            String candidate = e.values().get(i).name();
            if (EssentialName.same(name, candidate)) {
                spec.accessors.add(new Accessor(id, i, candidate));
                spec.raw.add(i);
                return spec;
            }
        }
        return null;
    }

    /**
     * Finds the local accessor's member by name in target composite {@code targetId} (anonymous members searched
     * depth-first), extending {@code spec}. Returns the member's type id, or a negative value when there is none or
     * its type is incompatible.
     */
    private static int matchMember(AccessSpec local, Accessor accessor, Btf target, int targetId, AccessSpec spec) {
        BtfComposite localType = (BtfComposite) TypeCache.type(local.btf, accessor.typeId());
        BtfMember localMember = localType.members().get(accessor.index());
        int found = search(local, localMember, target, targetId, spec);
        return found >= 0 ? found : NOT_FOUND;
    }

    private static int search(AccessSpec local, BtfMember localMember, Btf target, int targetId, AccessSpec spec) {
        targetId = target.resolveId(targetId);
        if (!(TypeCache.type(target, targetId) instanceof BtfComposite composite)) return NOT_FOUND;
        List<BtfMember> members = composite.members();
        for (int i = 0; i < members.size(); i++) {
            BtfMember m = members.get(i);
            if (spec.raw.size() == AccessSpec.MAX_LENGTH) return NOT_FOUND;
            spec.bitOffset += m.bitOffsetUnsigned();
            spec.raw.add(i);
            if (m.name().isEmpty()) {
                int found = search(local, localMember, target, m.typeId(), spec);
                if (found != NOT_FOUND) return found;
            } else if (m.name().equals(localMember.name())) {
                if (!TypeCompatibility.fieldsCompatible(local.btf, localMember.typeId(), target, m.typeId())) {
                    return INCOMPATIBLE;
                }
                spec.accessors.add(new Accessor(targetId, i, m.name()));
                return m.typeId();
            }
            spec.bitOffset -= m.bitOffsetUnsigned();
            spec.raw.removeLast();
        }
        return NOT_FOUND;
    }
}
