package dev.ebpf4j.btf;

/**
 * The {@code const} qualifier applied to {@code typeId}.
 *
 * <pre>{@code
 * int q = builder.add(new BtfConst(intId));      // const int
 * }</pre>
 */
public record BtfConst(String name, int typeId) implements BtfModifier {
    public BtfConst {
        Checks.name(name);
        Checks.typeId(typeId, "CONST target");
    }

    /** An anonymous qualifier, the only form the kernel accepts. */
    public BtfConst(int typeId) {
        this("", typeId);
    }

    @Override
    public BtfKind kind() {
        return BtfKind.CONST;
    }
}
