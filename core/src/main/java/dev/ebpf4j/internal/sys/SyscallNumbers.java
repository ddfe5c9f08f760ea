package dev.ebpf4j.internal.sys;

/**
 * System call numbers per architecture: the calls glibc has no wrapper for ({@code bpf}, {@code perf_event_open}),
 * and the file, memory and epoll calls ({@link Io}) that {@link Libc} also makes through {@code syscall()}.
 *
 * <pre>{@code
 * long nr = SyscallNumbers.current().bpf();
 * long close = SyscallNumbers.current().io().close();
 * }</pre>
 */
public record SyscallNumbers(String arch, long bpf, long perfEventOpen, long gettid, long pidfdOpen, Io io) {
    /**
     * Calls {@link Libc} makes through its one {@code syscall()} downcall rather than through their glibc wrappers:
     * every distinct downcall shape costs milliseconds to link on first use, which a tool pays at start-up.
     * (64-bit Linux has no {@code open} or {@code epoll_wait} on the generic table: {@code openat} and
     * {@code epoll_pwait} serve on all three architectures.)
     */
    public record Io(long openat, long close, long read, long write, long munmap, long ioctl, long epollCreate1,
                     long epollCtl, long epollPwait, long eventfd2, long fcntl) {
    }

    private static final Io X86_64_IO = new Io(257, 3, 0, 1, 11, 16, 291, 233, 281, 290, 72);
    /** asm-generic/unistd.h, shared by aarch64 and riscv64. */
    private static final Io GENERIC_IO = new Io(56, 57, 63, 64, 215, 29, 20, 21, 22, 19, 25);

    private static final SyscallNumbers X86_64 = new SyscallNumbers("x86_64", 321, 298, 186, 434, X86_64_IO);
    private static final SyscallNumbers AARCH64 = new SyscallNumbers("aarch64", 280, 241, 178, 434, GENERIC_IO);
    private static final SyscallNumbers RISCV64 = new SyscallNumbers("riscv64", 280, 241, 178, 434, GENERIC_IO);

    private static final SyscallNumbers CURRENT = detect();

    /** The numbers for the architecture this JVM runs on. */
    public static SyscallNumbers current() {
        return CURRENT;
    }

    private static SyscallNumbers detect() {
        String arch = System.getProperty("os.arch");
        return switch (arch) {
            case "amd64", "x86_64" -> X86_64;
            case "aarch64", "arm64" -> AARCH64;
            case "riscv64" -> RISCV64;
            default -> throw new UnsupportedOperationException("ebpf4j does not know the system call numbers of "
                    + arch + "; supported: x86_64, aarch64, riscv64");
        };
    }
}
