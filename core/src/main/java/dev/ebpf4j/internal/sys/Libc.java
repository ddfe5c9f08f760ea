package dev.ebpf4j.internal.sys;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The C library functions ebpf4j calls, as {@code static final} downcall handles that capture errno, each created
 * lazily on the function's first call (see the holder classes). Every method returns the raw C result (-1 or a null
 * pointer on failure); the caller reads {@link CallScratch#errno()} right after. This is the only class in ebpf4j
 * that invokes native code.
 *
 * <pre>{@code
 * int fd = Libc.open(CallScratch.get().cString("/sys/fs/bpf/m"), Libc.O_RDONLY, 0);
 * if (fd < 0) throw SysErrors.of("open", CallScratch.get().errno(), "...");
 * }</pre>
 */
public final class Libc {
    public static final int O_RDONLY = 0;
    public static final int O_WRONLY = 1;
    public static final int O_RDWR = 2;
    public static final int O_DIRECTORY = 0x10000;
    public static final int O_CLOEXEC = 0x80000;
    public static final int O_NONBLOCK = 0x800;

    /** Size of an interface name buffer including the terminating NUL ({@code IF_NAMESIZE}). */
    public static final int IF_NAMESIZE = 16;

    public static final int PROT_READ = 1;
    public static final int PROT_WRITE = 2;
    public static final int MAP_SHARED = 1;
    /** Map at exactly the given address, failing (EEXIST) instead of replacing a mapping there (Linux 4.17+). */
    public static final int MAP_FIXED_NOREPLACE = 0x100000;
    public static final MemorySegment MAP_FAILED = MemorySegment.ofAddress(-1L);

    private Libc() {
    }

    /** The linker and the C library's symbols, looked up once on the first downcall of any function. */
    private static final class Native {
        static final Linker LINKER = Linker.nativeLinker();
        static final SymbolLookup LIBC = LINKER.defaultLookup();
        static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");
    }

    private static MethodHandle downcall(String name, FunctionDescriptor descriptor, Linker.Option... extra) {
        MemorySegment symbol = Native.LIBC.find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("C library function not found: " + name));
        Linker.Option[] options = new Linker.Option[extra.length + 1];
        options[0] = Native.ERRNO;
        System.arraycopy(extra, 0, options, 1, extra.length);
        return Native.LINKER.downcallHandle(symbol, descriptor, options);
    }

    // One holder class per function: the JVM initialises a holder (and links its downcall) on the function's first
    // call, so a command that only calls bpf() never links epoll, netlink, mount and the rest. The handles stay
    // static final constants for the JIT.

    private static final class SyscallDowncall {
        static final MethodHandle HANDLE = downcall("syscall",
                FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
                Linker.Option.firstVariadicArg(1));
    }

    private static final class ReadDowncall {
        static final MethodHandle HANDLE = downcall("read",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    }

    private static final class WriteDowncall {
        static final MethodHandle HANDLE = downcall("write",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    }

    private static final class MmapDowncall {
        static final MethodHandle HANDLE = downcall("mmap",
                FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
    }

    private static final class EpollWaitDowncall {
        static final MethodHandle HANDLE = downcall("epoll_wait",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    }

    private static final class SignalDowncall {
        static final MethodHandle HANDLE = downcall("signal", FunctionDescriptor.of(ADDRESS, JAVA_INT, ADDRESS));
    }

    private static final class SocketDowncall {
        static final MethodHandle HANDLE = downcall("socket",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    }

    private static final class BindDowncall {
        static final MethodHandle HANDLE = downcall("bind",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    }

    private static final class ConnectDowncall {
        static final MethodHandle HANDLE = downcall("connect",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    }

    private static final class SetsockoptDowncall {
        static final MethodHandle HANDLE = downcall("setsockopt",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    }

    private static final class GetsockoptDowncall {
        static final MethodHandle HANDLE = downcall("getsockopt",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    }

    private static final class SendtoDowncall {
        static final MethodHandle HANDLE = downcall("sendto",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    }

    private static final class RecvfromDowncall {
        static final MethodHandle HANDLE = downcall("recvfrom",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS));
    }

    private static final class MountDowncall {
        static final MethodHandle HANDLE = downcall("mount",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS));
    }

    private static final class IfNametoindexDowncall {
        static final MethodHandle HANDLE = downcall("if_nametoindex",
                FunctionDescriptor.of(JAVA_INT, ADDRESS));
    }

    private static final class IfIndextonameDowncall {
        static final MethodHandle HANDLE = downcall("if_indextoname",
                FunctionDescriptor.of(ADDRESS, JAVA_INT, ADDRESS));
    }

    private static final class GetsocknameDowncall {
        static final MethodHandle HANDLE = downcall("getsockname",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    }

    private static final class GetpidDowncall {
        static final MethodHandle HANDLE = downcall("getpid", FunctionDescriptor.of(JAVA_INT));
    }

    private static final class SysconfDowncall {
        static final MethodHandle HANDLE = downcall("sysconf", FunctionDescriptor.of(JAVA_LONG, JAVA_INT));
    }

    private static final class SetnsDowncall {
        static final MethodHandle HANDLE = downcall("setns", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    }

    private static final class ClockGettimeDowncall {
        static final MethodHandle HANDLE = downcall("clock_gettime",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    }

    private static MemorySegment state() {
        return CallScratch.get().callState;
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException("native call failed", t);
    }

    private static final SyscallNumbers.Io IO = SyscallNumbers.current().io();
    private static final int AT_FDCWD = -100;
    private static final int F_DUPFD_CLOEXEC = 1030;

    /**
     * A call of up to four arguments through {@link #syscall} (see {@link SyscallNumbers.Io} for why). Only calls
     * whose pointer arguments the caller holds for the call's duration go this way (a path in the caller's scratch,
     * a buffer under the caller's lock): a raw address does not keep its segment's arena alive as a downcall's
     * {@code ADDRESS} parameter does, so read, write and epoll_wait keep their own downcalls.
     */
    private static long io(long nr, long a1, long a2, long a3, long a4) {
        return syscall(nr, a1, a2, a3, a4, 0);
    }

    /** The address of a native segment, refusing heap segments as the linker does for {@code ADDRESS}. */
    private static long pointer(MemorySegment segment) {
        if (!segment.isNative()) throw new IllegalArgumentException("a heap segment cannot be passed to the kernel");
        return segment.address();
    }

    /** {@code syscall(nr, a1..a5)}: returns the result, or -1 with errno set. */
    public static long syscall(long nr, long a1, long a2, long a3, long a4, long a5) {
        try {
            return (long) SyscallDowncall.HANDLE.invokeExact(state(), nr, a1, a2, a3, a4, a5);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int close(int fd) {
        return (int) io(IO.close(), fd, 0, 0, 0);
    }

    public static int open(MemorySegment path, int flags, int mode) {
        return (int) io(IO.openat(), AT_FDCWD, pointer(path), flags, mode);
    }

    public static long read(int fd, MemorySegment buf, long count) {
        try {
            return (long) ReadDowncall.HANDLE.invokeExact(state(), fd, buf, count);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static long write(int fd, MemorySegment buf, long count) {
        try {
            return (long) WriteDowncall.HANDLE.invokeExact(state(), fd, buf, count);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static MemorySegment mmap(MemorySegment addr, long length, int prot, int flags, int fd, long offset) {
        try {
            return (MemorySegment) MmapDowncall.HANDLE.invokeExact(state(), addr, length, prot, flags, fd, offset);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int munmap(MemorySegment addr, long length) {
        return (int) io(IO.munmap(), addr.address(), length, 0, 0);
    }

    public static int ioctl(int fd, long request, long arg) {
        return (int) io(IO.ioctl(), fd, request, arg, 0);
    }

    public static int epollCreate1(int flags) {
        return (int) io(IO.epollCreate1(), flags, 0, 0, 0);
    }

    public static int epollCtl(int epfd, int op, int fd, MemorySegment event) {
        return (int) io(IO.epollCtl(), epfd, op, fd, pointer(event));
    }

    public static int epollWait(int epfd, MemorySegment events, int maxEvents, int timeoutMillis) {
        try {
            return (int) EpollWaitDowncall.HANDLE.invokeExact(state(), epfd, events, maxEvents, timeoutMillis);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int eventfd(int initval, int flags) {
        return (int) io(IO.eventfd2(), initval, flags, 0, 0);
    }

    public static int socket(int domain, int type, int protocol) {
        try {
            return (int) SocketDowncall.HANDLE.invokeExact(state(), domain, type, protocol);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int bind(int fd, MemorySegment addr, int len) {
        try {
            return (int) BindDowncall.HANDLE.invokeExact(state(), fd, addr, len);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int connect(int fd, MemorySegment addr, int len) {
        try {
            return (int) ConnectDowncall.HANDLE.invokeExact(state(), fd, addr, len);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int setsockopt(int fd, int level, int name, MemorySegment value, int len) {
        try {
            return (int) SetsockoptDowncall.HANDLE.invokeExact(state(), fd, level, name, value, len);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int getsockopt(int fd, int level, int name, MemorySegment value, MemorySegment len) {
        try {
            return (int) GetsockoptDowncall.HANDLE.invokeExact(state(), fd, level, name, value, len);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static long sendto(int fd, MemorySegment buf, long len, int flags, MemorySegment addr, int addrLen) {
        try {
            return (long) SendtoDowncall.HANDLE.invokeExact(state(), fd, buf, len, flags, addr, addrLen);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static long recvfrom(int fd, MemorySegment buf, long len, int flags, MemorySegment addr,
                                MemorySegment addrLen) {
        try {
            return (long) RecvfromDowncall.HANDLE.invokeExact(state(), fd, buf, len, flags, addr, addrLen);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int mount(MemorySegment source, MemorySegment target, MemorySegment fsType, long flags,
                            MemorySegment data) {
        try {
            return (int) MountDowncall.HANDLE.invokeExact(state(), source, target, fsType, flags, data);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Interface index for a name, or 0 (errno set) when there is no such interface. */
    public static int ifNameToIndex(MemorySegment name) {
        try {
            return (int) IfNametoindexDowncall.HANDLE.invokeExact(state(), name);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * Writes the name of interface {@code ifindex} into {@code buf} (at least {@link #IF_NAMESIZE} bytes); returns
     * {@code buf}'s address, or a null pointer (errno ENXIO) when there is no such interface.
     */
    public static MemorySegment ifIndexToName(int ifindex, MemorySegment buf) {
        try {
            return (MemorySegment) IfIndextonameDowncall.HANDLE.invokeExact(state(), ifindex, buf);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code getsockname(fd, addr, lenInOut)}: the local address a socket is bound to. */
    public static int getsockname(int fd, MemorySegment addr, MemorySegment len) {
        try {
            return (int) GetsocknameDowncall.HANDLE.invokeExact(state(), fd, addr, len);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int getpid() {
        try {
            return (int) GetpidDowncall.HANDLE.invokeExact(state());
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static long sysconf(int name) {
        try {
            return (long) SysconfDowncall.HANDLE.invokeExact(state(), name);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int setns(int fd, int nstype) {
        try {
            return (int) SetnsDowncall.HANDLE.invokeExact(state(), fd, nstype);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code fcntl(fd, F_DUPFD_CLOEXEC, 3)}: a close-on-exec duplicate of {@code fd}. */
    public static int dupCloexec(int fd) {
        return (int) io(IO.fcntl(), fd, F_DUPFD_CLOEXEC, 3, 0);
    }

    /** {@code clock_gettime(clockId, ts)}: fills a {@code struct timespec} (two longs); 0 or -1 with errno set. */
    public static int clockGettime(int clockId, MemorySegment timespec) {
        try {
            return (int) ClockGettimeDowncall.HANDLE.invokeExact(state(), clockId, timespec);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code signal(signum, SIG_DFL)}: gives a signal its default action again, e.g. SIGINT that a non-interactive
     * shell set to "ignore" for a background job (the JVM does not handle signals that are ignored when it starts).
     * Returns the previous handler's address (1 for SIG_IGN), or -1 with errno set.
     */
    public static long restoreDefaultSignal(int signum) {
        try {
            MemorySegment old = (MemorySegment) SignalDowncall.HANDLE.invokeExact(state(), signum, MemorySegment.NULL);
            return old.address();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }
}
