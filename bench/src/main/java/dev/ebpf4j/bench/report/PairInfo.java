package dev.ebpf4j.bench.report;

import java.util.List;

/**
 * The pairs, in report order, with what each measures.
 *
 * <pre>{@code
 * for (PairInfo p : PairInfo.ALL) System.out.println(p.number() + " " + p.title());
 * }</pre>
 */
public record PairInfo(int number, String id, String title, String what) {
    public static final List<PairInfo> ALL = List.of(
            new PairInfo(1, "ring", "Ring buffer consumption",
                    "`bench_producer.bpf.o` writes 8- or 128-byte records with `bpf_ringbuf_output` into a 4 MiB ring, "
                            + "64 per program run (BPF_PROG_TEST_RUN). ebpf4j `RingBufferReader` vs libbpf "
                            + "`ring_buffer__consume`/`__poll`; both handlers read each record's first 8 bytes. "
                            + "*drain*: the ring is filled to 3/4 (untimed), then drained with `consume()`; the consumer "
                            + "alone is timed (median cycle), so this is the consumer-bound throughput the goal is "
                            + "about. *live*: a producer thread test-runs the program back to back while the consumer "
                            + "`poll`s on the other core; events/s is then bounded by the producer (see the drop share), "
                            + "and the consumer thread's CPU per million events is the telling figure."),
            new PairInfo(2, "perf", "Perf buffer consumption",
                    "Same shape with `bpf_perf_event_output` into a perf event array, 256 pages per CPU, wake-up "
                            + "after every sample (both libraries' default). ebpf4j `PerfBufferReader` vs libbpf "
                            + "`perf_buffer__consume`/`__poll`."),
            new PairInfo(3, "mapops", "Single map operations from user space",
                    "Lookups and updates (BPF_ANY) of one element per system call on a full hash and array of "
                            + "65,536 entries (u32 key, u64 value), keys in a scrambled order; ebpf4j's allocation-free "
                            + "`MemorySegment` methods vs `bpf_map_lookup_elem`/`bpf_map_update_elem`."),
            new PairInfo(4, "dump", "Dumping a 1M-entry hash map",
                    "A full hash map of 1,048,576 entries: `BpfMap.lookupBatch` vs `bpf_map_lookup_batch` "
                            + "(8192 per call), and get-next-key + lookup iteration (`BpfMap.forEach` vs "
                            + "`bpf_map_get_next_key` + `bpf_map_lookup_elem`). Entries and the sum of values must "
                            + "agree. The fill (batch updates of 65,536) is shown for information."),
            new PairInfo(5, "btf", "Parsing the kernel's BTF",
                    "*warm*: `Btf.read(/sys/kernel/btf/vmlinux)` vs `btf__load_vmlinux_btf`, repeated in one "
                            + "process (mean per parse); *warm-find* adds a lookup of `struct task_struct` by name. "
                            + "*cold*: the first parse in a fresh process (`Btf.vmlinux()`, what a tool calls, vs the "
                            + "same libbpf call), plus the process's spawn-to-exit and spawn-to-main times; the JVM's "
                            + "start-up is the spawn-to-main row. The type count must agree."),
            new PairInfo(6, "load", "Opening and loading a CO-RE object",
                    "`bench_core.bpf.o`: 8 programs (tracepoints, raw tracepoint, BTF tracepoints) with CO-RE reads "
                            + "of `task_struct` and friends, a hash map, a ring buffer, an array, .rodata and .bss. "
                            + "`ObjectSpec.read` + `BpfObject.load` vs `bpf_object__open_file` + `bpf_object__load` "
                            + "(closing untimed). Programs loaded and the sum of their translated instruction counts "
                            + "must agree. Note: ebpf4j parses the kernel BTF once per process; libbpf parses it in "
                            + "every load, which favours ebpf4j in *warm* and not in *cold*."),
            new PairInfo(7, "startup", "Tool start-up: process start to first event",
                    "The harness spawns the tool, executes a marker binary every 5 ms and times the first output "
                            + "line naming it. libbpf: Debian's libbpf-tools `execsnoop` (under `stdbuf -oL`). "
                            + "ebpf4j: `./ebpf4j execsnoop` as users run it (`launcher`: the script, then the JVM "
                            + "started from the AOT cache the launcher trains once per build); the CLI jar run "
                            + "directly (`cli-*` rows) and bench's `MiniExecsnoop` (one CO-RE tracepoint + ring "
                            + "buffer, `mini-*` rows), each with plain JVM flags (`default`), a dynamic CDS archive "
                            + "(`cds`), and a JDK 25 AOT cache trained by running the tool (`aot`)."),
            new PairInfo(8, "vm", "Userspace VM vs the kernel's JIT",
                    "JMH (`dev.ebpf4j.bench.vm`): loop-heavy XDP programs run 100 times per invocation on the VM's "
                            + "interpreter and JIT and on the kernel (BPF_PROG_TEST_RUN repeat); ns per executed BPF "
                            + "instruction. *kernel* is wall time around the system call, *kernel-own* the kernel's "
                            + "own measured duration. No libbpf side: the kernel JIT is the reference."));
}
