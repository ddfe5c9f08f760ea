package dev.ebpf4j.vm.maps;

import dev.ebpf4j.MapSpec;
import dev.ebpf4j.UpdateMode;
import dev.ebpf4j.BpfArgumentException;
import dev.ebpf4j.vm.VmRingBuffer;
import dev.ebpf4j.vm.mem.Addresses;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * {@code BPF_MAP_TYPE_RINGBUF} in user space. The data area (a power of two, {@code max_entries} bytes) is the
 * map's region; each record has the kernel's 8-byte header (length with BUSY and DISCARD bits, then the offset) and
 * is padded to 8 bytes. A record never wraps: when it would not fit before the end, the rest of the area becomes a
 * discarded filler record, so reserved memory handed to a program is always contiguous.
 *
 * <pre>{@code
 * long data = ring.reserve(16);   // VM address or 0
 * ring.commit(data, false);
 * }</pre>
 */
public final class RingBuffer extends MapBase implements VmRingBuffer {
    static final int BUSY = 1 << 31;
    static final int DISCARD = 1 << 30;
    private static final int HEADER = 8;

    private final byte[] data;
    private final int mask;
    private long producer;
    private long consumer;

    public RingBuffer(MapSpec spec, int index, int fd) {
        super(spec, index, fd);
        int size = spec.maxEntries();
        if (size < 4096 || Integer.bitCount(size) != 1) {
            throw new BpfArgumentException("ring buffer '" + spec.name() + "': size must be a power of two of at "
                    + "least 4096 bytes, not " + size);
        }
        this.data = new byte[size];
        this.mask = size - 1;
    }

    @Override
    public byte[] memory() {
        return data;
    }

    /** Reserves {@code size} bytes; returns the VM address of the record's data, or 0 when there is no room. */
    public synchronized long reserve(long size) {
        if (size <= 0 || size > data.length - HEADER) return 0;
        int total = (int) ((size + HEADER + 7) & ~7L);
        int at = (int) (producer & mask);
        int tailRoom = data.length - at;
        if (tailRoom < total) {
            if (producer - consumer + tailRoom + total > data.length) return 0;
            writeHeader(at, (tailRoom - HEADER) | DISCARD);
            producer += tailRoom;
            at = 0;
        }
        if (producer - consumer + total > data.length) return 0;
        writeHeader(at, (int) size | BUSY);
        setInt(at + 4, at);
        producer += total;
        return Addresses.of(region, at + HEADER);
    }

    /** Commits (or discards) the record whose data starts at VM address {@code record}; false if not a record. */
    public synchronized boolean commit(long record, boolean discard) {
        if (Addresses.region(record) != region) return false;
        int at = Addresses.offset(record) - HEADER;
        if (at < 0 || at >= data.length || (at & 7) != 0) return false;
        int len = getInt(at);
        if ((len & BUSY) == 0) return false;
        writeHeader(at, (len & ~BUSY) | (discard ? DISCARD : 0));
        return true;
    }

    /** {@code bpf_ringbuf_output}: reserve, copy, commit. 0 or a negative errno. */
    public int output(byte[] src, int off, int len) {
        long rec = reserve(len);
        if (rec == 0) return -11;   // -EAGAIN: no room
        synchronized (this) {
            System.arraycopy(src, off, data, Addresses.offset(rec), len);
        }
        commit(rec, false);
        return 0;
    }

    private void writeHeader(int at, int value) {
        setInt(at, value);
    }

    private void setInt(int at, int v) {
        data[at] = (byte) v;
        data[at + 1] = (byte) (v >>> 8);
        data[at + 2] = (byte) (v >>> 16);
        data[at + 3] = (byte) (v >>> 24);
    }

    private int getInt(int at) {
        return (data[at] & 0xff) | (data[at + 1] & 0xff) << 8 | (data[at + 2] & 0xff) << 16 | (data[at + 3] & 0xff) << 24;
    }

    @Override
    public int poll(Consumer<byte[]> sink) {
        int n = 0;
        while (true) {
            byte[] record;
            synchronized (this) {
                if (consumer == producer) return n;
                int at = (int) (consumer & mask);
                int len = getInt(at);
                if ((len & BUSY) != 0) return n;
                int size = len & ~(BUSY | DISCARD);
                int total = (size + HEADER + 7) & ~7;
                consumer += total;
                if ((len & DISCARD) != 0) continue;
                record = Arrays.copyOfRange(data, at + HEADER, at + HEADER + size);
            }
            sink.accept(record);
            n++;
        }
    }

    @Override
    public synchronized long available() {
        return producer - consumer;
    }

    /** {@code BPF_RB_AVAIL_DATA}, {@code RING_SIZE}, {@code CONS_POS}, {@code PROD_POS} for bpf_ringbuf_query. */
    public synchronized long query(long flags) {
        return switch ((int) flags) {
            case 0 -> producer - consumer;
            case 1 -> data.length;
            case 2 -> consumer;
            case 3 -> producer;
            default -> 0;
        };
    }

    @Override
    public long lookupForProgram(byte[] key, int keyOff) {
        return 0;
    }

    @Override
    public int updateForProgram(byte[] key, int keyOff, byte[] value, int valueOff, long flags) {
        return -EINVAL;
    }

    @Override
    public int deleteForProgram(byte[] key, int keyOff) {
        return -EINVAL;
    }

    @Override
    protected List<byte[]> keysCopy() {
        return List.of();
    }

    @Override
    public Optional<byte[]> lookup(byte[] key) {
        return Optional.empty();
    }

    @Override
    public void update(byte[] key, byte[] value, UpdateMode mode) {
        throw new BpfArgumentException("ring buffer '" + name() + "' has no keys; programs write records");
    }

    @Override
    public boolean delete(byte[] key) {
        return false;
    }
}
