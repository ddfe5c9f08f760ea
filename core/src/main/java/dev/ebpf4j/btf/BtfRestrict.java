package dev.ebpf4j.btf;

/**
 * The {@code restrict} qualifier applied to {@code typeId}.
 *
 * <pre>{@code
 * int q = builder.add(new BtfRestrict(intId));      // restrict int
 * }</pre>
 */
public record BtfRestrict(String name, int typeId) implements BtfModifier {
    public BtfRestrict {
        Checks.name(name);
        Checks.typeId(typeId, "RESTRICT target");
    }

    /** An anonymous qualifier, the only form the kernel accepts. */
    public BtfRestrict(int typeId) {
        this("", typeId);
    }

    @Override
    public BtfKind kind() {
        return BtfKind.RESTRICT;
    }
}
