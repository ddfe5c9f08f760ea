package dev.ebpf4j.internal.loader;

/**
 * An extern the object declares ({@code __kconfig} or {@code __ksym}), resolved when the object is loaded.
 *
 * <pre>{@code
 * ExternSpec e = ...;   // CONFIG_HZ: KCONFIG, INT 4 bytes at offset 8 of the .kconfig map
 * }</pre>
 *
 * @param name        symbol name
 * @param kind        what it names
 * @param weak        declared {@code __weak}: absent from the kernel → zero / poisoned, not an error
 * @param btfId       the VAR (or FUNC, for kfuncs) in the object's BTF
 * @param typeId      the VAR's type (the FUNC_PROTO for kfuncs); resolves to void for untyped ksyms
 * @param kconfigType for KCONFIG externs, how the value is encoded; null otherwise
 * @param offset      for KCONFIG externs, the byte offset in the {@code .kconfig} map
 * @param size        for KCONFIG externs, the value size in bytes
 */
public record ExternSpec(String name, Kind kind, boolean weak, int btfId, int typeId, KconfigType kconfigType,
                         int offset, int size) {

    /** The kinds of externs. */
    public enum Kind {
        /** {@code extern T CONFIG_X __kconfig}, {@code LINUX_KERNEL_VERSION}: a value in the .kconfig map. */
        KCONFIG,
        /** {@code extern T sym __ksym}: a kernel variable (typed: BTF id; untyped {@code void}: address). */
        KSYM,
        /** {@code extern R func(...) __ksym}: a kernel function callable from BPF (kfunc). */
        KFUNC
    }

    /** How a kconfig value is stored, following libbpf's rules for the declared C type. */
    public enum KconfigType {
        /** {@code bool}: y → 1, n → 0. */
        BOOL,
        /** {@code char}: the config character ('y', 'n', 'm'). */
        CHAR,
        /** {@code enum libbpf_tristate}: n → 0, y → 1, m → 2. */
        TRISTATE,
        /** A signed or unsigned integer of 1, 2, 4 or 8 bytes: a number. */
        INT,
        /** {@code char[N]}: a string, NUL-terminated, truncated to N - 1 bytes. */
        CHAR_ARRAY
    }

    /** "extern 'name' (__kconfig)" for messages. */
    public String describe() {
        return "extern '" + name + "' (" + (kind == Kind.KCONFIG ? "__kconfig" : "__ksym") + (weak ? ", weak" : "")
                + ")";
    }
}
