package dev.ebpf4j.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the kernel-test gate checks: effective capabilities from {@code /proc/self/status} and the BPF filesystem
 * surface, plus whether {@code EBPF4J_REQUIRE_KERNEL=1} is set.
 *
 * <pre>{@code
 * if (KernelPrivileges.missingReason() != null) { ... }
 * }</pre>
 */
public final class KernelPrivileges {
    private static final int CAP_SYS_ADMIN = 21;
    private static final int CAP_PERFMON = 38;
    private static final int CAP_BPF = 39;

    private KernelPrivileges() {
    }

    /** True when {@code EBPF4J_REQUIRE_KERNEL=1}: kernel tests must run, a skip is a failure. */
    public static boolean required() {
        return "1".equals(System.getenv("EBPF4J_REQUIRE_KERNEL"));
    }

    /** Null when kernel tests can run; otherwise why not. */
    public static String missingReason() {
        if (!System.getProperty("os.name", "").toLowerCase().contains("linux")) {
            return "not running on Linux (" + System.getProperty("os.name") + ")";
        }
        long caps = effectiveCapabilities();
        boolean admin = (caps >>> CAP_SYS_ADMIN & 1) != 0;
        boolean bpf = (caps >>> CAP_BPF & 1) != 0 && (caps >>> CAP_PERFMON & 1) != 0;
        if (!admin && !bpf) {
            return "this process lacks CAP_BPF+CAP_PERFMON and CAP_SYS_ADMIN (effective capabilities 0x"
                    + Long.toHexString(caps) + ")";
        }
        if (!Files.exists(Path.of("/sys/kernel/btf/vmlinux")) && !Files.exists(Path.of("/sys/fs/bpf"))) {
            return "this kernel exposes neither /sys/kernel/btf/vmlinux nor /sys/fs/bpf";
        }
        return null;
    }

    static long effectiveCapabilities() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapEff:")) return Long.parseUnsignedLong(line.substring(7).trim(), 16);
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }
}
