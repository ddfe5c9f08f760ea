package dev.ebpf4j;

/**
 * How a map update treats an existing element: {@code BPF_ANY}, {@code BPF_NOEXIST}, {@code BPF_EXIST}.
 *
 * <pre>{@code
 * map.update(key, value, UpdateMode.NO_EXIST);   // fails with EEXIST when the key is present
 * }</pre>
 */
public enum UpdateMode {
    /** Create or replace. */
    ANY(0),
    /** Create only; EEXIST when present. */
    NO_EXIST(1),
    /** Replace only; ENOENT when absent. */
    EXIST(2);

    /** {@code BPF_F_LOCK}: update/lookup a value holding a {@code bpf_spin_lock} under that lock. */
    public static final long F_LOCK = 4;

    private final int flag;

    UpdateMode(int flag) {
        this.flag = flag;
    }

    /** The kernel flag value. */
    public int flag() {
        return flag;
    }
}
