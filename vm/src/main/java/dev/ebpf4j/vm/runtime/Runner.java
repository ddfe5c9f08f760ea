package dev.ebpf4j.vm.runtime;

import dev.ebpf4j.vm.VmHelperException;
import dev.ebpf4j.vm.VmRuntimeException;

/**
 * Runs a loaded program to completion on a prepared {@link Execution}: calls the engine, follows tail calls (each
 * continues in the target program with the same context, as in the kernel), and turns unexpected failures of
 * application helpers into {@link VmHelperException}.
 *
 * <pre>{@code
 * long r0 = Runner.run(ex, program, ctxAddress, 0);
 * }</pre>
 */
public final class Runner {
    private Runner() {
    }

    public static long run(Execution ex, LoadedProgram program, long r1, long r2) {
        LoadedProgram p = program;
        try {
            while (true) {
                ex.program = p;
                long r0 = p.engine.run(ex, r1, r2);
                if (ex.tailTarget == null) return r0;
                p = ex.tailTarget;
                ex.tailTarget = null;
                ex.stop = false;
                ex.depth = 0;
            }
        } catch (VmRuntimeException e) {
            throw e;
        } catch (StackOverflowError e) {
            throw new VmRuntimeException("the JVM stack overflowed while running the program (nested helpers?)",
                    ex.pc, e);
        } catch (RuntimeException e) {
            throw new VmHelperException("a helper failed: " + e, ex.pc, e);
        } finally {
            ex.program = program;
        }
    }
}
