package dev.ebpf4j.internal.sys;

import dev.ebpf4j.BpfException;
import dev.ebpf4j.Errno;

import java.lang.foreign.MemorySegment;

/**
 * The {@code bpf()} system call. {@link #call} is the allocation-free primitive (negative errno on failure, retried
 * on EINTR); {@link #check} and {@link #fd} throw typed exceptions with context.
 *
 * <pre>{@code
 * MemorySegment a = CallScratch.get().attr(BpfAttr.SINGLE_SIZE);
 * a.set(JAVA_INT, 0, mapFd);
 * Bpf.check(BpfCommand.MAP_FREEZE, a, BpfAttr.SINGLE_SIZE, "freeze map 'config'");
 * }</pre>
 */
public final class Bpf {
    private static final long NR = SyscallNumbers.current().bpf();
    private static final int EINTR = Errno.EINTR.number();
    private static final int EAGAIN = Errno.EAGAIN.number();

    private Bpf() {
    }

    /** Runs {@code bpf(cmd, attr, size)}; returns the non-negative result or {@code -errno}. */
    public static long call(BpfCommand cmd, MemorySegment attr, long size) {
        int retriesLeft = cmd == BpfCommand.PROG_LOAD ? 5 : 0;
        while (true) {
            long r = Libc.syscall(NR, cmd.ordinal(), attr.address(), size, 0, 0);
            if (r >= 0) return r;
            int errno = CallScratch.get().errno();
            if (errno == EINTR) continue;
            // The kernel can return EAGAIN from PROG_LOAD when it is under memory pressure; libbpf retries it too.
            if (errno == EAGAIN && retriesLeft-- > 0) continue;
            return -errno;
        }
    }

    /** Runs the command and returns its result; throws a typed exception naming {@code what} on failure. */
    public static long check(BpfCommand cmd, MemorySegment attr, long size, String what) {
        return check(cmd, attr, size, what, Capabilities.CAP_BPF);
    }

    /** As {@link #check(BpfCommand, MemorySegment, long, String)}, naming {@code capability} on EPERM. */
    public static long check(BpfCommand cmd, MemorySegment attr, long size, String what, int capability) {
        long r = call(cmd, attr, size);
        if (r < 0) throw error(cmd, (int) -r, what, capability);
        return r;
    }

    /** Runs a command that returns a new file descriptor and takes ownership of it. */
    public static Fd fd(BpfCommand cmd, MemorySegment attr, long size, String what) {
        return Fd.adopt((int) check(cmd, attr, size, what), what);
    }

    /** As {@link #fd(BpfCommand, MemorySegment, long, String)}, naming {@code capability} on EPERM. */
    public static Fd fd(BpfCommand cmd, MemorySegment attr, long size, String what, int capability) {
        return Fd.adopt((int) check(cmd, attr, size, what, capability), what);
    }

    /** The typed exception for {@code cmd} failing with {@code errno}, as "what: bpf(BPF_X) failed: ...". */
    public static BpfException error(BpfCommand cmd, int errno, String what, int capability) {
        return SysErrors.of(what + ": bpf(" + cmd.cName() + ")", errno, capability);
    }
}
