package dev.ebpf4j.vm.jit;

import dev.ebpf4j.vm.mem.Memory;
import dev.ebpf4j.vm.runtime.Execution;

/**
 * Loads and stores specialised to one memory region, called by JIT-compiled code for the accesses whose region is
 * known ahead of time (see {@link MemoryEmitter}); small enough for HotSpot to inline at every call site.
 *
 * <p>Each takes the region's array {@code m} (as the region table holds it, or an empty array for an absent region),
 * the VM address {@code a}, and the region id the address is expected in ({@code region}, or {@link #ANY} when the
 * base register is the frame pointer r10, which always holds a stack address). An address whose region tag is not
 * {@code region} takes {@link Memory}'s generic accessor (which handles every region, or throws); otherwise the
 * offset {@code (int) a} indexes {@code m} directly, and the JVM's bounds check of {@code m} (or of the little-endian
 * view) is the bounds check: a failure becomes the generic accessor's {@code VmMemoryAccessException}, with the same
 * message. So each accepts exactly the addresses the generic accessor accepts, with the same effect.
 *
 * <pre>{@code
 * long v = RegionAccess.load32(packetArray, r7 + 12, Addresses.PACKET, ex, pc);
 * }</pre>
 */
final class RegionAccess {
    private RegionAccess() {
    }

    /**
     * {@code region} argument of an access through r10, whose tag needs no check: r10 is read-only and holds a stack
     * address (offset 512 to the stack's size), so r10 plus a 16-bit offset either stays in the stack region or wraps
     * below offset 0 into a negative offset of the region before it, which the generic check and the array index
     * both reject (with the same message, made from the address).
     */
    static final int ANY = -1;

    private static boolean elsewhere(long a, int region) {
        return region != ANY && a >>> 32 != region;
    }

    private static RuntimeException fault(Execution ex, long a, int size, int pc) {
        return Memory.fault(ex.regions, a, size, pc);
    }

    static long load8(byte[] m, long a, int region, Execution ex, int pc) {
        if (elsewhere(a, region)) return Memory.load8(ex.regions, a, pc);
        try {
            return m[(int) a] & 0xffL;
        } catch (IndexOutOfBoundsException e) {
            throw fault(ex, a, 1, pc);
        }
    }

    static long load16(byte[] m, long a, int region, Execution ex, int pc) {
        if (elsewhere(a, region)) return Memory.load16(ex.regions, a, pc);
        try {
            return (short) Memory.LE16.get(m, (int) a) & 0xffffL;
        } catch (IndexOutOfBoundsException e) {
            throw fault(ex, a, 2, pc);
        }
    }

    static long load32(byte[] m, long a, int region, Execution ex, int pc) {
        if (elsewhere(a, region)) return Memory.load32(ex.regions, a, pc);
        try {
            return (int) Memory.LE32.get(m, (int) a) & 0xffffffffL;
        } catch (IndexOutOfBoundsException e) {
            throw fault(ex, a, 4, pc);
        }
    }

    static long load64(byte[] m, long a, int region, Execution ex, int pc) {
        if (elsewhere(a, region)) return Memory.load64(ex.regions, a, pc);
        try {
            return (long) Memory.LE64.get(m, (int) a);
        } catch (IndexOutOfBoundsException e) {
            throw fault(ex, a, 8, pc);
        }
    }

    static long load8s(byte[] m, long a, int region, Execution ex, int pc) {
        if (elsewhere(a, region)) return Memory.load8s(ex.regions, a, pc);
        try {
            return m[(int) a];
        } catch (IndexOutOfBoundsException e) {
            throw fault(ex, a, 1, pc);
        }
    }

    static long load16s(byte[] m, long a, int region, Execution ex, int pc) {
        if (elsewhere(a, region)) return Memory.load16s(ex.regions, a, pc);
        try {
            return (short) Memory.LE16.get(m, (int) a);
        } catch (IndexOutOfBoundsException e) {
            throw fault(ex, a, 2, pc);
        }
    }

    static long load32s(byte[] m, long a, int region, Execution ex, int pc) {
        if (elsewhere(a, region)) return Memory.load32s(ex.regions, a, pc);
        try {
            return (int) Memory.LE32.get(m, (int) a);
        } catch (IndexOutOfBoundsException e) {
            throw fault(ex, a, 4, pc);
        }
    }

    static void store8(byte[] m, long a, long v, int region, Execution ex, int pc) {
        if (elsewhere(a, region)) {
            Memory.store8(ex.regions, a, v, pc);
            return;
        }
        try {
            m[(int) a] = (byte) v;
        } catch (IndexOutOfBoundsException e) {
            throw fault(ex, a, 1, pc);
        }
    }

    static void store16(byte[] m, long a, long v, int region, Execution ex, int pc) {
        if (elsewhere(a, region)) {
            Memory.store16(ex.regions, a, v, pc);
            return;
        }
        try {
            Memory.LE16.set(m, (int) a, (short) v);
        } catch (IndexOutOfBoundsException e) {
            throw fault(ex, a, 2, pc);
        }
    }

    static void store32(byte[] m, long a, long v, int region, Execution ex, int pc) {
        if (elsewhere(a, region)) {
            Memory.store32(ex.regions, a, v, pc);
            return;
        }
        try {
            Memory.LE32.set(m, (int) a, (int) v);
        } catch (IndexOutOfBoundsException e) {
            throw fault(ex, a, 4, pc);
        }
    }

    static void store64(byte[] m, long a, long v, int region, Execution ex, int pc) {
        if (elsewhere(a, region)) {
            Memory.store64(ex.regions, a, v, pc);
            return;
        }
        try {
            Memory.LE64.set(m, (int) a, v);
        } catch (IndexOutOfBoundsException e) {
            throw fault(ex, a, 8, pc);
        }
    }
}
