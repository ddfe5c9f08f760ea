package dev.ebpf4j.btf;

import java.util.Arrays;

/**
 * Name → type ids for one BTF's own types: an open hash table over the raw UTF-8 names, built in one pass without
 * creating a String per type. Chains list ids in ascending order; anonymous types are not indexed.
 */
final class NameIndex {
    private static final int[] NONE = new int[0];

    private final Btf btf;
    private final int[] heads;   // bucket -> local index + 1, 0 = empty
    private final int[] next;    // local index -> next local index + 1 in the same bucket
    private final int mask;

    NameIndex(Btf btf) {
        this.btf = btf;
        int count = btf.ownTypeCount();
        int buckets = Integer.highestOneBit(Math.max(16, count) - 1) << 1;
        this.heads = new int[buckets];
        this.next = new int[count];
        this.mask = buckets - 1;
        for (int local = count - 1; local >= 0; local--) {
            long nameOff = btf.rawNameOffset(local);
            if (nameOff == 0) continue;
            int bucket = btf.hashString(nameOff) & mask;
            next[local] = heads[bucket];
            heads[bucket] = local + 1;
        }
    }

    /** Hash of a name's UTF-8 bytes; must agree with {@link Btf#hashString}. */
    static int hash(byte[] utf8) {
        int h = 0x811c9dc5;
        for (byte x : utf8) h = (h ^ (x & 0xff)) * 0x01000193;
        return mix(h);
    }

    static int mix(int h) {
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        return h;
    }

    /** Own local indices whose name equals {@code utf8} (non-empty), ascending. */
    int[] find(byte[] utf8) {
        int[] out = NONE;
        int n = 0;
        for (int e = heads[hash(utf8) & mask]; e != 0; e = next[e - 1]) {
            int local = e - 1;
            if (btf.stringEquals(btf.rawNameOffset(local), utf8)) {
                if (n == out.length) out = Arrays.copyOf(out, Math.max(4, n * 2));
                out[n++] = local;
            }
        }
        return n == out.length ? out : Arrays.copyOf(out, n);
    }

    /** The first own local index with that name and kind, or -1. */
    int findFirst(byte[] utf8, BtfKind kind) {
        for (int e = heads[hash(utf8) & mask]; e != 0; e = next[e - 1]) {
            int local = e - 1;
            if (btf.rawKind(local) == kind && btf.stringEquals(btf.rawNameOffset(local), utf8)) return local;
        }
        return -1;
    }
}
