package dev.ebpf4j.features;

import dev.ebpf4j.AttachType;

/**
 * The first Linux version that offers each attach type (data: {@code attach-versions.txt}).
 *
 * <pre>{@code
 * AttachVersions.minimumKernel(AttachType.TCX_INGRESS);   // "6.6"
 * }</pre>
 */
public final class AttachVersions {
    private static final VersionTable TABLE = VersionTable.load("attach-versions.txt");

    private AttachVersions() {
    }

    public static String minimumKernel(AttachType attach) {
        return TABLE.version(attach.number());
    }
}
