package dev.ebpf4j.vm.maps;

import dev.ebpf4j.MapSpec;
import dev.ebpf4j.vm.VmProgram;
import dev.ebpf4j.vm.VmProgramArray;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * {@code BPF_MAP_TYPE_PROG_ARRAY}: slots of {@link VmProgram}s for {@code bpf_tail_call}. Programs cannot look
 * values up (the verifier refuses it, as the kernel's does); Java sets slots with {@link #set(int, VmProgram)}.
 *
 * <pre>{@code
 * array.set(0, program);
 * }</pre>
 */
public final class ProgramArray extends MapBase implements VmProgramArray {
    private final AtomicReferenceArray<VmProgram> slots;

    public ProgramArray(MapSpec spec, int index, int fd) {
        super(spec, index, fd);
        this.slots = new AtomicReferenceArray<>(spec.maxEntries());
    }

    @Override
    public void set(int i, VmProgram program) {
        if (i < 0 || i >= slots.length()) {
            throw new dev.ebpf4j.BpfArgumentException("program array '" + name() + "' has " + slots.length()
                    + " slots; " + i + " is out of range");
        }
        slots.set(i, program);
    }

    @Override
    public VmProgram get(int i) {
        return i >= 0 && i < slots.length() ? slots.get(i) : null;
    }

    /** The program for a tail call through slot {@code index} (u32), or null. */
    public VmProgram target(long index) {
        return index >= 0 && index < slots.length() ? slots.get((int) index) : null;
    }

    @Override
    public byte[] memory() {
        return null;
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
        int i = ByteBuffer.wrap(key, keyOff, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        if (i < 0 || i >= slots.length() || slots.get(i) == null) return -ENOENT;
        slots.set(i, null);
        return 0;
    }

    @Override
    protected List<byte[]> keysCopy() {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < slots.length(); i++) {
            if (slots.get(i) != null) out.add(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(i).array());
        }
        return out;
    }

    @Override
    public java.util.Optional<byte[]> lookup(byte[] key) {
        checkKey(key);
        return java.util.Optional.empty();
    }

    @Override
    public void update(byte[] key, byte[] value, dev.ebpf4j.UpdateMode mode) {
        throw new dev.ebpf4j.BpfArgumentException("program array '" + name() + "': use set(index, VmProgram)");
    }
}
