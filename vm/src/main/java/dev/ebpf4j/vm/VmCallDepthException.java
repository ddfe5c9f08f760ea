package dev.ebpf4j.vm;

/**
 * Calls (bpf-to-bpf calls, callbacks of {@code bpf_loop}) nested deeper than {@link VmOptions#maxCallDepth(int)},
 * e.g. a recursive program that was not statically verified.
 *
 * <pre>{@code
 * catch (VmCallDepthException e) { System.err.println(e.getMessage()); }   // "call depth limit 8 exceeded"
 * }</pre>
 */
public class VmCallDepthException extends VmRuntimeException {
    public VmCallDepthException(String message, int instruction) {
        super(message, instruction);
    }
}
