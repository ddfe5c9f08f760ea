package dev.ebpf4j.vm;

/**
 * A load, store or atomic operation addressed memory outside every region the VM handed the program (context, stack,
 * packet, map values, ring buffer records), or a helper was given such an address.
 *
 * <pre>{@code
 * catch (VmMemoryAccessException e) { System.err.printf("bad %d-byte access at %#x%n", e.size(), e.address()); }
 * }</pre>
 */
public class VmMemoryAccessException extends VmRuntimeException {
    private final long address;
    private final int size;

    public VmMemoryAccessException(String message, long address, int size, int instruction) {
        super(message, instruction);
        this.address = address;
        this.size = size;
    }

    /** The (VM-virtual) address that was accessed. */
    public long address() {
        return address;
    }

    /** Bytes the access wanted. */
    public int size() {
        return size;
    }
}
