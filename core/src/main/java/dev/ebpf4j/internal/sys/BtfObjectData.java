package dev.ebpf4j.internal.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A BTF object the kernel holds, read back by id ({@code BPF_BTF_GET_FD_BY_ID}, then {@code BPF_OBJ_GET_INFO_BY_FD}
 * with a buffer for the raw blob and the name): a program's or map's BTF as its loader handed it over, or the
 * kernel's own (vmlinux, modules; {@code kernelBtf}, split on vmlinux for modules).
 *
 * <pre>{@code
 * BtfObjectData raw = BtfObjectData.read(prog.info().btfId());
 * Btf btf = Btf.parse(raw.data());
 * }</pre>
 *
 * @param id        the BTF object id
 * @param name      the kernel's name for it ("vmlinux", a module's name; "" for BTF loaded by user space)
 * @param kernelBtf true for the kernel's own BTF (vmlinux or a module)
 * @param data      the raw BTF blob
 */
public record BtfObjectData(int id, String name, boolean kernelBtf, byte[] data) {
    // struct bpf_btf_info (see /work/ref/info-offsets.txt)
    private static final int BTF = 0;
    private static final int BTF_SIZE = 8;
    private static final int NAME = 16;
    private static final int NAME_LEN = 24;
    private static final int KERNEL_BTF = 28;

    /** Reads the BTF object with kernel id {@code id}; a missing one raises BpfException with ENOENT. */
    public static BtfObjectData read(int id) {
        try (Arena arena = Arena.ofConfined(); Fd fd = ObjectIds.open(ObjectIds.Kind.BTF, id)) {
            String what = "BTF object id " + id;
            MemorySegment info = arena.allocate(ObjectInfo.BTF_INFO_SIZE, 8);
            ObjectInfo.get(fd.get(), info, what);
            int size = info.get(JAVA_INT, BTF_SIZE);
            int nameLen = info.get(JAVA_INT, NAME_LEN);
            MemorySegment data = arena.allocate(Math.max(1, size), 8);
            MemorySegment name = arena.allocate(nameLen + 1L, 1);
            info.fill((byte) 0);
            info.set(JAVA_LONG, BTF, data.address());
            info.set(JAVA_INT, BTF_SIZE, size);
            info.set(JAVA_LONG, NAME, name.address());
            info.set(JAVA_INT, NAME_LEN, nameLen + 1);
            ObjectInfo.get(fd.get(), info, what);
            return new BtfObjectData(id, ObjectInfo.cString(name, 0, nameLen + 1),
                    info.get(JAVA_INT, KERNEL_BTF) != 0, data.asSlice(0, size).toArray(JAVA_BYTE));
        }
    }
}
