package dev.ebpf4j.vm.runtime;

/**
 * One reusable {@link Execution} per thread (and call-depth setting), so that running a program allocates nothing
 * but what the program itself asks for. A nested run on the same thread (a helper running another VM program) gets
 * a fresh one.
 *
 * <pre>{@code
 * Execution ex = Executions.acquire(8);
 * try { ... } finally { Executions.release(ex); }
 * }</pre>
 */
public final class Executions {
    private Executions() {
    }

    private static final class Slot {
        Execution execution;
        boolean inUse;
    }

    private static final ThreadLocal<Slot> SLOT = ThreadLocal.withInitial(Slot::new);

    public static Execution acquire(int maxDepth) {
        Slot s = SLOT.get();
        if (s.inUse) return new Execution(maxDepth);
        if (s.execution == null || s.execution.maxDepth != maxDepth) s.execution = new Execution(maxDepth);
        s.inUse = true;
        return s.execution;
    }

    public static void release(Execution ex) {
        Slot s = SLOT.get();
        if (s.execution == ex) s.inUse = false;
    }
}
