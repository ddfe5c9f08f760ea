package dev.ebpf4j.internal.sys;

import dev.ebpf4j.BpfException;
import dev.ebpf4j.Errno;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * {@code BPF_BTF_LOAD}: hands a raw BTF blob to the kernel and returns its fd. On rejection it reloads with a
 * growing log buffer and puts the kernel's BTF log in the error.
 *
 * <pre>{@code
 * try (Fd btf = BtfLoad.load(blob, "object 'minimal.bpf.o'")) { ... }
 * }</pre>
 */
public final class BtfLoad {
    private static final int MAX_LOG = 64 << 20;

    private BtfLoad() {
    }

    /** Loads {@code blob}; {@code what} names it in errors. */
    public static Fd load(byte[] blob, String what) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocate(blob.length, 8);
            MemorySegment.copy(blob, 0, data, JAVA_BYTE, 0, blob.length);
            long r = call(data, blob.length, MemorySegment.NULL, 0, 0);
            if (r >= 0) return Fd.adopt((int) r, "BTF of " + what);
            int errno = (int) -r;
            if (errno == Errno.EPERM.number() || (errno == Errno.EACCES.number() && !Capabilities.current().canBpf())) {
                throw Bpf.error(BpfCommand.BTF_LOAD, errno, "loading BTF of " + what, Capabilities.CAP_BPF);
            }
            String log = "";
            for (int size = 64 << 10; size <= MAX_LOG; size <<= 2) {
                MemorySegment buf = arena.allocate(size);
                r = call(data, blob.length, buf, size, 1);
                if (r >= 0) return Fd.adopt((int) r, "BTF of " + what);
                log = ObjectInfo.cString(buf, 0, size);
                if (-r != Errno.ENOSPC.number()) break;
            }
            throw new BpfException("loading BTF of " + what + ": the kernel rejected it: " + Errno.describe(errno)
                    + (log.isBlank() ? "" : "\n  BTF log:\n    " + String.join("\n    ", log.strip().lines().toList())),
                    errno);
        }
    }

    private static long call(MemorySegment data, int size, MemorySegment log, int logSize, int level) {
        MemorySegment a = CallScratch.get().attr(BpfAttr.BTF_LOAD_SIZE);
        a.set(JAVA_LONG, BpfAttr.BTF_DATA, data.address());
        a.set(JAVA_LONG, BpfAttr.BTF_LOG_BUF, log.address());
        a.set(JAVA_INT, BpfAttr.BTF_SIZE_FIELD, size);
        a.set(JAVA_INT, BpfAttr.BTF_LOG_SIZE, logSize);
        a.set(JAVA_INT, BpfAttr.BTF_LOG_LEVEL, level);
        return Bpf.call(BpfCommand.BTF_LOAD, a, BpfAttr.BTF_LOAD_SIZE);
    }
}
