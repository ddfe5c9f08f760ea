package dev.ebpf4j;

/**
 * Program load flags ({@code prog_flags} of {@code BPF_PROG_LOAD}).
 *
 * <pre>{@code
 * ProgramSpec.builder(ProgramType.XDP).flags(ProgramFlags.XDP_HAS_FRAGS)...
 * }</pre>
 */
public final class ProgramFlags {
    private ProgramFlags() {
    }

    public static final int STRICT_ALIGNMENT = 1;
    public static final int ANY_ALIGNMENT = 1 << 1;
    public static final int TEST_RND_HI32 = 1 << 2;
    public static final int TEST_STATE_FREQ = 1 << 3;
    /** The program may sleep (sleepable fentry/lsm/uprobe/iter/syscall programs). */
    public static final int SLEEPABLE = 1 << 4;
    /** An XDP program that understands multi-buffer (fragmented) packets. */
    public static final int XDP_HAS_FRAGS = 1 << 5;
    public static final int XDP_DEV_BOUND_ONLY = 1 << 6;
    public static final int TEST_REG_INVARIANTS = 1 << 7;
    public static final int TOKEN_FD = 1 << 16;
}
