package dev.ebpf4j.btf.core;

/**
 * Internal signal that a relocation cannot be applied at all (as opposed to a missing target, which poisons or
 * zeroes). {@code objectFault} says whether the object is to blame (malformed relocation, instruction that does not
 * match it) or the target BTF (ambiguous candidates, a target layout that cannot be expressed).
 */
final class CoreFailure extends RuntimeException {
    private final boolean objectFault;

    private CoreFailure(String message, boolean objectFault) {
        super(message, null, false, false);
        this.objectFault = objectFault;
    }

    /** The object's relocation or instruction is wrong. */
    static CoreFailure object(String message) {
        return new CoreFailure(message, true);
    }

    /** The target BTF makes the relocation impossible or ambiguous. */
    static CoreFailure target(String message) {
        return new CoreFailure(message, false);
    }

    boolean objectFault() {
        return objectFault;
    }
}
