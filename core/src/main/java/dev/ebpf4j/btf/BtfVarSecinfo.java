package dev.ebpf4j.btf;

/**
 * One variable of a {@link BtfDatasec}: the {@link BtfVar} (or, in {@code .ksyms}, {@link BtfFunc}) type id and where
 * it lies in the section. Offset and size are unsigned 32-bit values.
 *
 * <pre>{@code
 * new BtfVarSecinfo(counterVar, 0, 8);
 * }</pre>
 */
public record BtfVarSecinfo(int typeId, int offset, int size) {
    public BtfVarSecinfo {
        Checks.typeId(typeId, "DATASEC variable");
    }
}
