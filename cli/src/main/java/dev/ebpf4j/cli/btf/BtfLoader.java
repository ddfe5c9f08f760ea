package dev.ebpf4j.cli.btf;

import dev.ebpf4j.internal.sys.Fd;
import dev.ebpf4j.internal.sys.ObjectIds;
import dev.ebpf4j.internal.sys.ObjectInfo;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Fetches BTF from the kernel: a loaded BTF object by id ({@code BPF_BTF_GET_FD_BY_ID} + its info), or the
 * kernel's own BTF from {@code /sys/kernel/btf/vmlinux}.
 *
 * <pre>{@code
 * BtfTypes btf = BtfLoader.byId(map.info().btfId());
 * }</pre>
 */
public final class BtfLoader {
    // struct bpf_btf_info
    private static final int BTF_PTR = 0;
    private static final int BTF_SIZE = 8;

    private static BtfTypes vmlinux;

    private BtfLoader() {
    }

    /** The raw bytes of the BTF object with kernel id {@code btfId}. */
    public static byte[] rawById(int btfId) {
        try (Arena arena = Arena.ofConfined(); Fd fd = ObjectIds.open(ObjectIds.Kind.BTF, btfId)) {
            String what = "BTF object id " + btfId;
            MemorySegment info = arena.allocate(ObjectInfo.BTF_INFO_SIZE, 8);
            ObjectInfo.get(fd.get(), info, what);
            int size = info.get(JAVA_INT, BTF_SIZE);
            MemorySegment data = arena.allocate(Math.max(1, size), 8);
            info.fill((byte) 0);
            info.set(JAVA_LONG, BTF_PTR, data.address());
            info.set(JAVA_INT, BTF_SIZE, size);
            ObjectInfo.get(fd.get(), info, what);
            return data.asSlice(0, size).toArray(JAVA_BYTE);
        }
    }

    /** The parsed BTF object with kernel id {@code btfId}. */
    public static BtfTypes byId(int btfId) {
        return BtfTypes.parse(rawById(btfId));
    }

    /** The kernel's BTF (cached). */
    public static synchronized BtfTypes vmlinux() throws IOException {
        if (vmlinux == null) vmlinux = BtfTypes.parse(Files.readAllBytes(Path.of("/sys/kernel/btf/vmlinux")));
        return vmlinux;
    }
}
