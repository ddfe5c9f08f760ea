package dev.ebpf4j.btf;

/**
 * Linkage of a {@link BtfFunc} (encoded in its vlen) or a {@link BtfVar}. For variables {@link #GLOBAL} means
 * "global, allocated here".
 *
 * <pre>{@code
 * boolean callable = btf.findFunction("bpf_iter_task").orElseThrow().type().linkage() != BtfLinkage.EXTERN;
 * }</pre>
 */
public enum BtfLinkage {
    STATIC(0, "static"),
    GLOBAL(1, "global"),
    EXTERN(2, "extern");

    private final int value;
    private final String label;

    BtfLinkage(int value, String label) {
        this.value = value;
        this.label = label;
    }

    /** The linkage for an encoded value, or {@code null} when unknown. */
    public static BtfLinkage of(long value) {
        return value == 0 ? STATIC : value == 1 ? GLOBAL : value == 2 ? EXTERN : null;
    }

    /** The encoded value. */
    public int value() {
        return value;
    }

    /** The label bpftool prints. */
    public String label() {
        return label;
    }
}
