package dev.ebpf4j.btf;

import dev.ebpf4j.internal.sys.BtfObjectData;
import dev.ebpf4j.internal.sys.ObjectIds;

import java.util.List;

/**
 * The BTF objects the running kernel holds, by id: the BTF a loader handed over with a program or map (its
 * {@code btf_id} in {@link dev.ebpf4j.ProgramInfo} / {@link dev.ebpf4j.MapInfo}), and the kernel's own (vmlinux and
 * module BTF). Each is read back from the kernel and parsed; nothing is cached except {@link Btf#vmlinux()}.
 *
 * <pre>{@code
 * Btf programBtf = KernelBtfObjects.byId(prog.info().btfId());
 * String name = programBtf.name(funcTypeId);                  // "handle_exec"
 * for (int id : KernelBtfObjects.ids()) System.out.println(KernelBtfObjects.byId(id));
 * }</pre>
 */
public final class KernelBtfObjects {
    private KernelBtfObjects() {
    }

    /** Ids of every BTF object in the kernel, ascending. */
    public static List<Integer> ids() {
        return ObjectIds.all(ObjectIds.Kind.BTF);
    }

    /**
     * The BTF object with kernel id {@code id}, parsed: the kernel's vmlinux BTF is {@link Btf#vmlinux()}, a
     * module's is split on it, anything else stands alone. A missing id raises {@link dev.ebpf4j.BpfException} with
     * ENOENT; malformed data {@link dev.ebpf4j.ObjectFormatException}.
     */
    public static Btf byId(int id) {
        BtfObjectData raw = BtfObjectData.read(id);
        if (!raw.kernelBtf()) return Btf.parse(raw.data(), "BTF object id " + id, null);
        if (raw.name().equals("vmlinux")) return Btf.vmlinux();
        return Btf.parse(raw.data(), "BTF of kernel module '" + raw.name() + "' (id " + id + ")", Btf.vmlinux());
    }
}
