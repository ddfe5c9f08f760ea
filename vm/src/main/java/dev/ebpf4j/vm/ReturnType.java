package dev.ebpf4j.vm;

/**
 * What a helper returns, for the verifier (the kernel's {@code enum bpf_return_type}, the subset the VM tracks).
 *
 * <pre>{@code
 * HelperSignature.of("lookup", ReturnType.MAP_VALUE_OR_NULL, ArgType.CONST_MAP_PTR, ArgType.PTR_TO_MAP_KEY);
 * }</pre>
 */
public enum ReturnType {
    /** A scalar. */
    INTEGER,
    /** Nothing useful (r0 is a scalar the program should not rely on). */
    VOID,
    /** Pointer to a value of the map argument, or NULL: must be checked before use. */
    MAP_VALUE_OR_NULL,
    /** Pointer to memory of the size given by the constant-size argument, or NULL (ring buffer records). */
    ALLOC_MEM_OR_NULL
}
