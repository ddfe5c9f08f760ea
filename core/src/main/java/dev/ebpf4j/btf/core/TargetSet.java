package dev.ebpf4j.btf.core;

import dev.ebpf4j.BpfException;
import dev.ebpf4j.btf.Btf;
import dev.ebpf4j.btf.BtfKind;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The BTFs a relocator resolves against, searched as libbpf does: the main BTF (vmlinux) first, all of its types;
 * only when it has no candidate at all are the additional BTFs (kernel modules) searched, each for its own types.
 * Both lists are obtained lazily, once, and candidate lists are cached per essential name and kind.
 */
final class TargetSet {
    /** One target BTF and the name notes use for it. */
    record Target(Btf btf, String name) {
    }

    private final Supplier<Target> mainSupplier;
    private final Supplier<List<Target>> extraSupplier;
    private volatile Target main;
    private volatile List<Target> extra;
    private final Map<String, List<Candidate>> cache = new ConcurrentHashMap<>();

    TargetSet(Supplier<Target> main, Supplier<List<Target>> extra) {
        this.mainSupplier = main;
        this.extraSupplier = extra;
    }

    /** Fixed targets: the first is the main one. */
    static TargetSet of(List<Btf> targets) {
        List<Target> all = new ArrayList<>();
        for (Btf b : targets) all.add(new Target(b, b.section()));
        Target first = all.getFirst();
        List<Target> rest = List.copyOf(all.subList(1, all.size()));
        return new TargetSet(() -> first, () -> rest);
    }

    /** The running kernel: vmlinux, then the BTF of every loaded module (modules that vanish are skipped). */
    static TargetSet runningKernel() {
        return new TargetSet(() -> new Target(Btf.vmlinux(), "vmlinux"), () -> {
            List<Target> modules = new ArrayList<>();
            for (String name : Btf.moduleNames()) {
                try {
                    modules.add(new Target(Btf.module(name), name));
                } catch (BpfException e) {
                    // unloaded between listing and reading: nothing to search there
                }
            }
            return List.copyOf(modules);
        });
    }

    /** The candidates for a local type with essential name {@code essential} and kind {@code kind}, in search order. */
    List<Candidate> candidates(String essential, BtfKind kind) {
        String key = kind.name() + ' ' + essential;
        List<Candidate> found = cache.get(key);
        if (found == null) {
            found = search(essential, kind);
            cache.putIfAbsent(key, found);
        }
        return found;
    }

    private List<Candidate> search(String essential, BtfKind kind) {
        List<Candidate> out = new ArrayList<>();
        Target m = main();
        for (int id : TargetIndex.of(m.btf()).candidates(essential, kind, 1)) {
            out.add(new Candidate(m.btf(), id, m.name()));
        }
        if (!out.isEmpty()) return List.copyOf(out);
        for (Target t : extra()) {
            Btf b = t.btf();
            for (int id : TargetIndex.of(b).candidates(essential, kind, b.firstTypeId())) {
                out.add(new Candidate(b, id, t.name()));
            }
        }
        return List.copyOf(out);
    }

    private Target main() {
        Target t = main;
        if (t == null) {
            synchronized (this) {
                t = main;
                if (t == null) main = t = mainSupplier.get();
            }
        }
        return t;
    }

    private List<Target> extra() {
        List<Target> t = extra;
        if (t == null) {
            synchronized (this) {
                t = extra;
                if (t == null) extra = t = extraSupplier.get();
            }
        }
        return t;
    }
}
