package dev.ebpf4j.btf;

import java.util.List;
import java.util.Optional;

/**
 * An enum of either width: {@link BtfEnum} (32-bit values) or {@link BtfEnum64}.
 *
 * <pre>{@code
 * if (btf.type(id) instanceof BtfEnumeration e) {
 *     long v = e.value("BPF_MAP_TYPE_HASH").orElseThrow();
 * }
 * }</pre>
 */
public sealed interface BtfEnumeration extends BtfType permits BtfEnum, BtfEnum64 {
    /** Byte size of the enum type, an unsigned 32-bit value. */
    int size();

    /** True when values are signed (the encoding's kind_flag). */
    boolean signed();

    /** The enumerators in declaration order. */
    List<BtfEnumValue> values();

    /** The value of the enumerator with the given name. */
    default Optional<Long> value(String enumerator) {
        for (BtfEnumValue v : values()) {
            if (v.name().equals(enumerator)) return Optional.of(v.value());
        }
        return Optional.empty();
    }
}
