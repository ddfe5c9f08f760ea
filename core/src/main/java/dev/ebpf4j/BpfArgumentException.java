package dev.ebpf4j;

/**
 * An argument does not fit the object it is used with: a key or value of the wrong size for a map, an entry count
 * beyond a buffer, an operation the map type does not have. Raised before anything reaches the kernel.
 *
 * <pre>{@code
 * map.update(new byte[3], value);   // BpfArgumentException: "map 'counts' (hash): key is 3 bytes, the map's keys are 4 bytes"
 * }</pre>
 */
public class BpfArgumentException extends BpfException {
    public BpfArgumentException(String message) {
        super(message, Errno.EINVAL.number());
    }

    private BpfArgumentException(String message, BpfArgumentException cause) {
        super(message, Errno.EINVAL.number(), cause);
    }

    @Override
    public BpfArgumentException withContext(String context) {
        return new BpfArgumentException(context + ": " + getMessage(), this);
    }
}
