package dev.ebpf4j.internal.sys;

import dev.ebpf4j.BpfException;
import dev.ebpf4j.Errno;
import dev.ebpf4j.PermissionException;

/**
 * Turns an errno from a failed call into the matching typed exception, with a message that says what failed and what
 * to do. EPERM/EACCES become {@link PermissionException} naming the capability; everything else a
 * {@link BpfException} carrying the errno.
 *
 * <pre>{@code
 * if (fd < 0) throw SysErrors.of("bpf(BPF_MAP_CREATE) for map 'counts'", scratch.errno());
 * }</pre>
 */
public final class SysErrors {
    private SysErrors() {
    }

    /** An exception for {@code operation} failing with {@code errno}. */
    public static BpfException of(String operation, int errno) {
        return of(operation, errno, Capabilities.CAP_BPF);
    }

    /**
     * An exception for {@code operation} failing with {@code errno}; {@code capability} is the one the operation
     * needs (one of the {@link Capabilities} constants), named when the failure is a permission error.
     */
    public static BpfException of(String operation, int errno, int capability) {
        String what = operation + " failed: " + Errno.describe(errno);
        if (errno == Errno.EPERM.number() || errno == Errno.EACCES.number()) {
            Capabilities caps = Capabilities.current();
            String capName = capabilityName(capability);
            java.util.List<String> missing = new java.util.ArrayList<>();
            if (!caps.has(Capabilities.CAP_SYS_ADMIN)) {
                if (!caps.has(Capabilities.CAP_BPF) && capability != Capabilities.CAP_SYS_ADMIN) missing.add("CAP_BPF");
                if (!caps.has(capability) && !missing.contains(capName)) missing.add(capName);
            }
            if (!missing.isEmpty()) {
                java.util.LinkedHashSet<String> grant = new java.util.LinkedHashSet<>(
                        java.util.List.of("cap_bpf", "cap_perfmon", "cap_net_admin"));
                for (String m : missing) grant.add(m.toLowerCase(java.util.Locale.ROOT));
                return new PermissionException(what + ". This process lacks " + String.join(" and ", missing)
                        + " (it has " + caps.describeBpfRelevant() + "). Run it as root, or grant the capabilities to "
                        + "the JVM, e.g. sudo setcap " + String.join(",", grant) + "+ep \"$(readlink -f \"$(command -v "
                        + "java)\")\"", capName, errno);
            }
            return new PermissionException(what + " although the process has " + caps.describeBpfRelevant()
                    + "; the kernel refused for another reason (lockdown, an LSM policy, a seccomp filter, or a "
                    + "memory limit)", capName, errno);
        }
        return new BpfException(what, errno);
    }

    /** "CAP_BPF" for {@link Capabilities#CAP_BPF}, and so on. */
    public static String capabilityName(int capability) {
        return switch (capability) {
            case Capabilities.CAP_NET_ADMIN -> "CAP_NET_ADMIN";
            case Capabilities.CAP_NET_RAW -> "CAP_NET_RAW";
            case Capabilities.CAP_SYS_ADMIN -> "CAP_SYS_ADMIN";
            case Capabilities.CAP_SYS_RESOURCE -> "CAP_SYS_RESOURCE";
            case Capabilities.CAP_PERFMON -> "CAP_PERFMON";
            case Capabilities.CAP_BPF -> "CAP_BPF";
            default -> "capability " + capability;
        };
    }
}
