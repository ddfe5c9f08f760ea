package dev.ebpf4j.vm;

/**
 * A program ran past its instruction budget or its wall-clock deadline ({@link VmOptions#instructionBudget(long)},
 * {@link VmOptions#timeout(java.time.Duration)}), or its thread was interrupted. Infinite loops in programs that were
 * not statically verified end here.
 *
 * <pre>{@code
 * VmProgram p = Vm.loadConformance(insns, VmOptions.conformance().instructionBudget(1_000_000));
 * try { p.run(new byte[0]); } catch (VmBudgetExceededException e) { ... }
 * }</pre>
 */
public class VmBudgetExceededException extends VmRuntimeException {
    public VmBudgetExceededException(String message, int instruction) {
        super(message, instruction);
    }
}
