package dev.ebpf4j.cli.btf;

import dev.ebpf4j.cli.output.JsonWriter;

import java.math.BigInteger;

/**
 * Writes a value as its BTF type describes it, in bpftool 7.1's layout ({@code btf_dumper}): integers as numbers,
 * char arrays holding a string as strings, structs and unions as objects, arrays as arrays, enums by name, pointers
 * as addresses, bitfields as hex. Kinds bpftool 7.1 cannot print ({@code float}, type tags) print its
 * {@code (unsupported-kind} marker and stop, as it does.
 *
 * <pre>{@code
 * new BtfValueDumper(btf, writer, false).dump(valueTypeId, value, 0);   // {"count":3,"comm":"bash"}
 * }</pre>
 */
public final class BtfValueDumper {
    private static final BigInteger MASK_128 = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);

    private final BtfTypes btf;
    private final JsonWriter w;
    private final boolean plainText;

    /** {@code plainText}: the layout of bpftool's plain-text mode (pointers as {@code 0x..}, unquoted hex). */
    public BtfValueDumper(BtfTypes btf, JsonWriter w, boolean plainText) {
        this.btf = btf;
        this.w = w;
        this.plainText = plainText;
    }

    /** Writes the value of type {@code typeId} at {@code data[offset..]}; false when the type cannot be printed. */
    public boolean dump(int typeId, byte[] data, int offset) {
        try {
            return type(typeId, 0, data, offset);
        } catch (IndexOutOfBoundsException e) {
            return false;
        }
    }

    private boolean type(int id, int bitOffset, byte[] d, int off) {
        if (id == 0) {
            w.raw("(unknown)");
            return true;
        }
        return switch (btf.kind(id)) {
            case BtfTypes.INT -> integer(id, bitOffset, d, off);
            case BtfTypes.STRUCT, BtfTypes.UNION -> struct(id, d, off);
            case BtfTypes.ARRAY -> array(id, d, off);
            case BtfTypes.ENUM -> enumeration(id, d, off);
            case BtfTypes.ENUM64 -> enumeration64(id, d, off);
            case BtfTypes.PTR -> {
                long v = readLong(d, off, 8);
                w.raw(plainText ? (v == 0 ? "(nil)" : "0x" + Long.toHexString(v)) : Long.toUnsignedString(v));
                yield true;
            }
            case BtfTypes.FWD -> {
                w.raw("(fwd-kind-invalid)");
                yield false;
            }
            case BtfTypes.TYPEDEF, BtfTypes.VOLATILE, BtfTypes.CONST, BtfTypes.RESTRICT -> {
                int actual = btf.resolve(id);
                yield actual >= 0 && type(actual, bitOffset, d, off);
            }
            case BtfTypes.VAR -> {
                w.startObject().name(btf.nameOf(id));
                boolean ok = type(btf.ref(id), bitOffset, d, off);
                w.endObject();
                yield ok;
            }
            case BtfTypes.DATASEC -> datasec(id, d, off);
            default -> {
                w.raw("(unsupported-kind");
                yield false;
            }
        };
    }

    private boolean integer(int id, int bitOffset, byte[] d, int off) {
        int info = btf.word(id, 0);
        int encoding = (info >>> 24) & 0x0f;
        int intOffset = (info >>> 16) & 0xff;
        int bits = info & 0xff;
        if (bitOffset != 0 || intOffset != 0 || bits % 8 != 0) {
            int total = bitOffset + intOffset;
            bitfield(bits, total & 7, d, off + (total >>> 3));
            return true;
        }
        if (bits == 128) {
            int128(new BigInteger(1, reversed(d, off, 16)));
            return true;
        }
        switch (encoding) {
            case 0 -> {
                switch (bits) {
                    case 64 -> w.raw(Long.toUnsignedString(readLong(d, off, 8)));
                    case 32, 16, 8 -> w.raw(Long.toString(readLong(d, off, bits / 8)));
                    default -> bitfield(bits, bitOffset, d, off);
                }
            }
            case 1 -> {
                switch (bits) {
                    case 64 -> w.raw(Long.toString(readLong(d, off, 8)));
                    case 32 -> w.raw(Integer.toString((int) readLong(d, off, 4)));
                    case 16 -> w.raw(Short.toString((short) readLong(d, off, 2)));
                    case 8 -> w.raw(Byte.toString(d[off]));
                    default -> bitfield(bits, bitOffset, d, off);
                }
            }
            case 2 -> {
                int c = d[off] & 0xff;
                if (c >= 0x20 && c < 0x7f) w.raw("\"" + (char) c + "\"");
                else w.raw(plainText ? "0x" + Integer.toHexString(c) : "\"\\u00" + hex2(c) + "\"");
            }
            case 4 -> w.bool(d[off] != 0);
            default -> {
                return false;
            }
        }
        return true;
    }

    private void bitfield(int bits, int bitOffset, byte[] d, int off) {
        int toCopy = bitOffset + bits;
        int bytes = (toCopy + 7) >>> 3;
        BigInteger v = new BigInteger(1, reversed(d, off, bytes));
        v = v.shiftLeft(128 - toCopy).and(MASK_128).shiftRight(128 - bits);
        int128(v);
    }

    private void int128(BigInteger v) {
        String hex = "0x" + v.toString(16);
        w.raw(plainText ? hex : "\"" + hex + "\"");
    }

    private boolean struct(int id, byte[] d, int off) {
        boolean kflag = btf.kflag(id);
        boolean ok = true;
        w.startObject();
        for (int i = 0; i < btf.vlen(id); i++) {
            int nameOff = btf.word(id, 3 * i);
            int memberType = btf.word(id, 3 * i + 1);
            int offsetWord = btf.word(id, 3 * i + 2);
            int bitOffset = kflag ? offsetWord & 0xffffff : offsetWord;
            int bitfieldSize = kflag ? offsetWord >>> 24 : 0;
            w.name(btf.string(nameOff));
            int at = off + (bitOffset >>> 3);
            if (bitfieldSize != 0) {
                bitfield(bitfieldSize, bitOffset & 7, d, at);
            } else if (!type(memberType, bitOffset & 7, d, at)) {
                ok = false;
                break;
            }
        }
        w.endObject();
        return ok;
    }

    private boolean array(int id, byte[] d, int off) {
        int elem = btf.word(id, 0);
        int count = btf.word(id, 2);
        if (isString(elem, count, d, off)) {
            int end = off;
            while (d[end] != 0) end++;
            w.string(new String(d, off, end - off, java.nio.charset.StandardCharsets.ISO_8859_1));
            return true;
        }
        long size = btf.size(elem);
        if (size < 0) return false;
        boolean ok = true;
        w.startArray();
        for (int i = 0; i < count; i++) {
            if (!type(elem, 0, d, (int) (off + i * size))) {
                ok = false;
                break;
            }
        }
        w.endArray();
        return ok;
    }

    private boolean isString(int elem, int count, byte[] d, int off) {
        if (count == 0) return false;
        int t = elem;
        while (t > 0 && (btf.kind(t) == BtfTypes.VOLATILE || btf.kind(t) == BtfTypes.CONST
                || btf.kind(t) == BtfTypes.RESTRICT || btf.kind(t) == BtfTypes.TYPE_TAG)) {
            t = btf.ref(t);
        }
        if (t <= 0 || btf.kind(t) != BtfTypes.INT || btf.ref(t) != 1) return false;
        int encoding = (btf.word(t, 0) >>> 24) & 0x0f;
        if (encoding != 2 && !"char".equals(btf.nameOf(t))) return false;
        for (int i = 0; i < count; i++) {
            byte c = d[off + i];
            if (c == 0) return true;
            if (c <= 0x1f || c >= 0x7f) return false;
        }
        return false;
    }

    private boolean enumeration(int id, byte[] d, int off) {
        int size = btf.ref(id);
        long value = switch (size) {
            case 8 -> readLong(d, off, 8);
            case 4 -> (int) readLong(d, off, 4);
            case 2 -> (short) readLong(d, off, 2);
            case 1 -> d[off];
            default -> Long.MIN_VALUE;
        };
        if (size != 8 && size != 4 && size != 2 && size != 1) return false;
        for (int i = 0; i < btf.vlen(id); i++) {
            if (value == btf.word(id, 2 * i + 1)) {
                w.string(btf.string(btf.word(id, 2 * i)));
                return true;
            }
        }
        w.integer(value);
        return true;
    }

    private boolean enumeration64(int id, byte[] d, int off) {
        long value = readLong(d, off, 8);
        for (int i = 0; i < btf.vlen(id); i++) {
            long v = Integer.toUnsignedLong(btf.word(id, 3 * i + 1)) | ((long) btf.word(id, 3 * i + 2) << 32);
            if (value == v) {
                w.string(btf.string(btf.word(id, 3 * i)));
                return true;
            }
        }
        w.integer(value);
        return true;
    }

    private boolean datasec(int id, byte[] d, int off) {
        boolean ok = true;
        w.startObject().name(btf.nameOf(id)).startArray();
        for (int i = 0; i < btf.vlen(id); i++) {
            if (!type(btf.word(id, 3 * i), 0, d, off + btf.word(id, 3 * i + 1))) {
                ok = false;
                break;
            }
        }
        w.endArray().endObject();
        return ok;
    }

    /** Little-endian unsigned read of {@code n} bytes (n ≤ 8). */
    private static long readLong(byte[] d, int off, int n) {
        long v = 0;
        for (int i = n - 1; i >= 0; i--) v = (v << 8) | (d[off + i] & 0xff);
        return v;
    }

    private static byte[] reversed(byte[] d, int off, int n) {
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) out[i] = d[off + n - 1 - i];
        return out;
    }

    private static String hex2(int v) {
        return (v < 16 ? "0" : "") + Integer.toHexString(v);
    }
}
