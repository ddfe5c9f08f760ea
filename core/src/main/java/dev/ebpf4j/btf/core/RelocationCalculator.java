package dev.ebpf4j.btf.core;

import dev.ebpf4j.btf.BtfCoreReloKind;
import dev.ebpf4j.btf.BtfEnum;
import dev.ebpf4j.btf.BtfEnumeration;
import dev.ebpf4j.btf.BtfInt;
import dev.ebpf4j.btf.BtfPtr;
import dev.ebpf4j.btf.BtfType;

import java.util.ArrayList;
import java.util.List;

/**
 * Computes a relocation's {@link Resolution} from the local spec and the candidates. Every matching candidate must
 * give the same bit offset and the same value, otherwise the relocation is ambiguous (an error). When none matches,
 * existence relocations and type sizes/ids become 0 and the other field and enumerator relocations poison their
 * instruction — exactly as libbpf decides.
 */
final class RelocationCalculator {
    /** The resolution and how the candidates fared (for notes). */
    record Outcome(Resolution resolution, int candidates, Candidate matched) {
    }

    private RelocationCalculator() {
    }

    /**
     * Resolves against {@code candidates}; on success the list is narrowed to the matching candidates, so later
     * relocations of the same local type only consider those (libbpf's candidate cache behaves the same way).
     */
    static Outcome resolve(AccessSpec local, List<Candidate> candidates) {
        Resolution chosen = null;
        AccessSpec chosenSpec = null;
        Candidate first = null;
        List<Candidate> matching = new ArrayList<>();
        for (Candidate c : candidates) {
            AccessSpec target = SpecMatcher.match(local, c.btf(), c.id());
            if (target == null) continue;
            Resolution r = calculate(local, target);
            if (chosen == null) {
                chosen = r;
                chosenSpec = target;
                first = c;
            } else if (target.bitOffset != chosenSpec.bitOffset) {
                throw CoreFailure.target("ambiguous: candidates " + name(first) + " and " + name(c)
                        + " place the field at different offsets (bit " + chosenSpec.bitOffset + " and "
                        + target.bitOffset + ")");
            } else if (r.poison() != chosen.poison() || r.value() != chosen.value()) {
                throw CoreFailure.target("ambiguous: candidates " + name(first) + " and " + name(c)
                        + " give different results (" + result(chosen) + " and " + result(r) + ")");
            }
            matching.add(c);
        }
        int count = candidates.size();
        if (chosen == null) return new Outcome(calculate(local, null), count, null);
        // the matching ones, in order (not retainAll: its equals() calls would bootstrap the record's methods)
        if (matching.size() != count) {
            candidates.clear();
            candidates.addAll(matching);
        }
        return new Outcome(chosen, count, first);
    }

    private static String name(Candidate c) {
        return CoreTypes.describe(c.btf(), c.id()) + " [" + c.id() + "] in " + c.source();
    }

    private static String result(Resolution r) {
        return r.poison() ? "failure" : Long.toUnsignedString(r.value());
    }

    /** The resolution for one target spec, or for no target at all ({@code target == null}). */
    static Resolution calculate(AccessSpec local, AccessSpec target) {
        BtfCoreReloKind kind = local.kind;
        if (kind.isFieldBased()) return field(local, target);
        if (kind.isEnumValueBased()) {
            if (kind == BtfCoreReloKind.ENUMVAL_EXISTS) return Resolution.value(1, target == null ? 0 : 1, true);
            long expected = enumeratorValue(local);
            if (target == null) return Resolution.poisoned(expected, "not found");
            return Resolution.value(expected, enumeratorValue(target), true);
        }
        return type(local, target);
    }

    private static Resolution field(AccessSpec local, AccessSpec target) {
        BtfCoreReloKind kind = local.kind;
        if (kind == BtfCoreReloKind.FIELD_EXISTS) return Resolution.value(1, target == null ? 0 : 1, true);
        FieldValue mine = FieldValue.of(local, kind, true);
        if (target == null) return Resolution.poisoned(mine.value(), "not found");
        FieldValue theirs = FieldValue.of(target, kind, false);
        boolean unsafe = false;
        if (mine.memorySize() != theirs.memorySize()) {
            BtfType l = TypeCache.type(local.btf, mine.fieldTypeId());
            BtfType t = TypeCache.type(target.btf, theirs.fieldTypeId());
            boolean pointers = l instanceof BtfPtr && t instanceof BtfPtr;
            boolean unsigned = l instanceof BtfInt li && !li.isSigned() && t instanceof BtfInt ti && !ti.isSigned();
            unsafe = !pointers && !unsigned;
        }
        return new Resolution(mine.value(), theirs.value(), false, null, mine.validate(), mine.memorySize(),
                theirs.memorySize(), unsafe);
    }

    private static Resolution type(AccessSpec local, AccessSpec target) {
        BtfCoreReloKind kind = local.kind;
        return switch (kind) {
            case TYPE_ID_TARGET -> Resolution.value(local.rootTypeId, target == null ? 0 : target.rootTypeId, false);
            case TYPE_EXISTS, TYPE_MATCHES -> Resolution.value(1, target == null ? 0 : 1, true);
            case TYPE_SIZE -> {
                long mine = CoreTypes.size(local.btf, local.rootTypeId);
                if (mine < 0) {
                    throw CoreFailure.object("type size of " + CoreTypes.describe(local.btf, local.rootTypeId)
                            + ", which has no size");
                }
                long theirs = 0;
                if (target != null) {
                    theirs = CoreTypes.size(target.btf, target.rootTypeId);
                    if (theirs < 0) {
                        throw CoreFailure.target("target " + CoreTypes.describe(target.btf, target.rootTypeId)
                                + " has no size");
                    }
                }
                yield Resolution.value(mine, theirs, true);
            }
            case TYPE_ID_LOCAL -> Resolution.value(local.rootTypeId, local.rootTypeId, false);
            default -> throw new IllegalArgumentException(kind + " is not a type relocation");
        };
    }

    /**
     * An enumerator's value as libbpf computes it: 32-bit enumerators are sign-extended whatever the enum's
     * signedness, 64-bit ones are taken as stored.
     */
    private static long enumeratorValue(AccessSpec spec) {
        Accessor a = spec.accessors.getFirst();
        BtfEnumeration e = (BtfEnumeration) TypeCache.type(spec.btf, a.typeId());
        long v = e.values().get(a.index()).value();
        return e instanceof BtfEnum ? (long) (int) v : v;
    }
}
