package dev.ebpf4j.link;

import dev.ebpf4j.internal.sys.Bpf;
import dev.ebpf4j.internal.sys.BpfAttr;
import dev.ebpf4j.internal.sys.BpfCommand;
import dev.ebpf4j.internal.sys.CallScratch;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * {@code BPF_RAW_TRACEPOINT_OPEN}: attaches a raw tracepoint program by tracepoint name, or (name null) a BTF-typed
 * program (tp_btf, fentry/fexit/fmod_ret, LSM) to the target it was loaded for. Returns the raw result (a
 * {@code bpf_link} fd or -errno) so callers explain failures in their own terms.
 *
 * <pre>{@code
 * long fd = RawTracepointOpen.open(prog.fd(), "sched_switch");
 * }</pre>
 */
final class RawTracepointOpen {
    private RawTracepointOpen() {
    }

    /** Opens raw tracepoint {@code name} (null for BTF-typed programs) for {@code progFd}. */
    static long open(int progFd, String name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment n = name == null ? MemorySegment.NULL : arena.allocateFrom(name);
            MemorySegment a = CallScratch.get().attr(BpfAttr.RAW_TP_SIZE);
            a.set(JAVA_LONG, BpfAttr.RAW_TP_NAME, n.address());
            a.set(JAVA_INT, BpfAttr.RAW_TP_PROG_FD, progFd);
            return Bpf.call(BpfCommand.RAW_TRACEPOINT_OPEN, a, BpfAttr.RAW_TP_SIZE);
        }
    }
}
