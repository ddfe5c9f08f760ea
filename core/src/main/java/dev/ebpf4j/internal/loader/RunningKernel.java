package dev.ebpf4j.internal.loader;

import dev.ebpf4j.BpfException;
import dev.ebpf4j.btf.Btf;
import dev.ebpf4j.features.Features;
import dev.ebpf4j.features.MiscFeature;
import dev.ebpf4j.internal.Kallsyms;
import dev.ebpf4j.internal.KernelConfig;
import dev.ebpf4j.internal.sys.Fd;
import dev.ebpf4j.internal.sys.ObjectIds;
import dev.ebpf4j.internal.sys.ObjectInfo;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The running kernel as {@link KernelView}: /proc/config.gz (or /boot/config-*), the kernel's BTF files, kallsyms,
 * feature probes, and module BTF objects found by walking BTF object ids.
 *
 * <pre>{@code
 * Btf kernel = RunningKernel.INSTANCE.vmlinux();
 * }</pre>
 */
public final class RunningKernel implements KernelView {
    public static final RunningKernel INSTANCE = new RunningKernel();

    private RunningKernel() {
    }

    @Override
    public int versionCode() {
        return KernelConfig.versionCode();
    }

    @Override
    public Optional<String> config(String name) {
        return KernelConfig.running().value(name);
    }

    @Override
    public boolean hasBpfCookie() {
        return Features.misc(MiscFeature.BPF_COOKIE).available();
    }

    @Override
    public boolean hasSyscallWrapper() {
        Optional<String> c = config("CONFIG_ARCH_HAS_SYSCALL_WRAPPER");
        if (c.isPresent()) return c.get().equals("y");
        Kallsyms k = Kallsyms.get();
        return k.contains("__x64_sys_bpf") || k.contains("__arm64_sys_bpf") || k.contains("__s390x_sys_bpf");
    }

    @Override
    public Btf vmlinux() {
        return Btf.vmlinux();
    }

    @Override
    public List<String> moduleNames() {
        return Btf.moduleNames();
    }

    @Override
    public Btf module(String name) {
        return Btf.module(name);
    }

    @Override
    public Fd moduleBtfFd(String name) {
        for (int id : ObjectIds.all(ObjectIds.Kind.BTF)) {
            Fd fd;
            try {
                fd = ObjectIds.open(ObjectIds.Kind.BTF, id);
            } catch (BpfException e) {
                continue;   // unloaded meanwhile
            }
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment info = arena.allocate(ObjectInfo.BTF_INFO_SIZE, 8);
                MemorySegment nameBuf = arena.allocate(64);
                info.set(JAVA_LONG, 16, nameBuf.address());
                info.set(JAVA_INT, 24, 64);
                ObjectInfo.get(fd.get(), info, "BTF object id " + id);
                boolean kernel = info.get(JAVA_INT, 28) != 0;
                if (kernel && ObjectInfo.cString(nameBuf, 0, 64).equals(name)) return fd;
            } catch (RuntimeException e) {
                fd.close();
                throw e;
            }
            fd.close();
        }
        throw new BpfException("no loaded BTF object for kernel module '" + name + "' (is the module still loaded?)");
    }

    @Override
    public OptionalLong symbolAddress(String name) {
        return Kallsyms.get().address(name);
    }
}
