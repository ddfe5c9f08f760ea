package dev.ebpf4j;

/**
 * An operation was attempted on an object whose file descriptor was already closed.
 *
 * <pre>{@code
 * map.close();
 * map.lookup(key, value);   // throws ClosedException: "map 'counts' is closed"
 * }</pre>
 */
public class ClosedException extends BpfException {
    public ClosedException(String what) {
        super(what + " is closed; it cannot be used after close()", Errno.EBADF.number());
    }

    private ClosedException(String message, ClosedException cause) {
        super(message, Errno.EBADF.number(), cause);
    }

    @Override
    public ClosedException withContext(String context) {
        return new ClosedException(context + ": " + getMessage(), this);
    }
}
