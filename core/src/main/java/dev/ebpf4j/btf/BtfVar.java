package dev.ebpf4j.btf;

import java.util.Objects;

/**
 * A global variable, listed in a {@link BtfDatasec}.
 *
 * <pre>{@code
 * int v = builder.add(new BtfVar("counter", u64, BtfLinkage.GLOBAL));
 * }</pre>
 */
public record BtfVar(String name, int typeId, BtfLinkage linkage) implements BtfType {
    public BtfVar {
        Checks.name(name);
        Checks.typeId(typeId, "VAR type");
        Objects.requireNonNull(linkage, "linkage");
    }

    @Override
    public BtfKind kind() {
        return BtfKind.VAR;
    }
}
