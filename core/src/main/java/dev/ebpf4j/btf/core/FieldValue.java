package dev.ebpf4j.btf.core;

import dev.ebpf4j.btf.BtfComposite;
import dev.ebpf4j.btf.BtfCoreReloKind;
import dev.ebpf4j.btf.BtfEnumeration;
import dev.ebpf4j.btf.BtfInt;
import dev.ebpf4j.btf.BtfMember;
import dev.ebpf4j.btf.BtfType;

import java.nio.ByteOrder;

/**
 * The value of a field relocation for one spec (local or target), libbpf's semantics:
 * <ul>
 * <li>byte offset: of the member (bitfields: of the smallest aligned 1/2/4/8-byte word holding all its bits);</li>
 * <li>byte size: of the member's type (bitfields: of that word);</li>
 * <li>signed: 1 for signed integers and signed enums;</li>
 * <li>lshift/rshift: the shifts that extract the field from that word loaded into a u64
 * ({@code (x << lshift) >> rshift}).</li>
 * </ul>
 * For an access ending at an array element only byte offset and size are defined. Bitfield values other than
 * signedness and rshift are not validated against the instruction (the compiler may have chosen another word).
 *
 * @param memorySize access size in bytes for byte offsets of non-bitfield members (0 otherwise)
 * @param fieldTypeId the member's type, modifiers skipped, when {@code memorySize} is set
 */
record FieldValue(long value, int memorySize, int fieldTypeId, boolean validate) {

    static FieldValue of(AccessSpec spec, BtfCoreReloKind kind, boolean local) {
        Accessor last = spec.last();
        if (!last.isNamed()) {
            long size = CoreTypes.size(spec.btf, last.typeId());
            if (size < 0) throw failure(local, "array element " + CoreTypes.describe(spec.btf, last.typeId())
                    + " has no size");
            return switch (kind) {
                case FIELD_BYTE_OFFSET -> new FieldValue(spec.bitOffset / 8, (int) Math.min(size, Integer.MAX_VALUE),
                        last.typeId(), true);
                case FIELD_BYTE_SIZE -> new FieldValue(size, 0, 0, true);
                default -> throw CoreFailure.object(CoreText.kind(kind)
                        + " cannot be applied to an array element access");
            };
        }
        BtfMember member = ((BtfComposite) TypeCache.type(spec.btf, last.typeId())).members().get(last.index());
        int fieldTypeId = spec.btf.resolveId(member.typeId());
        BtfType fieldType = TypeCache.type(spec.btf, fieldTypeId);
        long bitOffset = spec.bitOffset;
        long bitSize = member.bitfieldSize();
        boolean bitfield = bitSize > 0;
        long byteSize = CoreTypes.size(spec.btf, fieldTypeId);
        if (byteSize <= 0) {
            throw failure(local, "member " + member.name() + " has type " + CoreTypes.describe(spec.btf, fieldTypeId)
                    + " without a size");
        }
        long byteOffset;
        if (bitfield) {
            byteOffset = bitOffset / 8 / byteSize * byteSize;
            while (bitOffset + bitSize - byteOffset * 8 > byteSize * 8) {
                if (byteSize >= 8) {
                    throw failure(local, "bitfield " + member.name() + " (" + bitSize + " bits at bit " + bitOffset
                            + ") cannot be read with one 64-bit load");
                }
                byteSize *= 2;
                byteOffset = bitOffset / 8 / byteSize * byteSize;
            }
        } else {
            byteOffset = bitOffset / 8;
            bitSize = byteSize * 8;
        }
        return switch (kind) {
            case FIELD_BYTE_OFFSET -> bitfield ? new FieldValue(byteOffset, 0, 0, false)
                    : new FieldValue(byteOffset, (int) Math.min(byteSize, Integer.MAX_VALUE), fieldTypeId, true);
            case FIELD_BYTE_SIZE -> new FieldValue(byteSize, 0, 0, !bitfield);
            case FIELD_SIGNED -> new FieldValue(isSigned(fieldType) ? 1 : 0, 0, 0, true);
            case FIELD_LSHIFT_U64 -> new FieldValue(spec.btf.byteOrder() == ByteOrder.LITTLE_ENDIAN
                    ? 64 - (bitOffset + bitSize - byteOffset * 8)
                    : (8 - byteSize) * 8 + (bitOffset - byteOffset * 8), 0, 0, !bitfield);
            case FIELD_RSHIFT_U64 -> new FieldValue(64 - bitSize, 0, 0, true);
            default -> throw new IllegalArgumentException(kind + " is not computed from a field");
        };
    }

    private static boolean isSigned(BtfType t) {
        return (t instanceof BtfEnumeration e && e.signed()) || (t instanceof BtfInt i && i.isSigned());
    }

    private static CoreFailure failure(boolean local, String message) {
        return local ? CoreFailure.object(message) : CoreFailure.target("target BTF: " + message);
    }
}
