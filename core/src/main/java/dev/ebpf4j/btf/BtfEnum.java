package dev.ebpf4j.btf;

import java.util.List;

/**
 * An enum with 32-bit values. Values must be representable in 32 bits under the chosen signedness
 * ({@code Integer.MIN_VALUE..Integer.MAX_VALUE} when signed, {@code 0..0xffffffff} otherwise).
 *
 * <pre>{@code
 * new BtfEnum("colour", 4, true, List.of(new BtfEnumValue("RED", 0), new BtfEnumValue("BLUE", -3)));
 * }</pre>
 *
 * @param size byte size (1, 2, 4 or 8 in valid BTF), an unsigned 32-bit value
 */
public record BtfEnum(String name, int size, boolean signed, List<BtfEnumValue> values) implements BtfEnumeration {
    public BtfEnum {
        Checks.name(name);
        values = Checks.vlenList(values, "ENUM values");
        for (BtfEnumValue v : values) {
            long x = v.value();
            boolean fits = signed ? x >= Integer.MIN_VALUE && x <= Integer.MAX_VALUE : x >= 0 && x <= 0xffff_ffffL;
            if (!fits) {
                throw new IllegalArgumentException("ENUM value " + v.name() + " = " + x + " does not fit 32 "
                        + (signed ? "signed" : "unsigned") + " bits; use BtfEnum64");
            }
        }
    }

    @Override
    public BtfKind kind() {
        return BtfKind.ENUM;
    }
}
