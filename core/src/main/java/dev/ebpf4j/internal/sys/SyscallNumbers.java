package dev.ebpf4j.internal.sys;

/**
 * System call numbers that glibc has no wrapper for ({@code bpf}, {@code perf_event_open}), per architecture.
 *
 * <pre>{@code
 * long nr = SyscallNumbers.current().bpf();
 * }</pre>
 */
public record SyscallNumbers(String arch, long bpf, long perfEventOpen, long gettid, long pidfdOpen) {
    private static final SyscallNumbers X86_64 = new SyscallNumbers("x86_64", 321, 298, 186, 434);
    private static final SyscallNumbers AARCH64 = new SyscallNumbers("aarch64", 280, 241, 178, 434);
    private static final SyscallNumbers RISCV64 = new SyscallNumbers("riscv64", 280, 241, 178, 434);

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
