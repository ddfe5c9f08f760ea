package dev.ebpf4j.btf;

/**
 * A floating-point type of {@code size} bytes (2, 4, 8, 12 or 16 in valid BTF).
 *
 * <pre>{@code
 * int dbl = builder.add(new BtfFloat("double", 8));
 * }</pre>
 *
 * @param size byte size, an unsigned 32-bit value
 */
public record BtfFloat(String name, int size) implements BtfType {
    public BtfFloat {
        Checks.name(name);
    }

    @Override
    public BtfKind kind() {
        return BtfKind.FLOAT;
    }
}
