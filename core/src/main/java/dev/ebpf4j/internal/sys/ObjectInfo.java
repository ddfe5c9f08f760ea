package dev.ebpf4j.internal.sys;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * {@code BPF_OBJ_GET_INFO_BY_FD}: fills a caller-provided info struct (bpf_prog_info, bpf_map_info, bpf_link_info,
 * bpf_btf_info) for an object fd.
 *
 * <pre>{@code
 * MemorySegment info = arena.allocate(ObjectInfo.MAP_INFO_SIZE);
 * ObjectInfo.get(fd, info, "map 'counts'");
 * int id = info.get(JAVA_INT, 4);
 * }</pre>
 */
public final class ObjectInfo {
    public static final int PROG_INFO_SIZE = 232;
    public static final int MAP_INFO_SIZE = 104;
    public static final int LINK_INFO_SIZE = 64;
    public static final int BTF_INFO_SIZE = 32;

    private ObjectInfo() {
    }

    /** Fills {@code info} (its whole size is offered to the kernel); returns the length the kernel wrote. */
    public static int get(int fd, MemorySegment info, String what) {
        MemorySegment a = CallScratch.get().attr(BpfAttr.INFO_SIZE);
        a.set(JAVA_INT, BpfAttr.INFO_BPF_FD, fd);
        a.set(JAVA_INT, BpfAttr.INFO_LEN, (int) info.byteSize());
        a.set(JAVA_LONG, BpfAttr.INFO_INFO, info.address());
        Bpf.check(BpfCommand.OBJ_GET_INFO_BY_FD, a, BpfAttr.INFO_SIZE, "reading info of " + what);
        java.lang.ref.Reference.reachabilityFence(info);
        return a.get(JAVA_INT, BpfAttr.INFO_LEN);
    }

    /** Reads a NUL-terminated name of at most {@code max} bytes at {@code offset}. */
    public static String cString(MemorySegment seg, long offset, int max) {
        int n = 0;
        while (n < max && seg.get(java.lang.foreign.ValueLayout.JAVA_BYTE, offset + n) != 0) n++;
        byte[] b = new byte[n];
        MemorySegment.copy(seg, java.lang.foreign.ValueLayout.JAVA_BYTE, offset, b, 0, n);
        return new String(b, java.nio.charset.StandardCharsets.UTF_8);
    }

}
