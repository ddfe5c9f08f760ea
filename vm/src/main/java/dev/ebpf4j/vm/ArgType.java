package dev.ebpf4j.vm;

/**
 * What the verifier requires of one helper argument (the kernel's {@code enum bpf_arg_type}, the subset the VM
 * checks). Sizes of memory arguments come from the {@link #CONST_SIZE} / {@link #CONST_SIZE_OR_ZERO} argument right
 * after them, or from the map's key/value size.
 *
 * <pre>{@code
 * HelperSignature.of("sum", ReturnType.INTEGER, ArgType.PTR_TO_MEM, ArgType.CONST_SIZE);
 * }</pre>
 */
public enum ArgType {
    /** Any initialised value (scalar or pointer). */
    ANYTHING,
    /** A scalar. */
    SCALAR,
    /** A map pointer ({@code lddw rX, map}). */
    CONST_MAP_PTR,
    /** Pointer to {@code key_size} readable bytes (stack, map value or packet) of the map in the previous argument. */
    PTR_TO_MAP_KEY,
    /** Pointer to {@code value_size} readable bytes of the map argument. */
    PTR_TO_MAP_VALUE,
    /** Pointer to initialised readable memory; the next argument is its size. */
    PTR_TO_MEM,
    /** Pointer to writable memory that may be uninitialised (the helper fills it); the next argument is its size. */
    PTR_TO_UNINIT_MEM,
    /** A size known to the verifier (bounded scalar), greater than zero. */
    CONST_SIZE,
    /** A size known to the verifier, possibly zero. */
    CONST_SIZE_OR_ZERO,
    /** The program's context pointer. */
    PTR_TO_CTX,
    /** A program function ({@code lddw rX, func}) used as a callback. */
    PTR_TO_FUNC,
    /** A constant scalar (the verifier must know its value), e.g. a size to reserve. */
    CONST_ALLOC_SIZE_OR_ZERO,
    /** A ring buffer record from {@code bpf_ringbuf_reserve}, not yet submitted or discarded (released by the call). */
    PTR_TO_ALLOC_MEM,
    /** Optional pointer to a stack value, for {@code bpf_loop}'s context argument: any pointer or scalar. */
    PTR_TO_STACK_OR_NULL
}
