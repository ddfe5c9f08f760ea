package dev.ebpf4j.btf;

/**
 * An array of {@code length} elements of {@code elementTypeId}, indexed by {@code indexTypeId} (an integer type;
 * clang uses a synthetic {@code __ARRAY_SIZE_TYPE__}).
 *
 * <pre>{@code
 * int comm = builder.add(new BtfArray(charId, intId, 16));    // char comm[16]
 * long bytes = btf.sizeOf(comm);                              // 16
 * }</pre>
 *
 * @param length number of elements, an unsigned 32-bit value
 */
public record BtfArray(String name, int elementTypeId, int indexTypeId, int length) implements BtfType {
    public BtfArray {
        Checks.name(name);
        Checks.typeId(elementTypeId, "ARRAY element type");
        Checks.typeId(indexTypeId, "ARRAY index type");
    }

    /** An anonymous array, the only form the kernel accepts. */
    public BtfArray(int elementTypeId, int indexTypeId, int length) {
        this("", elementTypeId, indexTypeId, length);
    }

    @Override
    public BtfKind kind() {
        return BtfKind.ARRAY;
    }

    /** The element count as an unsigned value. */
    public long lengthUnsigned() {
        return Integer.toUnsignedLong(length);
    }
}
