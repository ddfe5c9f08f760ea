package dev.ebpf4j.btf;

import java.util.List;

/**
 * An enum with 64-bit values (kernel 6.0+).
 *
 * <pre>{@code
 * new BtfEnum64("big", 8, false, List.of(new BtfEnumValue("HUGE", 0xfffffffff0000000L)));
 * }</pre>
 *
 * @param size byte size, an unsigned 32-bit value
 */
public record BtfEnum64(String name, int size, boolean signed, List<BtfEnumValue> values) implements BtfEnumeration {
    public BtfEnum64 {
        Checks.name(name);
        values = Checks.vlenList(values, "ENUM64 values");
    }

    @Override
    public BtfKind kind() {
        return BtfKind.ENUM64;
    }
}
