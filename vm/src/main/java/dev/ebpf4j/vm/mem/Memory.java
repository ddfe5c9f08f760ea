package dev.ebpf4j.vm.mem;

import dev.ebpf4j.vm.VmMemoryAccessException;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Bounds-checked loads, stores and atomic operations on the VM's region table (see {@link Addresses}). The interpreter
 * calls these for every memory instruction, JIT-compiled code for those whose region is not known ahead of time (and
 * as the fallback of its region-specialised accesses); the {@code pc} argument only names the instruction in the
 * error. Values are little-endian, as on the architectures BPF runs on.
 *
 * <pre>{@code
 * long v = Memory.load64(regions, address, pc);
 * Memory.store32(regions, address, (int) value, pc);
 * }</pre>
 */
public final class Memory {
    private Memory() {
    }

    /** Little-endian views of a {@code byte[]} at any byte offset (used by JIT-compiled code too). */
    public static final VarHandle LE16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    public static final VarHandle LE32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    public static final VarHandle LE64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I16 = LE16;
    private static final VarHandle I32 = LE32;
    private static final VarHandle I64 = LE64;
    private static final byte[] EMPTY = new byte[0];

    /** The region's array when {@code [offset, offset + size)} lies inside it, else throws. */
    public static byte[] region(byte[][] regions, long address, int size, int pc) {
        long region = address >>> 32;
        int off = (int) address;
        if (region < regions.length) {
            byte[] m = regions[(int) region];
            if (m != null && off >= 0 && off <= m.length - size) return m;
        }
        throw fault(regions, address, size, pc);
    }

    /**
     * The array of {@code region}, or an empty array when the table has none (so that every access to it fails the
     * array's bounds check, as {@link #region} fails it). For JIT-compiled code that keeps region arrays in locals.
     */
    public static byte[] regionOrEmpty(byte[][] regions, int region) {
        byte[] m = region >= 0 && region < regions.length ? regions[region] : null;
        return m == null ? EMPTY : m;
    }

    /** The exception for a failed access of {@code size} bytes at {@code address} (for the message). */
    public static VmMemoryAccessException fault(byte[][] regions, long address, int size, int pc) {
        int region = Addresses.region(address);
        String why;
        if (region <= 0 || region >= regions.length || regions[region] == null) {
            why = "address is in no memory region of this program";
        } else {
            why = "outside the " + regions[region].length + "-byte " + Addresses.regionName(region);
        }
        return new VmMemoryAccessException("invalid " + size + "-byte memory access at " + Addresses.describe(address)
                + ": " + why, address, size, pc);
    }

    public static long load8(byte[][] regions, long address, int pc) {
        return region(regions, address, 1, pc)[(int) address] & 0xffL;
    }

    public static long load16(byte[][] regions, long address, int pc) {
        return ((short) I16.get(region(regions, address, 2, pc), (int) address)) & 0xffffL;
    }

    public static long load32(byte[][] regions, long address, int pc) {
        return ((int) I32.get(region(regions, address, 4, pc), (int) address)) & 0xffffffffL;
    }

    public static long load64(byte[][] regions, long address, int pc) {
        return (long) I64.get(region(regions, address, 8, pc), (int) address);
    }

    public static long load8s(byte[][] regions, long address, int pc) {
        return region(regions, address, 1, pc)[(int) address];
    }

    public static long load16s(byte[][] regions, long address, int pc) {
        return (short) I16.get(region(regions, address, 2, pc), (int) address);
    }

    public static long load32s(byte[][] regions, long address, int pc) {
        return (int) I32.get(region(regions, address, 4, pc), (int) address);
    }

    public static void store8(byte[][] regions, long address, long value, int pc) {
        region(regions, address, 1, pc)[(int) address] = (byte) value;
    }

    public static void store16(byte[][] regions, long address, long value, int pc) {
        I16.set(region(regions, address, 2, pc), (int) address, (short) value);
    }

    public static void store32(byte[][] regions, long address, long value, int pc) {
        I32.set(region(regions, address, 4, pc), (int) address, (int) value);
    }

    public static void store64(byte[][] regions, long address, long value, int pc) {
        I64.set(region(regions, address, 8, pc), (int) address, value);
    }

    /** Load of {@code size} bytes (1, 2, 4, 8), zero-extended. */
    public static long load(byte[][] regions, long address, int size, int pc) {
        return switch (size) {
            case 1 -> load8(regions, address, pc);
            case 2 -> load16(regions, address, pc);
            case 4 -> load32(regions, address, pc);
            default -> load64(regions, address, pc);
        };
    }

