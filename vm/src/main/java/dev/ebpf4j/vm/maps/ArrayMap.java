package dev.ebpf4j.vm.maps;

import dev.ebpf4j.MapSpec;
import dev.ebpf4j.vm.mem.Addresses;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code BPF_MAP_TYPE_ARRAY} and {@code PERCPU_ARRAY} (one CPU): {@code max_entries} zero-initialised values of
 * 8-byte-aligned stride in one region, indexed by a 4-byte little-endian key. Entries cannot be deleted.
 *
 * <pre>{@code
 * ArrayMap m = new ArrayMap(MapSpec.array("a", 8, 16), 0, 1000);
 * }</pre>
 */
public final class ArrayMap extends MapBase {
    private final byte[] values;
    private final int stride;

    public ArrayMap(MapSpec spec, int index, int fd) {
        super(spec, index, fd);
        if (spec.keySize() != 4) throw new IllegalArgumentException("array maps need 4-byte keys");
        this.stride = stride(spec.valueSize());
        this.values = new byte[Math.multiplyExact(stride, spec.maxEntries())];
    }

    @Override
    public byte[] memory() {
        return values;
    }

    private static int keyIndex(byte[] key, int off) {
        return ByteBuffer.wrap(key, off, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    }

    @Override
    public long lookupForProgram(byte[] key, int keyOff) {
        int i = (key[keyOff] & 0xff) | (key[keyOff + 1] & 0xff) << 8 | (key[keyOff + 2] & 0xff) << 16
                | (key[keyOff + 3] & 0xff) << 24;
        if (i < 0 || i >= spec.maxEntries()) return 0;
        return Addresses.of(region, i * stride);
    }

    @Override
    public int updateForProgram(byte[] key, int keyOff, byte[] value, int valueOff, long flags) {
        int i = keyIndex(key, keyOff);
        if ((flags & ~4L) > 2) return -EINVAL;
        if (i < 0 || i >= spec.maxEntries()) return -E2BIG;
        if ((flags & 3) == 1) return -EEXIST;
        synchronized (this) {
            System.arraycopy(value, valueOff, values, i * stride, spec.valueSize());
        }
        return 0;
    }

    @Override
    public int deleteForProgram(byte[] key, int keyOff) {
        return -EINVAL;
    }

    @Override
    protected List<byte[]> keysCopy() {
        List<byte[]> out = new ArrayList<>(spec.maxEntries());
        for (int i = 0; i < spec.maxEntries(); i++) {
            out.add(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(i).array());
        }
        return out;
    }
}
