package dev.ebpf4j.vm.helpers;

import dev.ebpf4j.vm.ArgType;
import dev.ebpf4j.vm.HelperRegistry;
import dev.ebpf4j.vm.HelperSignature;
import dev.ebpf4j.vm.ReturnType;

/**
 * The helpers the BPF conformance suite expects: #5 "unwind" (uBPF's) returns its argument and, when that is 0,
 * stops the program with r0 = 0.
 *
 * <pre>{@code
 * HelperRegistry r = HelperRegistry.empty(); ConformanceHelpers.registerAll(r);
 * }</pre>
 */
public final class ConformanceHelpers {
    private ConformanceHelpers() {
    }

    public static final int UNWIND = 5;

    public static void registerAll(HelperRegistry r) {
        r.put(UNWIND, HelperSignature.of("unwind", ReturnType.INTEGER, ArgType.ANYTHING), (ctx, r1, r2, r3, r4, r5) -> {
            if (r1 == 0) ctx.exitProgram(0);
            return r1;
        });
    }
}
