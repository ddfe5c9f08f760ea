package dev.ebpf4j.btf;

import java.util.Objects;

/**
 * A function: its name, its {@link BtfFuncProto} and linkage. fentry/fexit programs attach to FUNCs in vmlinux,
 * iterators to {@code bpf_iter_<name>}.
 *
 * <pre>{@code
 * BtfEntry<BtfFunc> f = Btf.vmlinux().findFunction("bpf_iter_task").orElseThrow();
 * BtfFuncProto proto = (BtfFuncProto) Btf.vmlinux().type(f.type().typeId());
 * }</pre>
 */
public record BtfFunc(String name, int typeId, BtfLinkage linkage) implements BtfType {
    public BtfFunc {
        Checks.name(name);
        Checks.typeId(typeId, "FUNC prototype");
        Objects.requireNonNull(linkage, "linkage");
    }

    @Override
    public BtfKind kind() {
        return BtfKind.FUNC;
    }
}
