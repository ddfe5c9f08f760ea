package dev.ebpf4j.vm.runtime;

/**
 * Runs a loaded program's code: the interpreter or a JIT-compiled class.
 *
 * <pre>{@code
 * long r0 = engine.run(execution, ctxAddress, 0);
 * }</pre>
 */
public interface Engine {
    /** Runs the main program (instruction 0) in frame 0 with r1, r2 set and r10 at the top of the stack. */
    long run(Execution ex, long r1, long r2);

    /**
     * Calls the function starting at instruction {@code entry} in a new frame (one deeper than {@code ex.depth}), as
     * {@code bpf_loop} does with its callback; returns its r0.
     */
    long call(Execution ex, int entry, long r1, long r2, long r3, long r4, long r5);

    /** "interpreter" or "jit". */
    String name();
}
