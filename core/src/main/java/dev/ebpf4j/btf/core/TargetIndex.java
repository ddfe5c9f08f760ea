package dev.ebpf4j.btf.core;

import dev.ebpf4j.btf.Btf;
import dev.ebpf4j.btf.BtfKind;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Candidate lookup by essential name in one target BTF. Exact names go through the BTF's own name index; names
 * with a flavor suffix ({@code nf_conn___init}) are found once per BTF by scanning its string table for the
 * {@code x___y} pattern — vmlinux holds only a handful — and indexing the types that carry them. Indexes are kept
 * per {@link Btf} instance for the life of that instance, so vmlinux is scanned once per process.
 */
final class TargetIndex {
    private static final Map<Btf, TargetIndex> INDEXES = Collections.synchronizedMap(new WeakHashMap<>());
    private static final int[] NONE = new int[0];

    private final Btf btf;
    private final Map<String, int[]> flavored;

    private TargetIndex(Btf btf) {
        this.btf = btf;
        this.flavored = indexFlavoredNames(btf);
    }

    /** The (shared) index of {@code btf}. */
    static TargetIndex of(Btf btf) {
        TargetIndex index = INDEXES.get(btf);
        if (index == null) {
            index = new TargetIndex(btf);
            TargetIndex raced = INDEXES.putIfAbsent(btf, index);
            if (raced != null) index = raced;
        }
        return index;
    }

    Btf btf() {
        return btf;
    }

    /**
     * Ids from {@code fromId} up whose essential name is {@code essential} and whose kind is compatible with
     * {@code localKind} (equal, or enum with enum64), ascending.
     */
    int[] candidates(String essential, BtfKind localKind, int fromId) {
        int[] exact = btf.idsByName(essential);
        int[] flavors = flavored.getOrDefault(essential, NONE);
        int[] out = new int[exact.length + flavors.length];
        int n = 0;
        for (int id : exact) {
            if (id >= fromId && CoreTypes.kindsCompatible(localKind, btf.kind(id))) out[n++] = id;
        }
        for (int id : flavors) {
            if (id >= fromId && CoreTypes.kindsCompatible(localKind, btf.kind(id))) out[n++] = id;
        }
        out = Arrays.copyOf(out, n);
        Arrays.sort(out);
        return out;
    }

    /** Essential name → ids of this BTF's own types whose names carry a flavor suffix. */
    private static Map<String, int[]> indexFlavoredNames(Btf btf) {
        Map<String, int[]> index = new HashMap<>();
        for (String name : flavoredStrings(btf)) {
            int[] ids = btf.idsByName(name);
            if (ids.length == 0) continue;
            index.merge(EssentialName.of(name), ids, TargetIndex::concat);
        }
        for (Map.Entry<String, int[]> e : index.entrySet()) Arrays.sort(e.getValue());
        return Map.copyOf(index);
    }

    /** The distinct strings of the BTF's own string section that contain a flavor separator. */
    private static List<String> flavoredStrings(Btf btf) {
        MemorySegment blob = btf.bytes();
        ValueLayout.OfInt u32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(btf.byteOrder());
        long headerLength = Integer.toUnsignedLong(blob.get(u32, 4));
        long start = headerLength + Integer.toUnsignedLong(blob.get(u32, 16));
        byte[] strings = blob.asSlice(start, Integer.toUnsignedLong(blob.get(u32, 20))).toArray(ValueLayout.JAVA_BYTE);
        List<String> found = new ArrayList<>();
        // a separator is "x___y": exactly three underscores between two other non-NUL bytes
        for (int i = 1; i + 3 < strings.length; i++) {
            if (strings[i] != '_' || strings[i + 1] != '_' || strings[i + 2] != '_') continue;
            byte before = strings[i - 1];
            byte after = strings[i + 3];
            if (before == 0 || before == '_' || after == 0 || after == '_') continue;
            int from = i - 1;
            while (from > 0 && strings[from - 1] != 0) from--;
            int to = i + 3;
            while (to < strings.length && strings[to] != 0) to++;
            found.add(new String(strings, from, to - from, StandardCharsets.UTF_8));
            i = to;                                 // on to the next string
        }
        return found;
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
