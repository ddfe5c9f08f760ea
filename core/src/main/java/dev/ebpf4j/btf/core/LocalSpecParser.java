package dev.ebpf4j.btf.core;

import dev.ebpf4j.btf.Btf;
import dev.ebpf4j.btf.BtfArray;
import dev.ebpf4j.btf.BtfComposite;
import dev.ebpf4j.btf.BtfCoreReloKind;
import dev.ebpf4j.btf.BtfEnumeration;
import dev.ebpf4j.btf.BtfMember;
import dev.ebpf4j.btf.BtfType;

/**
 * Turns a relocation's access string into an {@link AccessSpec} against the object's own BTF. The first index
 * steps over the root pointer ({@code p[n]}); each further index picks a struct/union member or an array element.
 * Anonymous members appear in the raw indices but not among the named accessors. Enumerator relocations have one
 * index (the enumerator); type relocations have exactly {@code "0"}. Anything else is an object fault.
 */
final class LocalSpecParser {
    private LocalSpecParser() {
    }

    static AccessSpec parse(Btf btf, int typeId, String access, BtfCoreReloKind kind) {
        if (typeId < 0 || typeId >= btf.typeCount()) {
            throw CoreFailure.object("type id " + typeId + " is not in the object's BTF (ids 1.."
                    + (btf.typeCount() - 1) + ")");
        }
        int[] indices = indices(access);
        AccessSpec spec = new AccessSpec(btf, typeId, kind);
        for (int i : indices) spec.raw.add(i);
        if (kind.isTypeBased()) {
            if (!access.equals("0")) {
                throw CoreFailure.object("access string \"" + access + "\" of a type relocation must be \"0\"");
            }
            return spec;
        }
        int id = resolve(btf, typeId);
        BtfType root = TypeCache.type(btf, id);
        if (kind.isEnumValueBased()) {
            if (!(root instanceof BtfEnumeration e)) {
                throw CoreFailure.object("enumerator relocation on " + CoreTypes.describe(btf, typeId)
                        + ", which is not an enum");
            }
            if (indices.length != 1 || indices[0] >= e.values().size()) {
                throw CoreFailure.object("access string \"" + access + "\" does not name one of the "
                        + e.values().size() + " enumerators of " + CoreTypes.describe(btf, typeId));
            }
            spec.accessors.add(new Accessor(id, indices[0], e.values().get(indices[0]).name()));
            return spec;
        }
        long rootSize = CoreTypes.size(btf, id);
        if (rootSize < 0) {
            throw CoreFailure.object("field relocation on " + CoreTypes.describe(btf, typeId) + ", which has no size");
        }
        spec.accessors.add(new Accessor(id, indices[0], null));
        spec.bitOffset = bits(indices[0], rootSize);
        for (int level = 1; level < indices.length; level++) {
            int index = indices[level];
            id = resolve(btf, id);
            BtfType t = TypeCache.type(btf, id);
            if (t instanceof BtfComposite c) {
                if (index >= c.members().size()) {
                    throw CoreFailure.object("access index #" + level + " (" + index + ") is past the last member of "
                            + CoreTypes.describe(btf, id) + " (" + c.members().size() + " members)");
                }
                BtfMember m = c.members().get(index);
                spec.bitOffset += m.bitOffsetUnsigned();
                if (!m.name().isEmpty()) spec.accessors.add(new Accessor(id, index, m.name()));
                id = m.typeId();
            } else if (t instanceof BtfArray a) {
                int element = resolve(btf, a.elementTypeId());
                boolean flexible = CoreTypes.isFlexibleArray(btf, spec.last(), a);
                if (!flexible && index >= a.lengthUnsigned()) {
                    throw CoreFailure.object("access index #" + level + " (" + index + ") is out of bounds of an array"
                            + " of " + a.lengthUnsigned() + " elements");
                }
                long size = CoreTypes.size(btf, element);
                if (size < 0) {
                    throw CoreFailure.object("array element " + CoreTypes.describe(btf, element) + " has no size");
                }
                spec.accessors.add(new Accessor(element, index, null));
                spec.bitOffset = Math.addExact(spec.bitOffset, bits(index, size));
                id = element;
            } else {
                throw CoreFailure.object("access index #" + level + " (" + index + ") steps into "
                        + CoreTypes.describe(btf, id) + ", which is not a struct, union or array");
            }
        }
        return spec;
    }

    /** The access string's indices: non-negative decimal numbers separated by single colons, at most 64. */
    static int[] indices(String access) {
        if (access.isEmpty()) throw CoreFailure.object("empty access string");
        String[] parts = access.split(":", -1);
        if (parts.length > AccessSpec.MAX_LENGTH) {
            throw CoreFailure.object("access string \"" + access + "\" has " + parts.length + " indices (at most "
                    + AccessSpec.MAX_LENGTH + ")");
        }
        int[] out = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 10 || !p.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
                throw CoreFailure.object("access string \"" + access + "\" is not a list of indices like \"0:1:2\"");
            }
            long v = Long.parseLong(p);
            if (v > Integer.MAX_VALUE) throw CoreFailure.object("access index " + p + " is too large");
            out[i] = (int) v;
        }
        return out;
    }

    /** {@code index × size × 8}, failing on overflow. */
    static long bits(long index, long size) {
        try {
            return Math.multiplyExact(Math.multiplyExact(index, size), 8L);
        } catch (ArithmeticException e) {
            throw CoreFailure.object("access index " + index + " × element size " + size + " overflows");
        }
    }

    private static int resolve(Btf btf, int id) {
        try {
            return btf.resolveId(id);
        } catch (RuntimeException e) {
            throw CoreFailure.object("type [" + id + "]: " + e.getMessage());
        }
    }
}