    /** Load of {@code size} bytes (1, 2, 4), sign-extended. */
    public static long loadSigned(byte[][] regions, long address, int size, int pc) {
        return switch (size) {
            case 1 -> load8s(regions, address, pc);
            case 2 -> load16s(regions, address, pc);
            case 4 -> load32s(regions, address, pc);
            default -> load64(regions, address, pc);
        };
    }

    public static void store(byte[][] regions, long address, int size, long value, int pc) {
        switch (size) {
            case 1 -> store8(regions, address, value, pc);
            case 2 -> store16(regions, address, value, pc);
            case 4 -> store32(regions, address, value, pc);
            default -> store64(regions, address, value, pc);
        }
    }

    // ---- atomics -------------------------------------------------------------------------------------------------
    // JDK 25's byte-array views offer only plain access, so read-modify-write operations lock the region's array:
    // atomic between VM threads, and plain loads and stores stay lock-free (as in the kernel, they may race).

    /** Atomic read-modify-write; {@code op} is the atomic immediate (ADD/OR/AND/XOR [| FETCH], XCHG). Returns old. */
    public static long atomic32(byte[][] regions, long address, int op, long operand, int pc) {
        byte[] m = region(regions, address, 4, pc);
        int off = (int) address;
        synchronized (m) {
            int old = (int) I32.get(m, off);
            I32.set(m, off, apply32(op, old, (int) operand));
            return old;
        }
    }

    public static long atomic64(byte[][] regions, long address, int op, long operand, int pc) {
        byte[] m = region(regions, address, 8, pc);
        int off = (int) address;
        synchronized (m) {
            long old = (long) I64.get(m, off);
            I64.set(m, off, apply64(op, old, operand));
            return old;
        }
    }

    /** Compare-and-exchange: if the memory equals {@code expected} store {@code value}; returns the old value. */
    public static long cmpxchg32(byte[][] regions, long address, long expected, long value, int pc) {
        byte[] m = region(regions, address, 4, pc);
        int off = (int) address;
        synchronized (m) {
            int old = (int) I32.get(m, off);
            if (old == (int) expected) I32.set(m, off, (int) value);
            return old;
        }
    }

    public static long cmpxchg64(byte[][] regions, long address, long expected, long value, int pc) {
        byte[] m = region(regions, address, 8, pc);
        int off = (int) address;
        synchronized (m) {
            long old = (long) I64.get(m, off);
            if (old == expected) I64.set(m, off, value);
            return old;
        }
    }

    /** {@code load_acquire}: a load with acquire ordering, zero-extended. */
    public static long loadAcquire(byte[][] regions, long address, int size, int pc) {
        VarHandle.acquireFence();
        long v = load(regions, address, size, pc);
        VarHandle.acquireFence();
        return v;
    }

    /** {@code store_release}: a store with release ordering. */
    public static void storeRelease(byte[][] regions, long address, int size, long value, int pc) {
        VarHandle.releaseFence();
        store(regions, address, size, value, pc);
    }

    private static int apply32(int op, int old, int v) {
        return switch (op & ~1) {
            case 0x00 -> old + v;
            case 0x40 -> old | v;
            case 0x50 -> old & v;
            case 0xa0 -> old ^ v;
            default -> v;
        };
    }

    private static long apply64(int op, long old, long v) {
        return switch (op & ~1) {
            case 0x00 -> old + v;
            case 0x40 -> old | v;
            case 0x50 -> old & v;
            case 0xa0 -> old ^ v;
            default -> v;
        };
    }

    // ---- bulk copies for helpers ---------------------------------------------------------------------------------

    /** Copies {@code length} bytes from VM memory at {@code address} into {@code out[at..]}. */
    public static void read(byte[][] regions, long address, byte[] out, int at, int length, int pc) {
        if (length == 0) return;
        byte[] m = region(regions, address, length, pc);
        System.arraycopy(m, (int) address, out, at, length);
    }

    /** Copies {@code length} bytes from {@code in[at..]} to VM memory at {@code address}. */
    public static void write(byte[][] regions, long address, byte[] in, int at, int length, int pc) {
        if (length == 0) return;
        byte[] m = region(regions, address, length, pc);
        System.arraycopy(in, at, m, (int) address, length);
    }
}
