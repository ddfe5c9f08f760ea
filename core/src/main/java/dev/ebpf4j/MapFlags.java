package dev.ebpf4j;

/**
 * Map creation flags ({@code map_flags} of {@code BPF_MAP_CREATE}) and open flags, as the kernel defines them.
 *
 * <pre>{@code
 * MapSpec.builder(MapType.ARRAY).flags(MapFlags.MMAPABLE)...
 * MapSpec.builder(MapType.HASH).flags(MapFlags.NO_PREALLOC)...
 * }</pre>
 */
public final class MapFlags {
    private MapFlags() {
    }

    public static final int NO_PREALLOC = 1;
    public static final int NO_COMMON_LRU = 1 << 1;
    public static final int NUMA_NODE = 1 << 2;
    /** Read-only from user space (also an open flag for pinned maps and ids). */
    public static final int RDONLY = 1 << 3;
    /** Write-only from user space (also an open flag). */
    public static final int WRONLY = 1 << 4;
    public static final int STACK_BUILD_ID = 1 << 5;
    public static final int ZERO_SEED = 1 << 6;
    /** Read-only from BPF programs. */
    public static final int RDONLY_PROG = 1 << 7;
    /** Write-only from BPF programs. */
    public static final int WRONLY_PROG = 1 << 8;
    public static final int CLONE = 1 << 9;
    /** The map's memory can be mmap'd into user space (arrays, arena). */
    public static final int MMAPABLE = 1 << 10;
    public static final int PRESERVE_ELEMS = 1 << 11;
    public static final int INNER_MAP = 1 << 12;
    public static final int LINK = 1 << 13;
    public static final int PATH_FD = 1 << 14;
    public static final int VTYPE_BTF_OBJ_FD = 1 << 15;
    public static final int TOKEN_FD = 1 << 16;
    public static final int SEGV_ON_FAULT = 1 << 17;
    public static final int NO_USER_CONV = 1 << 18;

    /** Names of the set flags, "NO_PREALLOC|MMAPABLE", for listings; bits without a name print as hex. */
    public static String describe(int flags) {
        String[] names = {"NO_PREALLOC", "NO_COMMON_LRU", "NUMA_NODE", "RDONLY", "WRONLY", "STACK_BUILD_ID",
                "ZERO_SEED", "RDONLY_PROG", "WRONLY_PROG", "CLONE", "MMAPABLE", "PRESERVE_ELEMS", "INNER_MAP", "LINK",
                "PATH_FD", "VTYPE_BTF_OBJ_FD", "TOKEN_FD", "SEGV_ON_FAULT", "NO_USER_CONV"};
        StringBuilder sb = new StringBuilder();
        int rest = flags;
        for (int bit = 0; bit < names.length; bit++) {
            if ((flags & (1 << bit)) != 0) {
                if (!sb.isEmpty()) sb.append('|');
                sb.append(names[bit]);
                rest &= ~(1 << bit);
            }
        }
        if (rest != 0) {
            if (!sb.isEmpty()) sb.append('|');
            sb.append("0x").append(Integer.toHexString(rest));
        }
        return sb.isEmpty() ? "0" : sb.toString();
    }
}
