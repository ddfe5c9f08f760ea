/**
 * BTF, the BPF Type Format: the type model ({@link dev.ebpf4j.btf.BtfType}, a sealed interface with one record per
 * kind, types referring to each other by id), the parser and lookups ({@link dev.ebpf4j.btf.Btf}, including the
 * running kernel's {@link dev.ebpf4j.btf.Btf#vmlinux()} and module BTF), the writer
 * ({@link dev.ebpf4j.btf.BtfWriter}, {@link dev.ebpf4j.btf.BtfBuilder}), bpftool-style listings
 * ({@link dev.ebpf4j.btf.BtfDump}) and the {@code .BTF.ext} parser ({@link dev.ebpf4j.btf.BtfExt}).
 *
 * <p>Everything here is pure Java and needs no kernel except {@code Btf.vmlinux()} / {@code Btf.module()}, which
 * read {@code /sys/kernel/btf}. Malformed input raises {@link dev.ebpf4j.ObjectFormatException}; walks along type
 * chains are bounded, so loops in hostile BTF end in an error rather than a hang.
 *
 * <pre>{@code
 * Btf kernel = Btf.vmlinux();
 * int fentryTarget = kernel.findFunction("do_unlinkat").orElseThrow().id();
 * int tpBtfTarget = kernel.findTypedef("btf_trace_sched_switch").orElseThrow().id();
 * BtfDump.raw(kernel, System.out);             // like `bpftool btf dump file /sys/kernel/btf/vmlinux`
 * }</pre>
 */
package dev.ebpf4j.btf;
