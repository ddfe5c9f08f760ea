package dev.ebpf4j.vm.jit;

/**
 * Local variable slots of a JIT-compiled method, in one of two layouts.
 * <ul>
 *   <li>{@link #FUNCTION}: a BPF function in one method ({@link ClassEmitter#FUNCTION_TYPE}). Parameters: the
 *   execution, the region table, r1..r5, r10 and the arrays of the context, stack and packet regions (passed in
 *   rather than loaded, so that HotSpot holds them as plain references in loops); then r0, r6..r9, the instruction
 *   fuel, and the arrays of the map regions the function's accesses use.</li>
 *   <li>{@link #SEGMENT}: one segment of a function too large for one method ({@link ClassEmitter#SEGMENT_TYPE}).
 *   Parameters: the execution, the region table, the register file ({@code Execution.registers}) and the function's
 *   base in it, the three region arrays and the instruction to start at; then r0..r10, the fuel, the instruction to
 *   continue at when leaving the segment, and the map region arrays.</li>
 * </ul>
 *
 * <pre>{@code
 * c.lload(locals.reg[7]);
 * }</pre>
 */
final class Locals {
    final int ex;
    final int regions;
    /** Local slot of each BPF register r0..r10 (longs). */
    final int[] reg;
    final int ctxArray;
    final int stackArray;
    final int packetArray;
    /** The instruction fuel while the method runs (written back around calls and on return). */
    final int fuel;
    /** First slot of the cached map region arrays. */
    final int firstMapArray;
    /** Segment layout only (else -1): register file, base index in it, entry instruction, next instruction. */
    final int file;
    final int base;
    final int entry;
    final int next;

    private Locals(int[] reg, int ctxArray, int fuel, int firstMapArray, int file, int base, int entry, int next) {
        this.ex = 0;
        this.regions = 1;
        this.reg = reg;
        this.ctxArray = ctxArray;
        this.stackArray = ctxArray + 1;
        this.packetArray = ctxArray + 2;
        this.fuel = fuel;
        this.firstMapArray = firstMapArray;
        this.file = file;
        this.base = base;
        this.entry = entry;
        this.next = next;
    }

    static final Locals FUNCTION = new Locals(new int[] {17, 2, 4, 6, 8, 10, 19, 21, 23, 25, 12}, 14, 27, 29,
            -1, -1, -1, -1);

    static final Locals SEGMENT = new Locals(new int[] {8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28}, 4, 30, 33,
            2, 3, 7, 32);

    boolean segment() {
        return file >= 0;
    }
}
