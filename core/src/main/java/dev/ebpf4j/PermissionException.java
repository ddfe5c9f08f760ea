package dev.ebpf4j;

/**
 * The kernel refused an operation for lack of privilege (EPERM/EACCES). The message names the capability that is
 * missing and how to get it.
 *
 * <pre>{@code
 * catch (PermissionException e) { System.err.println(e.getMessage() + " (needs " + e.capability() + ")"); }
 * }</pre>
 */
public class PermissionException extends BpfException {
    private final String capability;

    public PermissionException(String message, String capability, int errno) {
        super(message, errno);
        this.capability = capability;
    }

    /** The capability the operation needs, e.g. {@code CAP_BPF}. */
    public String capability() {
        return capability;
    }

    private PermissionException(String message, PermissionException cause) {
        super(message, cause.errnoValue(), cause);
        this.capability = cause.capability;
    }

    @Override
    public PermissionException withContext(String context) {
        return new PermissionException(context + ": " + getMessage(), this);
    }
}
