package dev.ebpf4j.btf;

/**
 * A pointer to {@code typeId} (0: {@code void *}).
 *
 * <pre>{@code
 * int charPtr = builder.add(new BtfPtr(charId));
 * }</pre>
 */
public record BtfPtr(String name, int typeId) implements BtfType {
    public BtfPtr {
        Checks.name(name);
        Checks.typeId(typeId, "PTR target");
    }

    /** An anonymous pointer, the only form the kernel accepts. */
    public BtfPtr(int typeId) {
        this("", typeId);
    }

    @Override
    public BtfKind kind() {
        return BtfKind.PTR;
    }
}
