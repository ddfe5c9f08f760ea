package dev.ebpf4j.btf.core;

import dev.ebpf4j.NotSupportedException;
import dev.ebpf4j.asm.Instruction;
import dev.ebpf4j.btf.Btf;
import dev.ebpf4j.btf.BtfCoreRelo;

import java.util.List;

/**
 * Applies a program's CO-RE relocations ({@code .BTF.ext} core_relo records) against target BTF: the running
 * kernel's (vmlinux and module BTF) or given blobs.
 *
 * <p><b>Placeholder:</b> the CO-RE relocator is being written on another branch; this stand-in keeps the object
 * loader compiling and working for programs without CO-RE relocations. It returns such programs unchanged and
 * refuses programs that have relocations with {@link NotSupportedException}.
 *
 * <pre>{@code
 * CoreRelocator relocator = CoreRelocator.forRunningKernel();
 * CoreResult r = relocator.apply("handle_exec", insns, objectBtf, relocations);   // byte offsets into insns
 * }</pre>
 */
public final class CoreRelocator {
    private CoreRelocator() {
    }

    /** Relocates against the running kernel's BTF (vmlinux and module BTF, read lazily). */
    public static CoreRelocator forRunningKernel() {
        return new CoreRelocator();
    }

    /** Relocates against the given target BTF blobs (candidates are searched in list order). */
    public static CoreRelocator forTargets(List<Btf> targets) {
        return new CoreRelocator();
    }

    /**
     * Applies {@code relocations} (each {@link BtfCoreRelo#insnOffset()} a byte offset into {@code insns} as encoded,
     * slot × 8) to program {@code programName} whose local types are in {@code localBtf}.
     */
    public CoreResult apply(String programName, List<Instruction> insns, Btf localBtf, List<BtfCoreRelo> relocations) {
        if (relocations.isEmpty()) return new CoreResult(insns, List.of());
        throw NotSupportedException.notImplemented("CO-RE relocations", "program '" + programName + "' has "
                + relocations.size() + " of them (the CO-RE relocator is on its way)");
    }
}
