package dev.ebpf4j.internal.loader;

import dev.ebpf4j.btf.Btf;
import dev.ebpf4j.internal.sys.Fd;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What extern resolution and attach-target lookup need to know about the kernel an object is loaded into. The
 * running kernel is {@link RunningKernel}; tests substitute their own.
 *
 * <pre>{@code
 * KernelView k = RunningKernel.INSTANCE;
 * int version = k.versionCode();
 * }</pre>
 */
public interface KernelView {
    /** {@code KERNEL_VERSION(a, b, c)} of the kernel. */
    int versionCode();

    /** A {@code CONFIG_*} value ("y", "m", "n", a number or a string), empty when not mentioned. */
    Optional<String> config(String name);

    /** Whether BPF cookies work (LINUX_HAS_BPF_COOKIE). */
    boolean hasBpfCookie();

    /** Whether syscalls go through arch wrappers (LINUX_HAS_SYSCALL_WRAPPER). */
    boolean hasSyscallWrapper();

    /** The kernel's BTF. */
    Btf vmlinux();

    /** Names of kernel modules with BTF. */
    List<String> moduleNames();

    /** A module's BTF (split on {@link #vmlinux()}). */
    Btf module(String name);

    /** A new fd of a loaded module's BTF object (for attach_btf_obj_fd, fd_array and ksym loads). */
    Fd moduleBtfFd(String name);

    /** A kernel symbol's address from kallsyms, empty when absent. */
    OptionalLong symbolAddress(String name);

    /**
     * The BTF a loaded program was loaded with (its func_info refers to it), read back from the kernel; null when
     * the program has none. freplace programs name a function of it.
     */
    default Btf programBtf(int programFd) {
        return ProgramBtfReader.read(programFd);
    }
}
