package dev.ebpf4j;

import dev.ebpf4j.btf.Btf;
import dev.ebpf4j.internal.loader.KernelView;
import dev.ebpf4j.internal.loader.RunningKernel;
import dev.ebpf4j.internal.sys.Fd;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Test access to {@link BpfObject}'s package-private loading against another kernel view, for tests in other
 * packages: here, the running kernel with BPF cookies hidden, so objects are loaded with
 * {@code LINUX_HAS_BPF_COOKIE = false} (as on kernels before 5.15) and their USDT links look specs up by address.
 *
 * <pre>{@code
 * try (BpfObject obj = TestLoads.withoutBpfCookies(ObjectSpec.read(path))) { ... }
 * }</pre>
 */
public final class TestLoads {
    private TestLoads() {
    }

    /** Loads {@code spec} as on a kernel without BPF cookies. */
    public static BpfObject withoutBpfCookies(ObjectSpec spec) {
        return BpfObject.load(spec, BpfObject.LoadOptions.DEFAULT, null, new NoCookies(RunningKernel.INSTANCE));
    }

    private record NoCookies(KernelView k) implements KernelView {
        @Override public int versionCode() { return k.versionCode(); }
        @Override public Optional<String> config(String name) { return k.config(name); }
        @Override public boolean hasBpfCookie() { return false; }
        @Override public boolean hasSyscallWrapper() { return k.hasSyscallWrapper(); }
        @Override public Btf vmlinux() { return k.vmlinux(); }
        @Override public List<String> moduleNames() { return k.moduleNames(); }
        @Override public Btf module(String name) { return k.module(name); }
        @Override public Fd moduleBtfFd(String name) { return k.moduleBtfFd(name); }
        @Override public OptionalLong symbolAddress(String name) { return k.symbolAddress(name); }
    }
}
