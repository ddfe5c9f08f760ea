package dev.ebpf4j;

/**
 * The running kernel lacks a facility an operation needs (a program or map type, a hook such as kprobes or BPF
 * trampolines, a helper). Names the feature, the cause on this machine, and the first kernel version that has it.
 *
 * <pre>{@code
 * try { KprobeLink.attach(prog, "do_sys_openat2"); }
 * catch (NotSupportedException e) { System.err.println(e.feature() + " needs " + e.minimumKernel()); }
 * }</pre>
 */
public class NotSupportedException extends BpfException {
    private final String feature;
    private final String minimumKernel;

    public NotSupportedException(String feature, String minimumKernel, String message) {
        this(feature, minimumKernel, message, 0);
    }

    public NotSupportedException(String feature, String minimumKernel, String message, int errno) {
        super(feature + " is not supported by this kernel: " + message
                + (minimumKernel == null || minimumKernel.isEmpty() ? "" : " (needs Linux " + minimumKernel + " or later"
                + " with the facility enabled)"), errno);
        this.feature = feature;
        this.minimumKernel = minimumKernel;
    }

    private NotSupportedException(String message, String feature, String minimumKernel, int errno, Throwable cause) {
        super(message, errno, cause);
        this.feature = feature;
        this.minimumKernel = minimumKernel;
    }

    /**
     * A feature ebpf4j itself does not implement yet (rather than one the kernel lacks), e.g. USDT arguments with
     * scaled-index addressing: "USDT arguments with scaled-index addressing are not implemented by ebpf4j yet: ...".
     */
    public static NotSupportedException notImplemented(String feature, String message) {
        return new NotSupportedException(feature + " are not implemented by ebpf4j yet: " + message, feature, "", 0,
                null);
    }

    /** The missing feature, e.g. {@code "kprobe"} or {@code "map type ARENA"}. */
    public String feature() {
        return feature;
    }

    /** The first Linux version that has the feature, e.g. {@code "4.1"}; may be empty when unknown. */
    public String minimumKernel() {
        return minimumKernel;
    }

    @Override
    public NotSupportedException withContext(String context) {
        return new NotSupportedException(context + ": " + getMessage(), feature, minimumKernel, errnoValue(), this);
    }
}
