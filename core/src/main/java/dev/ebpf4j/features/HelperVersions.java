package dev.ebpf4j.features;

import dev.ebpf4j.asm.HelperFunction;

/**
 * The first Linux version that offers each helper function (data: {@code helper-versions.txt}).
 *
 * <pre>{@code
 * HelperVersions.minimumKernel(HelperFunction.LOOP);   // "5.17"
 * }</pre>
 */
public final class HelperVersions {
    private static final VersionTable TABLE = VersionTable.load("helper-versions.txt");

    private HelperVersions() {
    }

    public static String minimumKernel(HelperFunction helper) {
        return TABLE.version(helper.number());
    }
}
