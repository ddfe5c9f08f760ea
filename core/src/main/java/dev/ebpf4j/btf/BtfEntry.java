package dev.ebpf4j.btf;

/**
 * A type together with its id, as lookups return it.
 *
 * <pre>{@code
 * BtfEntry<BtfFunc> f = Btf.vmlinux().findFunction("do_unlinkat").orElseThrow();
 * int attachBtfId = f.id();
 * }</pre>
 */
public record BtfEntry<T extends BtfType>(int id, T type) {
    public BtfEntry {
        Checks.typeId(id, "id");
        java.util.Objects.requireNonNull(type, "type");
    }

    /** The type's name. */
    public String name() {
        return type.name();
    }
}
