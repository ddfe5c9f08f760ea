package dev.ebpf4j.vm;

import dev.ebpf4j.BpfException;

/**
 * A program was stopped while running in the userspace VM: it touched memory outside the regions the VM handed it,
 * ran past its instruction budget or deadline, called too deep, or called a helper that failed. The VM and the JVM
 * stay intact; the run's results are discarded. Subtypes say which.
 *
 * <pre>{@code
 * try { prog.run(memory); }
 * catch (VmMemoryAccessException e) { System.err.println(e.getMessage()); }   // names the instruction and address
 * catch (VmRuntimeException e) { ... }
 * }</pre>
 */
public class VmRuntimeException extends BpfException {
    private final int instruction;

    public VmRuntimeException(String message, int instruction) {
        super(instruction >= 0 ? "instruction " + instruction + ": " + message : message);
        this.instruction = instruction;
    }

    public VmRuntimeException(String message, int instruction, Throwable cause) {
        super(instruction >= 0 ? "instruction " + instruction + ": " + message : message, cause);
        this.instruction = instruction;
    }

    /** The index (in 8-byte slots) of the instruction that was running, or -1 when not known. */
    public int instruction() {
        return instruction;
    }
}
