package dev.ebpf4j.btf;

import java.util.Objects;

/**
 * An integer type: {@code size} bytes of storage holding {@code bits} value bits starting at bit {@code bitOffset}
 * (both 0..255 as encoded; ordinary integers have offset 0 and {@code bits == size * 8}).
 *
 * <pre>{@code
 * BtfInt u32 = new BtfInt("unsigned int", 4, BtfIntEncoding.NONE);
 * BtfInt s64 = new BtfInt("long", 8, BtfIntEncoding.SIGNED);
 * }</pre>
 *
 * @param size byte size, an unsigned 32-bit value
 */
public record BtfInt(String name, int size, BtfIntEncoding encoding, int bitOffset, int bits) implements BtfType {
    public BtfInt {
        Checks.name(name);
        Objects.requireNonNull(encoding, "encoding");
        Checks.u8(bitOffset, "INT bit offset");
        Checks.u8(bits, "INT bits");
    }

    /** An ordinary integer: offset 0, all {@code size * 8} bits used. */
    public BtfInt(String name, int size, BtfIntEncoding encoding) {
        this(name, size, encoding, 0, Math.min(size * 8, 0xff));
    }

    @Override
    public BtfKind kind() {
        return BtfKind.INT;
    }

    /** True for {@link BtfIntEncoding#SIGNED}. */
    public boolean isSigned() {
        return encoding == BtfIntEncoding.SIGNED;
    }
}
