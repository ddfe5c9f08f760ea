package dev.ebpf4j.vm;

/**
 * A helper function could not run: it is not registered, or it failed (an application helper threw). The cause is
 * attached when there is one.
 *
 * <pre>{@code
 * catch (VmHelperException e) { System.err.println(e.getMessage()); }   // "helper #99 is not registered"
 * }</pre>
 */
public class VmHelperException extends VmRuntimeException {
    public VmHelperException(String message, int instruction) {
        super(message, instruction);
    }

    public VmHelperException(String message, int instruction, Throwable cause) {
        super(message, instruction, cause);
    }
}
