package dev.ebpf4j.internal.loader;

import dev.ebpf4j.btf.Btf;
import dev.ebpf4j.internal.sys.BtfObjectData;
import dev.ebpf4j.internal.sys.ObjectInfo;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Reads back the BTF a loaded program carries: {@code BPF_OBJ_GET_INFO_BY_FD} gives the program's {@code btf_id},
 * {@code BPF_BTF_GET_FD_BY_ID} and the BTF object's info give its raw bytes. What freplace (and fentry on BPF
 * programs) needs to find the target function's BTF id.
 *
 * <pre>{@code
 * Btf btf = ProgramBtfReader.read(target.fd());   // null: the program was loaded without BTF
 * }</pre>
 */
public final class ProgramBtfReader {
    /** bpf_prog_info.btf_id (see /work/ref/info-offsets.txt). */
    private static final int PROG_INFO_BTF_ID = 128;

    private ProgramBtfReader() {
    }

    /** The program's BTF, or null when it has none. */
    public static Btf read(int programFd) {
        int btfId;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(ObjectInfo.PROG_INFO_SIZE, 8);
            ObjectInfo.get(programFd, info, "program fd " + programFd);
            btfId = info.get(JAVA_INT, PROG_INFO_BTF_ID);
        }
        if (btfId == 0) return null;
        return Btf.parse(BtfObjectData.read(btfId).data());
    }
}
