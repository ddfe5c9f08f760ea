package dev.ebpf4j.cli.btf;

import dev.ebpf4j.internal.sys.Fd;
import dev.ebpf4j.internal.sys.ObjectIds;
import dev.ebpf4j.internal.sys.ObjectInfo;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * What {@code btf show} prints of one kernel BTF object, read without copying its data
 * ({@code BPF_OBJ_GET_INFO_BY_FD} with no data buffer still reports the size).
 *
 * <pre>{@code
 * BtfObjectSummary s = BtfObjectSummary.read(1);   // id 1, "vmlinux", kernel, 5515236 bytes
 * }</pre>
 *
 * @param id     the BTF object's id
 * @param name   "vmlinux", a module's name, or "" for BTF loaded by user space
 * @param kernel true for the kernel's own BTF
 * @param size   the raw BTF's size in bytes
 */
record BtfObjectSummary(int id, String name, boolean kernel, long size) {
    // struct bpf_btf_info offsets (see /work/ref/info-offsets.txt)
    private static final int BTF_SIZE = 8;
    private static final int ID = 12;
    private static final int NAME = 16;
    private static final int NAME_LEN = 24;
    private static final int KERNEL_BTF = 28;
    private static final int NAME_BUFFER = 64;

    static BtfObjectSummary read(int id) {
        try (Arena arena = Arena.ofConfined(); Fd fd = ObjectIds.open(ObjectIds.Kind.BTF, id)) {
            String what = "BTF object id " + id;
            MemorySegment info = arena.allocate(ObjectInfo.BTF_INFO_SIZE, 8);
            MemorySegment name = arena.allocate(NAME_BUFFER, 1);
            info.set(JAVA_LONG, NAME, name.address());
            info.set(JAVA_INT, NAME_LEN, NAME_BUFFER);
            ObjectInfo.get(fd.get(), info, what);
            return new BtfObjectSummary(info.get(JAVA_INT, ID), ObjectInfo.cString(name, 0, NAME_BUFFER),
                    info.get(JAVA_INT, KERNEL_BTF) != 0, Integer.toUnsignedLong(info.get(JAVA_INT, BTF_SIZE)));
        }
    }
}
