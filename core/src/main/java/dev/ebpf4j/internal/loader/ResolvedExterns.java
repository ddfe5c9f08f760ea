package dev.ebpf4j.internal.loader;

import dev.ebpf4j.internal.sys.Fd;

import java.util.List;
import java.util.Map;

/**
 * Externs resolved against a kernel: the {@code .kconfig} map's value, each ksym's target, and the module BTF fds
 * that ksym loads and kfunc calls refer to (owned; close after the programs are loaded).
 *
 * <pre>{@code
 * try (ResolvedExterns r = ExternResolver.resolve(model, RunningKernel.INSTANCE)) {
 *     ResolvedExterns.Target t = r.targets().get("bpf_task_acquire");
 * }
 * }</pre>
 *
 * @param kconfig   the .kconfig map value, or null when the object has no kconfig externs
 * @param targets   ksym/kfunc externs by name
 * @param moduleFds module BTF fds; {@code fdArray()} index i + 1 holds {@code moduleFds.get(i)}
 */
public record ResolvedExterns(byte[] kconfig, Map<String, Target> targets, List<Fd> moduleFds)
        implements AutoCloseable {

    /**
     * Where a ksym or kfunc extern points.
     *
     * @param found        false for a weak extern the kernel lacks
     * @param address      kallsyms address (untyped ksyms)
     * @param btfId        BTF id of the VAR or FUNC in vmlinux or a module (typed ksyms, kfuncs)
     * @param btfObjFd     the module BTF fd, 0 for vmlinux
     * @param fdArrayIndex index of that fd in the program's fd_array (kfunc calls), 0 for vmlinux
     * @param poison       the poison immediate for calls to a missing weak kfunc
     */
    public record Target(boolean found, long address, int btfId, int btfObjFd, int fdArrayIndex, int poison) {
    }

    /** The fd_array kfunc calls into modules index (slot 0 unused), or an empty array when none. */
    public int[] fdArray() {
        if (moduleFds.isEmpty()) return new int[0];
        int[] a = new int[moduleFds.size() + 1];
        for (int i = 0; i < moduleFds.size(); i++) a[i + 1] = moduleFds.get(i).get();
        return a;
    }

    @Override
    public void close() {
        for (Fd fd : moduleFds) fd.close();
    }
}
