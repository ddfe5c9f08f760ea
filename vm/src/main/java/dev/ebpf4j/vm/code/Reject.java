package dev.ebpf4j.vm.code;

/**
 * Thrown inside the VM's checks when a program is refused; the loader turns it into a
 * {@link dev.ebpf4j.VerifierException} carrying the program's name, the instruction (as a slot index, like the
 * kernel's) and the log.
 *
 * <pre>{@code
 * throw new Reject(3, "R1 invalid mem access 'scalar'");
 * }</pre>
 */
public final class Reject extends RuntimeException {
    private final int slot;

    public Reject(int slot, String reason) {
        super(reason, null, false, false);
        this.slot = slot;
    }

    /** The slot index of the offending instruction, or -1. */
    public int slot() {
        return slot;
    }

    /** The reason, without the instruction. */
    public String reason() {
        return getMessage();
    }
}
