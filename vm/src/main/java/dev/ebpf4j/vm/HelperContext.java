package dev.ebpf4j.vm;

/**
 * What a {@link VmHelper} can do with the running program: read and write its memory (bounds-checked against the
 * regions the VM handed out, like the program's own accesses), resolve a map argument, call back into a program
 * function (for {@code bpf_loop}-style helpers), emit trace output, or stop the program.
 *
 * <pre>{@code
 * VmHelper store42 = (ctx, r1, r2, r3, r4, r5) -> { ctx.store(r1, 8, 42); return 0; };
 * }</pre>
 */
public interface HelperContext {
    /** Loads {@code size} (1, 2, 4, 8) bytes at VM address {@code address}, zero-extended. */
    long load(long address, int size);

    /** Stores the low {@code size} bytes of {@code value} at {@code address}. */
    void store(long address, int size, long value);

    /** A copy of {@code length} bytes at {@code address}. */
    byte[] read(long address, int length);

    /** Copies {@code length} bytes at {@code address} into {@code out[at..]}. */
    void read(long address, byte[] out, int at, int length);

    /** Copies {@code in[at..at+length)} to {@code address}. */
    void write(long address, byte[] in, int at, int length);

    /** The map a map-pointer argument ({@code lddw rX, map}) designates. */
    VmMap map(long mapPointer);

    /**
     * Calls the program function {@code function} (a {@code lddw rX, func} value) with r1..r5 and returns its r0;
     * counts as a call frame.
     */
    long callFunction(long function, long r1, long r2, long r3, long r4, long r5);

    /** Sends a line to the trace sink ({@link VmOptions#traceSink}). */
    void trace(String line);

    /** Stops the program after this helper returns; {@code r0} becomes the program's result. */
    void exitProgram(long r0);

    /** The program being run (the tail-call target after a tail call). */
    VmProgram program();
}
