package dev.ebpf4j.cli.btf;

import dev.ebpf4j.BpfException;
import dev.ebpf4j.btf.Btf;
import dev.ebpf4j.btf.BtfArray;
import dev.ebpf4j.btf.BtfComposite;
import dev.ebpf4j.btf.BtfConst;
import dev.ebpf4j.btf.BtfDatasec;
import dev.ebpf4j.btf.BtfEnum;
import dev.ebpf4j.btf.BtfEnum64;
import dev.ebpf4j.btf.BtfEnumValue;
import dev.ebpf4j.btf.BtfFwd;
import dev.ebpf4j.btf.BtfInt;
import dev.ebpf4j.btf.BtfIntEncoding;
import dev.ebpf4j.btf.BtfMember;
import dev.ebpf4j.btf.BtfModifier;
import dev.ebpf4j.btf.BtfPtr;
import dev.ebpf4j.btf.BtfRestrict;
import dev.ebpf4j.btf.BtfTypedef;
import dev.ebpf4j.btf.BtfVar;
import dev.ebpf4j.btf.BtfVarSecinfo;
import dev.ebpf4j.btf.BtfVolatile;
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

    private final Btf btf;
    private final JsonWriter w;
    private final boolean plainText;

    /** {@code plainText}: the layout of bpftool's plain-text mode (pointers as {@code 0x..}, unquoted hex). */
    public BtfValueDumper(Btf btf, JsonWriter w, boolean plainText) {
        this.btf = btf;
        this.w = w;
        this.plainText = plainText;
    }

    /** Writes the value of type {@code typeId} at {@code data[offset..]}; false when the type cannot be printed. */
    public boolean dump(int typeId, byte[] data, int offset) {
        try {
            return type(typeId, 0, data, offset);
        } catch (IndexOutOfBoundsException | IllegalArgumentException | BpfException e) {
            return false;   // a value shorter than its type, or malformed BTF
        }
    }

    private boolean type(int id, int bitOffset, byte[] d, int off) {
        if (id == 0) {
            w.raw("(unknown)");
            return true;
        }
        return switch (btf.type(id)) {
            case BtfInt t -> integer(t, bitOffset, d, off);
            case BtfComposite t -> struct(t, d, off);
            case BtfArray t -> array(t, d, off);
            case BtfEnum t -> enumeration(t, d, off);
            case BtfEnum64 t -> enumeration64(t, d, off);
            case BtfPtr t -> {
                long v = readLong(d, off, 8);
                w.raw(plainText ? (v == 0 ? "(nil)" : "0x" + Long.toHexString(v)) : Long.toUnsignedString(v));
                yield true;
            }
            case BtfFwd t -> {
                w.raw("(fwd-kind-invalid)");
                yield false;
            }
            case BtfTypedef t -> modified(id, bitOffset, d, off);
            case BtfVolatile t -> modified(id, bitOffset, d, off);
            case BtfConst t -> modified(id, bitOffset, d, off);
            case BtfRestrict t -> modified(id, bitOffset, d, off);
            case BtfVar t -> {
                w.startObject().name(t.name());
                boolean ok = type(t.typeId(), bitOffset, d, off);
                w.endObject();
                yield ok;
            }
            case BtfDatasec t -> datasec(t, d, off);
            default -> {
                w.raw("(unsupported-kind");
                yield false;
            }
        };
    }

    /** A typedef or qualifier: the value of the type behind it. */
    private boolean modified(int id, int bitOffset, byte[] d, int off) {
        int actual;
        try {
            actual = btf.resolveId(id);
        } catch (BpfException e) {
            return false;   // a loop of typedefs
        }
        return type(actual, bitOffset, d, off);
    }

    private boolean integer(BtfInt t, int bitOffset, byte[] d, int off) {
        int bits = t.bits();
        if (bitOffset != 0 || t.bitOffset() != 0 || bits % 8 != 0) {
            int total = bitOffset + t.bitOffset();
            bitfield(bits, total & 7, d, off + (total >>> 3));
            return true;
        }
        if (bits == 128) {
            int128(new BigInteger(1, reversed(d, off, 16)));
            return true;
        }
        switch (t.encoding()) {
            case NONE -> {
                switch (bits) {
                    case 64 -> w.raw(Long.toUnsignedString(readLong(d, off, 8)));
                    case 32, 16, 8 -> w.raw(Long.toString(readLong(d, off, bits / 8)));
                    default -> bitfield(bits, bitOffset, d, off);
                }
            }
            case SIGNED -> {
                switch (bits) {
                    case 64 -> w.raw(Long.toString(readLong(d, off, 8)));
                    case 32 -> w.raw(Integer.toString((int) readLong(d, off, 4)));
                    case 16 -> w.raw(Short.toString((short) readLong(d, off, 2)));
                    case 8 -> w.raw(Byte.toString(d[off]));
                    default -> bitfield(bits, bitOffset, d, off);
                }
            }
            case CHAR -> {
                int c = d[off] & 0xff;
                if (c >= 0x20 && c < 0x7f) w.raw("\"" + (char) c + "\"");
                else w.raw(plainText ? "0x" + Integer.toHexString(c) : "\"\\u00" + hex2(c) + "\"");
            }
            case BOOL -> w.bool(d[off] != 0);
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

    private boolean struct(BtfComposite t, byte[] d, int off) {
        boolean ok = true;
        w.startObject();
        for (BtfMember m : t.members()) {
            w.name(m.name());
            int at = off + (m.bitOffset() >>> 3);
            if (m.bitfieldSize() != 0) {
                bitfield(m.bitfieldSize(), m.bitOffset() & 7, d, at);
            } else if (!type(m.typeId(), m.bitOffset() & 7, d, at)) {
                ok = false;
                break;
            }
        }
        w.endObject();
        return ok;
    }

    private boolean array(BtfArray t, byte[] d, int off) {
        int elem = t.elementTypeId();
        int count = t.length();
        if (isString(elem, count, d, off)) {
            int end = off;
            while (d[end] != 0) end++;
            w.string(new String(d, off, end - off, java.nio.charset.StandardCharsets.ISO_8859_1));
            return true;
        }
        long size;
        try {
            size = btf.sizeOf(elem);
        } catch (IllegalArgumentException | BpfException e) {
            return false;   // an element type without size
        }
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
        while (t > 0 && btf.type(t) instanceof BtfModifier m && !(m instanceof BtfTypedef)) t = m.typeId();
        if (t <= 0 || !(btf.type(t) instanceof BtfInt i) || i.size() != 1) return false;
        if (i.encoding() != BtfIntEncoding.CHAR && !"char".equals(i.name())) return false;
        for (int k = 0; k < count; k++) {
            byte c = d[off + k];
            if (c == 0) return true;
            if (c <= 0x1f || c >= 0x7f) return false;
        }
        return false;
    }

    private boolean enumeration(BtfEnum t, byte[] d, int off) {
        int size = t.size();
        long value = switch (size) {
            case 8 -> readLong(d, off, 8);
            case 4 -> (int) readLong(d, off, 4);
            case 2 -> (short) readLong(d, off, 2);
            case 1 -> d[off];
            default -> Long.MIN_VALUE;
        };
        if (size != 8 && size != 4 && size != 2 && size != 1) return false;
        for (BtfEnumValue v : t.values()) {
            if (value == (int) v.value()) {     // the 32-bit value as the kernel stores it, sign-extended
                w.string(v.name());
                return true;
            }
        }
        w.integer(value);
        return true;
    }

    private boolean enumeration64(BtfEnum64 t, byte[] d, int off) {
        long value = readLong(d, off, 8);
        for (BtfEnumValue v : t.values()) {
            if (value == v.value()) {
                w.string(v.name());
                return true;
            }
        }
        w.integer(value);
        return true;
    }

    private boolean datasec(BtfDatasec t, byte[] d, int off) {
        boolean ok = true;
        w.startObject().name(t.name()).startArray();
        for (BtfVarSecinfo v : t.vars()) {
            if (!type(v.typeId(), 0, d, off + v.offset())) {
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
