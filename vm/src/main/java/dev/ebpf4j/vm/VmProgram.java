package dev.ebpf4j.vm;

import dev.ebpf4j.BpfArgumentException;
import dev.ebpf4j.ProgramType;
import dev.ebpf4j.TestRun;
import dev.ebpf4j.TestRunResult;
import dev.ebpf4j.asm.Instruction;
import dev.ebpf4j.vm.context.PacketRun;
import dev.ebpf4j.vm.mem.Addresses;
import dev.ebpf4j.vm.runtime.Execution;
import dev.ebpf4j.vm.runtime.Executions;
import dev.ebpf4j.vm.runtime.LoadedProgram;
import dev.ebpf4j.vm.runtime.Runner;

import java.util.List;
import java.util.Optional;

/**
 * A program loaded into the userspace VM by {@link Vm}: verified, linked to its {@link VmMaps}, and compiled to JVM
 * bytecode (or interpreted). Thread-safe: runs on different threads use separate stacks and contexts and share maps.
 *
 * <pre>{@code
 * VmProgram xdp = Vm.load(spec, maps);
 * TestRunResult r = xdp.testRun(TestRun.withData(frame));      // like Program.testRun in the kernel
 * VmProgram c = Vm.loadConformance(insns, VmOptions.conformance());
 * long r0 = c.run(memory);                                     // r1 = memory, r2 = its length
 * System.out.println(xdp.engine() + " " + xdp.jitFallbackReason().orElse(""));
 * }</pre>
 */
public final class VmProgram {
    private final LoadedProgram loaded;
    private final String fallbackReason;

    VmProgram(LoadedProgram loaded, String fallbackReason) {
        this.loaded = loaded;
        this.fallbackReason = fallbackReason;
        loaded.owner = this;
    }

    public String name() {
        return loaded.name;
    }

    public ProgramType type() {
        return loaded.type;
    }

    /** The instructions as loaded (before map linking and context rewrites). */
    public List<Instruction> instructions() {
        return loaded.code.instructions;
    }

    public VmOptions options() {
        return loaded.options;
    }

    /** The engine that runs this program: JIT, or the interpreter (asked for, or the JIT's fallback). */
    public VmOptions.Engine engine() {
        return loaded.engine.name().equals("jit") ? VmOptions.Engine.JIT : VmOptions.Engine.INTERPRETER;
    }

    /** Why the JIT was asked for but the interpreter runs the program; empty when it was not. */
    public Optional<String> jitFallbackReason() {
        return Optional.ofNullable(fallbackReason);
    }

    /**
     * Runs the program with r1 pointing at {@code memory} (used in place: the program's stores are visible in it
     * afterwards) and r2 holding its length, as the conformance suite does; returns r0. For conformance-mode programs
     * and kernel-mode programs whose type has no emulated context.
     */
    public long run(byte[] memory) {
        if (loaded.context != null) {
            throw new BpfArgumentException(name() + ": a " + loaded.type + " program's r1 is its context; use "
                    + "testRun(TestRun) or run(context, packet)");
        }
        Execution ex = Executions.acquire(loaded.options.maxCallDepth());
        try {
            ex.begin(loaded, loaded.options.instructionBudget(), timeoutNanos(), true);
            long r1 = 0;
            if (memory != null) {
                ex.regions[Addresses.CTX] = memory;
                ex.packetStart = Addresses.of(Addresses.CTX, 0);
                ex.packetLength = memory.length;
                r1 = memory.length > 0 ? Addresses.of(Addresses.CTX, 0) : 0;
            }
            return Runner.run(ex, loaded, r1, memory == null ? 0 : memory.length);
        } finally {
            Executions.release(ex);
        }
    }

    /**
     * Runs the program as {@code BPF_PROG_TEST_RUN} would: builds its context ({@code xdp_md}, {@code __sk_buff})
     * around {@code run.dataIn()}, runs {@code run.repeat()} times, and returns r0 (as the kernel's 32-bit retval),
     * the mean nanoseconds per run, the packet data out and, when a context was given, the context out.
     */
    public TestRunResult testRun(TestRun run) {
        return PacketRun.run(loaded, run);
    }

    private long timeoutNanos() {
        return loaded.options.timeout() == null ? 0 : loaded.options.timeout().toNanos();
    }

    /** For the VM's own packages: the loaded form. */
    public LoadedProgram runtime() {
        return loaded;
    }

    @Override
    public String toString() {
        return "VmProgram[" + name() + ", " + type() + ", " + loaded.code.length + " instructions, " + engine() + "]";
    }
}
