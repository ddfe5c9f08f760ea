package dev.ebpf4j.btf.core;

import dev.ebpf4j.btf.Btf;
import dev.ebpf4j.btf.BtfCoreReloKind;

import java.util.ArrayList;
import java.util.List;

/**
 * A CO-RE access path resolved in one BTF: the root type, the raw indices (the access string, anonymous members
 * included), the named steps ({@link Accessor}s; anonymous members are skipped) and the bit offset the path reaches
 * from the start of the root. Built for the local BTF by {@link LocalSpecParser} and for each candidate by
 * {@link SpecMatcher}.
 */
final class AccessSpec {
    /** Longest access path libbpf accepts. */
    static final int MAX_LENGTH = 64;

    final Btf btf;
    final int rootTypeId;
    final BtfCoreReloKind kind;
    final List<Integer> raw = new ArrayList<>();
    final List<Accessor> accessors = new ArrayList<>();
    long bitOffset;

    AccessSpec(Btf btf, int rootTypeId, BtfCoreReloKind kind) {
        this.btf = btf;
        this.rootTypeId = rootTypeId;
        this.kind = kind;
    }

    Accessor last() {
        return accessors.getLast();
    }

    /** The raw indices joined with ':' (the access string). */
    String rawString() {
        StringBuilder sb = new StringBuilder();
        for (int i : raw) {
            if (!sb.isEmpty()) sb.append(':');
            sb.append(i);
        }
        return sb.toString();
    }
}
