package dev.ebpf4j.vm.jit;

/**
 * Local variable slots of a JIT-compiled BPF function ({@link ClassEmitter#FUNCTION_TYPE}): the parameters are the
 * execution, the region table, r1..r5, r10 and the arrays of the context, stack and packet regions (passed in rather
 * than loaded, so that HotSpot holds them as plain references in loops); then r0, r6..r9, the instruction fuel and the
 * arrays of the map regions the function's accesses use.
 *
 * <pre>{@code
 * c.lload(Locals.REG[7]);
 * }</pre>
 */
final class Locals {
    private Locals() {
    }

    static final int EX = 0;
    static final int REGIONS = 1;
    /** Local slot of each BPF register r0..r10 (longs). */
    static final int[] REG = {17, 2, 4, 6, 8, 10, 19, 21, 23, 25, 12};
    static final int CTX_ARRAY = 14;
    static final int STACK_ARRAY = 15;
    static final int PACKET_ARRAY = 16;
    /** The instruction fuel while the function runs (written back around calls and on return). */
    static final int FUEL = 27;
    /** First slot of the cached map region arrays. */
    static final int FIRST_MAP_ARRAY = 29;
}
