package dev.ebpf4j;

/**
 * Base of every error ebpf4j raises. Carries the kernel's error number when the failure came from a system call.
 * Subtypes say more: {@link PermissionException}, {@link NotSupportedException}, {@link VerifierException},
 * {@link ObjectFormatException}, {@link ClosedException}.
 *
 * <pre>{@code
 * try (BpfMap map = BpfMap.create(MapSpec.hash("counts", 4, 8, 1024))) { ... }
 * catch (BpfException e) { System.err.println(e.getMessage()); }   // says what failed, where and what to do
 * }</pre>
 */
public class BpfException extends RuntimeException {
    private final int errno;

    public BpfException(String message) {
        this(message, 0, null);
    }

    public BpfException(String message, Throwable cause) {
        this(message, cause instanceof BpfException b ? b.errno : 0, cause);
    }

    public BpfException(String message, int errno) {
        this(message, errno, null);
    }

    public BpfException(String message, int errno, Throwable cause) {
        super(message, cause);
        this.errno = errno;
    }

    /** The error number as a constant, or {@code null} when the failure did not come from the kernel. */
    public Errno errno() {
        return errno == 0 ? null : Errno.of(errno);
    }

    /** The raw positive error number, or 0 when the failure did not come from the kernel. */
    public int errnoValue() {
        return errno;
    }

    /**
     * Returns an exception of the same kind whose message is prefixed with {@code context}, for adding "where" as an
     * error travels up through loading stages ("program 'handle_exec': ...").
     */
    public BpfException withContext(String context) {
        BpfException wrapped = new BpfException(context + ": " + getMessage(), errno, this);
        return wrapped;
    }
}
