package dev.ebpf4j.vm.maps;

import dev.ebpf4j.MapSpec;
import dev.ebpf4j.vm.mem.Addresses;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code BPF_MAP_TYPE_HASH}, {@code PERCPU_HASH} (one CPU) and, with {@code lru}, {@code LRU_HASH} /
 * {@code LRU_PERCPU_HASH}. Preallocated like the kernel's default: {@code max_entries} value slots in one region
 * (so value pointers handed to programs stay inside it), keys in a private slab, an open-addressing index with
 * linear probing and backward-shift deletion. Allocates nothing per operation. The LRU form evicts the least
 * recently looked-up or updated entry when full.
 *
 * <pre>{@code
 * HashMap m = new HashMap(MapSpec.hash("h", 4, 8, 128), 0, 1000, false);
 * }</pre>
 */
public final class HashMap extends MapBase {
    private final int keySize;
    private final int valueSize;
    private final int stride;
    private final byte[] values;
    private final byte[] keys;
    private final int[] table;          // slot + 1, 0 = empty
    private final int mask;
    private final int[] freeSlots;
    private int freeCount;
    private final boolean lru;
    private final int[] prev;
    private final int[] next;
    private int head = -1;              // most recently used
    private int tail = -1;              // least recently used
    private final int[] tableIndexOfSlot;
    private int count;

    public HashMap(MapSpec spec, int index, int fd, boolean lru) {
        super(spec, index, fd);
        this.keySize = spec.keySize();
        this.valueSize = spec.valueSize();
        this.stride = stride(valueSize);
        int n = spec.maxEntries();
        if (keySize <= 0 || n <= 0) throw new IllegalArgumentException("hash maps need a key and max_entries > 0");
        this.values = new byte[Math.multiplyExact(stride, n)];
        this.keys = new byte[Math.multiplyExact(keySize, n)];
        int cap = Integer.highestOneBit(Math.max(4, n) * 2 - 1) << 1;
        this.table = new int[cap];
        this.mask = cap - 1;
        this.freeSlots = new int[n];
        for (int i = 0; i < n; i++) freeSlots[i] = n - 1 - i;
        this.freeCount = n;
        this.lru = lru;
        this.prev = lru ? new int[n] : null;
        this.next = lru ? new int[n] : null;
        this.tableIndexOfSlot = new int[n];
    }

    @Override
    public byte[] memory() {
        return values;
    }

    private int hash(byte[] k, int off) {
        int h = 0x9e3779b9;
        for (int i = 0; i < keySize; i++) h = (h ^ (k[off + i] & 0xff)) * 0x01000193;
        h ^= h >>> 16;
        return h;
    }

    /** Table index holding the key, or -1. */
    private int find(byte[] k, int off) {
        int i = hash(k, off) & mask;
        while (true) {
            int e = table[i];
            if (e == 0) return -1;
            int slot = e - 1;
            if (Arrays.equals(keys, slot * keySize, slot * keySize + keySize, k, off, off + keySize)) return i;
            i = (i + 1) & mask;
        }
    }

    @Override
    public synchronized long lookupForProgram(byte[] key, int keyOff) {
        int t = find(key, keyOff);
        if (t < 0) return 0;
        int slot = table[t] - 1;
        if (lru) touch(slot);
        return Addresses.of(region, slot * stride);
    }

    @Override
    public synchronized int updateForProgram(byte[] key, int keyOff, byte[] value, int valueOff, long flags) {
        long mode = flags & ~4L;
        if (mode > 2) return -EINVAL;
        int t = find(key, keyOff);
        if (t >= 0) {
            if (mode == 1) return -EEXIST;
            int slot = table[t] - 1;
            System.arraycopy(value, valueOff, values, slot * stride, valueSize);
            if (lru) touch(slot);
            return 0;
        }
        if (mode == 2) return -ENOENT;
        if (freeCount == 0) {
            if (!lru) return -E2BIG;
            evict(tail);
        }
        int slot = freeSlots[--freeCount];
        System.arraycopy(key, keyOff, keys, slot * keySize, keySize);
        System.arraycopy(value, valueOff, values, slot * stride, valueSize);
        Arrays.fill(values, slot * stride + valueSize, slot * stride + stride, (byte) 0);
        int i = hash(key, keyOff) & mask;
        while (table[i] != 0) i = (i + 1) & mask;
        table[i] = slot + 1;
        tableIndexOfSlot[slot] = i;
        count++;
        if (lru) pushFront(slot);
        return 0;
    }

    @Override
    public synchronized int deleteForProgram(byte[] key, int keyOff) {
        int t = find(key, keyOff);
        if (t < 0) return -ENOENT;
        removeAt(t);
        return 0;
    }

    private void evict(int slot) {
        removeAt(tableIndexOfSlot[slot]);
    }

    private void removeAt(int t) {
        int slot = table[t] - 1;
        if (lru) unlink(slot);
        freeSlots[freeCount++] = slot;
        count--;
        // backward-shift deletion keeps every probe chain unbroken
        int hole = t;
        int i = (t + 1) & mask;
        while (table[i] != 0) {
            int s = table[i] - 1;
            int home = hash(keys, s * keySize) & mask;
            boolean movable = ((i - home) & mask) >= ((i - hole) & mask);
            if (movable) {
                table[hole] = table[i];
                tableIndexOfSlot[s] = hole;
                hole = i;
            }
            i = (i + 1) & mask;
        }
        table[hole] = 0;
    }

    private void touch(int slot) {
        if (head == slot) return;
        unlink(slot);
        pushFront(slot);
    }

    private void pushFront(int slot) {
        prev[slot] = -1;
        next[slot] = head;
        if (head >= 0) prev[head] = slot;
        head = slot;
        if (tail < 0) tail = slot;
    }

    private void unlink(int slot) {
        int p = prev[slot];
        int n = next[slot];
        if (p >= 0) next[p] = n; else head = n;
        if (n >= 0) prev[n] = p; else tail = p;
    }

    @Override
    protected List<byte[]> keysCopy() {
        List<byte[]> out = new ArrayList<>(count);
        for (int e : table) {
            if (e != 0) {
                int s = e - 1;
                out.add(Arrays.copyOfRange(keys, s * keySize, s * keySize + keySize));
            }
        }
        return out;
    }

    @Override
    protected byte[] valueAt(long address) {
        return Arrays.copyOfRange(values, Addresses.offset(address), Addresses.offset(address) + valueSize);
    }

    /** Number of entries. */
    public synchronized int size() {
        return count;
    }
}
