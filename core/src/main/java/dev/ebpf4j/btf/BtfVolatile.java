package dev.ebpf4j.btf;

/**
 * The {@code volatile} qualifier applied to {@code typeId}.
 *
 * <pre>{@code
 * int q = builder.add(new BtfVolatile(intId));      // volatile int
 * }</pre>
 */
public record BtfVolatile(String name, int typeId) implements BtfModifier {
    public BtfVolatile {
        Checks.name(name);
        Checks.typeId(typeId, "VOLATILE target");
    }

    /** An anonymous qualifier, the only form the kernel accepts. */
    public BtfVolatile(int typeId) {
        this("", typeId);
    }

    @Override
    public BtfKind kind() {
        return BtfKind.VOLATILE;
    }
}
