package dev.ebpf4j.features;

import dev.ebpf4j.NotSupportedException;

/**
 * The answer of one feature probe: whether the running kernel has it, the first Linux version that has it, and a
 * detail explaining a negative answer (or how a positive one was established).
 *
 * <pre>{@code
 * Feature ringbuf = Features.mapType(MapType.RINGBUF);
 * ringbuf.require();   // throws NotSupportedException("map type ringbuf", "5.8", ...) when absent
 * }</pre>
 *
 * @param name          what was probed, e.g. "map type ringbuf" or "helper bpf_loop for xdp programs"
 * @param available     true when this kernel has it
 * @param minimumKernel first Linux version with it ("5.8"); "" when unknown
 * @param detail        why it is unavailable, or how it was detected
 */
public record Feature(String name, boolean available, String minimumKernel, String detail) {

    /** Throws {@link NotSupportedException} naming the feature, the reason and the minimum kernel when absent. */
    public void require() {
        if (!available) throw new NotSupportedException(name, minimumKernel, detail);
    }

    static Feature yes(String name, String minimumKernel, String detail) {
        return new Feature(name, true, minimumKernel, detail);
    }

    static Feature no(String name, String minimumKernel, String detail) {
        return new Feature(name, false, minimumKernel, detail);
    }
}
