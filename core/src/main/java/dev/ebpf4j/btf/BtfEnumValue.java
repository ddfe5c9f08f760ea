package dev.ebpf4j.btf;

/**
 * One enumerator of a {@link BtfEnum} or {@link BtfEnum64}. For a 32-bit {@link BtfEnum} the value is the encoded
 * 32 bits sign-extended when the enum is signed and zero-extended otherwise; for {@link BtfEnum64} it is the raw 64
 * bits (read them unsigned when the enum is unsigned).
 *
 * <pre>{@code
 * new BtfEnumValue("BPF_ANY", 0);
 * }</pre>
 */
public record BtfEnumValue(String name, long value) {
    public BtfEnumValue {
        Checks.name(name);
    }
}
