package dev.ebpf4j.vm;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * How the VM loads and runs a program. Immutable; the {@code with}-style methods return changed copies.
 *
 * <h2>Modes</h2>
 * <ul>
 *   <li>{@link Mode#KERNEL} (default): the static verifier checks the program as the kernel's would before it runs
 *   (control flow, register initialisation, pointer/scalar types, bounds of every context, stack, packet and map
 *   value access, helper argument types, released ring buffer records), and rewrites context field accesses to the
 *   VM's context layout. The runtime's bounds checks stay on as a second line of defence.</li>
 *   <li>{@link Mode#CONFORMANCE}: for ISA test vectors that no kernel would accept as written (they read a raw memory
 *   block through r1 at arbitrary offsets). Only structural checks and register initialisation are static; r1 points
 *   at the given memory, r2 holds its length, and the runtime bounds checks alone keep every access inside the
 *   memory, the stack and map values. Helper #5 is the conformance suite's "unwind".</li>
 * </ul>
 *
 * <pre>{@code
 * VmOptions o = VmOptions.defaults().engine(VmOptions.Engine.INTERPRETER).instructionBudget(10_000_000);
 * VmOptions c = VmOptions.conformance().timeout(Duration.ofSeconds(1));
 * }</pre>
 */
public final class VmOptions {
    /** Verification mode; see the class comment. */
    public enum Mode { KERNEL, CONFORMANCE }

    /** Execution engine. {@link #JIT} falls back to the interpreter for what it cannot compile, and says so. */
    public enum Engine { JIT, INTERPRETER }

    private final Mode mode;
    private final Engine engine;
    private final long instructionBudget;
    private final Duration timeout;
    private final int maxCallDepth;
    private final HelperRegistry helpers;
    private final Consumer<String> traceSink;
    private final int complexityLimit;

    private VmOptions(Mode mode, Engine engine, long instructionBudget, Duration timeout, int maxCallDepth,
                      HelperRegistry helpers, Consumer<String> traceSink, int complexityLimit) {
        this.mode = mode;
        this.engine = engine;
        this.instructionBudget = instructionBudget;
        this.timeout = timeout;
        this.maxCallDepth = maxCallDepth;
        this.helpers = helpers;
        this.traceSink = traceSink;
        this.complexityLimit = complexityLimit;
    }

    /** Kernel mode, JIT, the standard helpers, 4 billion instruction budget, no timeout, 8 call frames. */
    public static VmOptions defaults() {
        return new VmOptions(Mode.KERNEL, Engine.JIT, 4_000_000_000L, null, 8, HelperRegistry.standard(), s -> { },
                1_000_000);
    }

    /** Conformance mode with the conformance helpers (#5 unwind). */
    public static VmOptions conformance() {
        return new VmOptions(Mode.CONFORMANCE, Engine.JIT, 4_000_000_000L, null, 8, HelperRegistry.conformance(),
                s -> { }, 1_000_000);
    }

    public Mode mode() { return mode; }
    public Engine engine() { return engine; }
    public long instructionBudget() { return instructionBudget; }
    /** The wall-clock limit of one run, or null. */
    public Duration timeout() { return timeout; }
    public int maxCallDepth() { return maxCallDepth; }
    public HelperRegistry helpers() { return helpers; }
    public Consumer<String> traceSink() { return traceSink; }
    /** Instructions the static verifier may process before it gives up ("program is too complex"). */
    public int complexityLimit() { return complexityLimit; }

    public VmOptions mode(Mode m) {
        return new VmOptions(Objects.requireNonNull(m), engine, instructionBudget, timeout, maxCallDepth, helpers,
                traceSink, complexityLimit);
    }

    public VmOptions engine(Engine e) {
        return new VmOptions(mode, Objects.requireNonNull(e), instructionBudget, timeout, maxCallDepth, helpers,
                traceSink, complexityLimit);
    }

    /** Stops a run after about this many instructions with {@link VmBudgetExceededException}. */
    public VmOptions instructionBudget(long n) {
        if (n <= 0) throw new IllegalArgumentException("instruction budget must be positive");
        return new VmOptions(mode, engine, n, timeout, maxCallDepth, helpers, traceSink, complexityLimit);
    }

    /** Stops a run that takes longer than {@code t} with {@link VmBudgetExceededException}. */
    public VmOptions timeout(Duration t) {
        return new VmOptions(mode, engine, instructionBudget, t, maxCallDepth, helpers, traceSink, complexityLimit);
    }

    /** Call frames (main program included); each gets 512 bytes of stack. 2..64. */
    public VmOptions maxCallDepth(int n) {
        if (n < 2 || n > 64) throw new IllegalArgumentException("call depth must be 2..64, not " + n);
        return new VmOptions(mode, engine, instructionBudget, timeout, n, helpers, traceSink, complexityLimit);
    }

    public VmOptions helpers(HelperRegistry h) {
        return new VmOptions(mode, engine, instructionBudget, timeout, maxCallDepth, Objects.requireNonNull(h),
                traceSink, complexityLimit);
    }

    /** Where {@code bpf_trace_printk} output goes (default: discarded). */
    public VmOptions traceSink(Consumer<String> sink) {
        return new VmOptions(mode, engine, instructionBudget, timeout, maxCallDepth, helpers,
                Objects.requireNonNull(sink), complexityLimit);
    }

    public VmOptions complexityLimit(int n) {
        if (n <= 0) throw new IllegalArgumentException("complexity limit must be positive");
        return new VmOptions(mode, engine, instructionBudget, timeout, maxCallDepth, helpers, traceSink, n);
    }

    @Override
    public String toString() {
        return "VmOptions[" + mode + ", " + engine + ", budget " + instructionBudget + (timeout != null ? ", timeout "
                + timeout : "") + ", depth " + maxCallDepth + "]";
    }
}
