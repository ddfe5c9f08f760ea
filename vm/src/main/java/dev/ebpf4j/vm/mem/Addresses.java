package dev.ebpf4j.vm.mem;

/**
 * The VM's virtual addresses. A program never sees a JVM or native address: every pointer it holds is
 * {@code region << 32 | offset}, where {@code region} indexes the execution's region table (a {@code byte[]} per
 * region) and {@code offset} is a byte offset into it. Every access goes through {@link Memory}, which checks the
 * region exists and {@code [offset, offset + size)} lies inside it; anything else stops the program.
 *
 * <p>Region 0 is never mapped, so NULL and small integers fault. Map handles ({@code lddw rX, map}) and function
 * pointers ({@code lddw rX, func}) use tags above every memory region, so they cannot be dereferenced.
 *
 * <pre>{@code
 * long p = Addresses.of(Addresses.STACK, 504);   // r10 - 8 in the first frame
 * Addresses.region(p);                          // 2
 * }</pre>
 */
public final class Addresses {
    private Addresses() {
    }

    /** The program's context ({@code struct xdp_md}, {@code __sk_buff}, or the conformance memory). */
    public static final int CTX = 1;
    /** The BPF stack: {@link #FRAME_SIZE} bytes per call frame. */
    public static final int STACK = 2;
    /** Packet data (with headroom before {@code data}). */
    public static final int PACKET = 3;
    /** First region of userspace maps: map {@code i} of a {@code VmMaps} is region {@code FIRST_MAP + i}. */
    public static final int FIRST_MAP = 8;
    /** Map handles ({@code lddw rX, map}): tag {@code MAP_HANDLE + map index}; not dereferenceable. */
    public static final int MAP_HANDLE = 0x4000_0000;
    /** Function pointers ({@code lddw rX, func}): tag, offset = instruction index of the function. */
    public static final int FUNCTION = 0x3fff_0000;

    /** Bytes of stack each call frame gets (the kernel's MAX_BPF_STACK). */
    public static final int FRAME_SIZE = 512;

    public static long of(int region, int offset) {
        return ((long) region << 32) | (offset & 0xffffffffL);
    }

    public static int region(long address) {
        return (int) (address >>> 32);
    }

    public static int offset(long address) {
        return (int) address;
    }

    /** A name for messages. */
    public static String regionName(int region) {
        return switch (region) {
            case 0 -> "no region (NULL or a scalar)";
            case CTX -> "context";
            case STACK -> "stack";
            case PACKET -> "packet";
            default -> {
                if (region >= MAP_HANDLE) yield "map handle " + (region - MAP_HANDLE);
                if (region == FUNCTION) yield "function pointer";
                if (region >= FIRST_MAP) yield "map region " + (region - FIRST_MAP);
                yield "unmapped region " + region;
            }
        };
    }

    /** {@code 0x...} with the region spelled out. */
    public static String describe(long address) {
        return String.format("%#x (%s, offset %d)", address, regionName(region(address)), offset(address));
    }
}
