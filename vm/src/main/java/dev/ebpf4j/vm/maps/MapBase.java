package dev.ebpf4j.vm.maps;

import dev.ebpf4j.BpfArgumentException;
import dev.ebpf4j.MapSpec;
import dev.ebpf4j.UpdateMode;
import dev.ebpf4j.vm.VmMap;
import dev.ebpf4j.vm.mem.Addresses;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Common part of the VM's maps: identity (spec, index in its {@code VmMaps}, memory region, pseudo fd) and the
 * user-facing byte[] operations, built on the program-facing operations that work on keys and values in VM memory
 * (an array and an offset) and hand out value addresses. Subclasses synchronize on themselves.
 *
 * <pre>{@code
 * long valueAddress = map.lookupForProgram(keyArray, keyOffset);   // 0 when absent
 * }</pre>
 */
public abstract class MapBase implements VmMap {
    public static final int ENOENT = 2;
    public static final int E2BIG = 7;
    public static final int EEXIST = 17;
    public static final int EINVAL = 22;
    public static final int ENOSPC = 28;

    protected final MapSpec spec;
    protected final int index;
    protected final int region;
    private final int fd;

    protected MapBase(MapSpec spec, int index, int fd) {
        this.spec = spec;
        this.index = index;
        this.region = Addresses.FIRST_MAP + index;
        this.fd = fd;
    }

    @Override
    public MapSpec spec() {
        return spec;
    }

    @Override
    public int fd() {
        return fd;
    }

    /** Index in the owning {@code VmMaps}. */
    public int index() {
        return index;
    }

    /** The map handle a program's {@code lddw rX, map} loads. */
    public long handle() {
        return Addresses.of(Addresses.MAP_HANDLE + index, 0);
    }

    /** The memory region programs address (values, ring data), or null when the map has none. */
    public abstract byte[] memory();

    /** The region id of {@link #memory()}. */
    public int region() {
        return region;
    }

    /** Address of the value for the key at {@code key[keyOff..]}, or 0. */
    public abstract long lookupForProgram(byte[] key, int keyOff);

    /** 0 or a negative errno. */
    public abstract int updateForProgram(byte[] key, int keyOff, byte[] value, int valueOff, long flags);

    /** 0 or a negative errno. */
    public abstract int deleteForProgram(byte[] key, int keyOff);

    /** Keys in iteration order, as copies. */
    protected abstract List<byte[]> keysCopy();

    /** Copies of the value at a program address, for the user API. */
    protected byte[] valueAt(long address) {
        byte[] out = new byte[spec.valueSize()];
        System.arraycopy(memory(), Addresses.offset(address), out, 0, out.length);
        return out;
    }

    @Override
    public Optional<byte[]> lookup(byte[] key) {
        checkKey(key);
        synchronized (this) {
            long a = lookupForProgram(key, 0);
            return a == 0 ? Optional.empty() : Optional.of(valueAt(a));
        }
    }

    @Override
    public void update(byte[] key, byte[] value, UpdateMode mode) {
        checkKey(key);
        if (value.length != spec.valueSize()) {
            throw new BpfArgumentException("map '" + name() + "': value is " + value.length + " bytes, the map's "
                    + "values are " + spec.valueSize());
        }
        int r = updateForProgram(key, 0, value, 0, mode.flag());
        if (r != 0) {
            String why = switch (-r) {
                case EEXIST -> "the key exists and the mode is NO_EXIST";
                case ENOENT -> "the key does not exist and the mode is EXIST";
                case E2BIG -> "the map is full (" + spec.maxEntries() + " entries)";
                default -> "error " + (-r);
            };
            throw new BpfArgumentException("map '" + name() + "': update failed: " + why);
        }
    }

    @Override
    public boolean delete(byte[] key) {
        checkKey(key);
        return deleteForProgram(key, 0) == 0;
    }

    @Override
    public List<byte[]> keys() {
        synchronized (this) {
            return keysCopy();
        }
    }

    @Override
    public List<Map.Entry<byte[], byte[]>> entries() {
        synchronized (this) {
            List<Map.Entry<byte[], byte[]>> out = new ArrayList<>();
            for (byte[] k : keysCopy()) {
                long a = lookupForProgram(k, 0);
                if (a != 0) out.add(new AbstractMap.SimpleImmutableEntry<>(k, valueAt(a)));
            }
            return out;
        }
    }

    protected void checkKey(byte[] key) {
        if (key.length != spec.keySize()) {
            throw new BpfArgumentException("map '" + name() + "': key is " + key.length + " bytes, the map's keys are "
                    + spec.keySize());
        }
    }

    /** Value stride: sizes rounded up to 8 bytes, as the kernel lays out array and hash values. */
    protected static int stride(int valueSize) {
        return (valueSize + 7) & ~7;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + name() + ", " + type() + "]";
    }
}
