package dev.ebpf4j.btf;

/**
 * A member of a {@link BtfStruct} or {@link BtfUnion}: its name (empty for anonymous struct/union members), type and
 * bit offset from the start of the enclosing type. {@code bitfieldSize} is the width of a bitfield, or 0 for an
 * ordinary member. (In the encoding a nonzero width sets the owner's kind_flag and limits bit offsets to 24 bits;
 * older BTF instead describes bitfields through an {@link BtfInt} with fewer bits, and then reports 0 here.)
 *
 * <pre>{@code
 * new BtfMember("flags", u32, 32, 0);        // u32 flags at byte 4
 * new BtfMember("ready", u32, 64, 1);        // u32 ready : 1 at bit 64
 * }</pre>
 *
 * @param bitOffset bit offset, an unsigned value
 */
public record BtfMember(String name, int typeId, int bitOffset, int bitfieldSize) {
    public BtfMember {
        Checks.name(name);
        Checks.typeId(typeId, "member type");
        Checks.u8(bitfieldSize, "bitfield size");
    }

    /** True when this member is a bitfield with an explicit width. */
    public boolean isBitfield() {
        return bitfieldSize != 0;
    }

    /** The bit offset as an unsigned value. */
    public long bitOffsetUnsigned() {
        return Integer.toUnsignedLong(bitOffset);
    }

    /** The byte holding the member's first bit. */
    public long byteOffset() {
        return bitOffsetUnsigned() >>> 3;
    }
}
