package dev.ebpf4j.vm.jit;

import dev.ebpf4j.vm.runtime.Engine;
import dev.ebpf4j.vm.runtime.Execution;

/**
 * Superclass of the hidden classes the JIT generates: one static method per BPF function, and a {@code dispatch}
 * that enters a function by its first instruction's index.
 *
 * <pre>{@code
 * Engine e = JitCompiler.compile(loaded);   // a JitBase
 * long r0 = e.run(execution, r1, r2);
 * }</pre>
 */
public abstract class JitBase implements Engine {
    protected JitBase() {
    }

    /** Runs the function starting at instruction {@code entry} with r1..r5 and frame pointer r10. */
    protected abstract long dispatch(Execution ex, int entry, long r1, long r2, long r3, long r4, long r5, long r10);

    @Override
    public final long run(Execution ex, long r1, long r2) {
        return dispatch(ex, 0, r1, r2, 0, 0, 0, ex.framePointer(ex.depth));
    }

    @Override
    public final long call(Execution ex, int entry, long r1, long r2, long r3, long r4, long r5) {
        ex.enterFrame(ex.pc);
        try {
            return dispatch(ex, entry, r1, r2, r3, r4, r5, ex.framePointer(ex.depth));
        } finally {
            ex.leaveFrame();
        }
    }

    @Override
    public String name() {
        return "jit";
    }

    /** Called by generated code for an entry that is not a function. */
    public static long badEntry(int entry) {
        throw new IllegalStateException("no function starts at instruction " + entry);
    }
}
