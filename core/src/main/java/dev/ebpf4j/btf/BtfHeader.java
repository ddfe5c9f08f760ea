package dev.ebpf4j.btf;

/**
 * The BTF header: magic 0xeB9F, version 1, flags, header length, and the type and string sections' offsets and
 * lengths (relative to the end of the header). {@link #parse} checks that both sections lie inside the blob,
 * do not overlap, and that the type section is 4-byte aligned.
 *
 * <pre>{@code
 * BtfHeader h = BtfHeader.parse(bytes);
 * long firstType = h.typeStart();
 * }</pre>
 */
record BtfHeader(int version, int flags, long headerLength, long typeOffset, long typeLength, long stringOffset,
                 long stringLength) {
    /** Size of the header this code knows (magic through str_len). */
    static final int KNOWN_LENGTH = 24;

    static BtfHeader parse(BtfBytes b) {
        long size = b.size();
        b.require(0, 8, size, "BTF header start");
        int version = b.u8(2);
        if (version != 1) throw b.error(2, "unsupported BTF version " + version + " (only 1 exists)");
        int flags = b.u8(3);
        long hdrLen = b.u32(4);
        if (hdrLen < KNOWN_LENGTH) {
            throw b.error(4, "BTF header length " + hdrLen + " is shorter than the " + KNOWN_LENGTH + " bytes of v1");
        }
        b.require(0, hdrLen, size, "BTF header");
        for (long i = KNOWN_LENGTH; i < hdrLen; i++) {
            if (b.u8(i) != 0) throw b.error(i, "unknown non-zero BTF header field (header length " + hdrLen + ")");
        }
        long typeOff = b.u32(8);
        long typeLen = b.u32(12);
        long strOff = b.u32(16);
        long strLen = b.u32(20);
        long data = size - hdrLen;
        if (typeOff % 4 != 0) throw b.error(8, "type section offset " + typeOff + " is not 4-byte aligned");
        if (typeLen % 4 != 0) throw b.error(12, "type section length " + typeLen + " is not a multiple of 4");
        if (typeOff + typeLen > data) {
            throw b.error(8, "type section [" + typeOff + ", +" + typeLen + ") runs past the " + data
                    + " data bytes after the header");
        }
        if (strOff + strLen > data) {
            throw b.error(16, "string section [" + strOff + ", +" + strLen + ") runs past the " + data
                    + " data bytes after the header");
        }
        boolean disjoint = typeOff + typeLen <= strOff || strOff + strLen <= typeOff;
        if (!disjoint && typeLen > 0 && strLen > 0) {
            throw b.error(8, "type section [" + typeOff + ", +" + typeLen + ") overlaps string section [" + strOff
                    + ", +" + strLen + ")");
        }
        return new BtfHeader(version, flags, hdrLen, typeOff, typeLen, strOff, strLen);
    }

    /** Absolute offset of the first type record. */
    long typeStart() {
        return headerLength + typeOffset;
    }

    /** Absolute offset just past the last type record. */
    long typeEnd() {
        return typeStart() + typeLength;
    }

    /** Absolute offset of the string section. */
    long stringStart() {
        return headerLength + stringOffset;
    }
}
