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

    @Override
    public BpfArgumentException withContext(String context) {
        BpfArgumentException e = new BpfArgumentException(context + ": " + getMessage());
        e.initCause(this);
        return e;
    }
}
