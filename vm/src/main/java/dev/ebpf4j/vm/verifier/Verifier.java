package dev.ebpf4j.vm.verifier;

import dev.ebpf4j.ProgramType;
import dev.ebpf4j.vm.VmMaps;
import dev.ebpf4j.vm.VmOptions;
import dev.ebpf4j.vm.code.Code;
import dev.ebpf4j.vm.context.ContextLayout;

/** Placeholder. */
public final class Verifier {
    private Verifier() {
    }

    public static void verify(Code code, ContextLayout layout, VmMaps maps, VmOptions options, ProgramType type) {
    }
}
