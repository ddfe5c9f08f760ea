package dev.ebpf4j.features;

import dev.ebpf4j.AttachType;
import dev.ebpf4j.ProgramType;
import dev.ebpf4j.asm.Instruction;
import dev.ebpf4j.asm.Instructions;
import dev.ebpf4j.internal.sys.Bpf;
import dev.ebpf4j.internal.sys.BpfAttr;
import dev.ebpf4j.internal.sys.BpfCommand;
import dev.ebpf4j.internal.sys.CallScratch;
import dev.ebpf4j.internal.sys.Libc;
import dev.ebpf4j.internal.sys.ObjectInfo;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * One probe program load: {@code BPF_PROG_LOAD} with a small verifier log, closing the program right away. Probes do
 * thousands of these (every helper for every program type), so this path is lean: no exceptions, no retries.
 *
 * <pre>{@code
 * ProbeLoad.Result r = ProbeLoad.run(ProgramType.XDP, null, 0, insns, true);
 * if (r.loaded()) ... else if (r.log().contains("unknown func")) ...
 * }</pre>
 */
final class ProbeLoad {
    private static final int LOG_SIZE = 16 << 10;
    private static final ThreadLocal<MemorySegment> LOG = ThreadLocal.withInitial(
            () -> Arena.ofAuto().allocate(LOG_SIZE));

    private ProbeLoad() {
    }

    /** Outcome: {@code errno} is 0 when the program loaded. */
    record Result(int errno, String log) {
        boolean loaded() {
            return errno == 0;
        }
    }

    /**
     * Loads once without a log (a log that overflows would itself fail the load with ENOSPC); when that fails and
     * {@code withLog} is set, loads again with a log to learn why.
     */
    static Result run(ProgramType type, AttachType expected, int attachBtfId, List<Instruction> insns, boolean withLog) {
        Result quiet = attempt(type, expected, attachBtfId, insns, false);
        if (quiet.loaded() || !withLog) return quiet;
        Result logged = attempt(type, expected, attachBtfId, insns, true);
        return logged.errno() == dev.ebpf4j.Errno.ENOSPC.number() ? quiet : logged;
    }

    private static Result attempt(ProgramType type, AttachType expected, int attachBtfId, List<Instruction> insns,
                                  boolean withLog) {
        byte[] code = Instructions.encode(insns);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment text = arena.allocate(code.length, 8);
            MemorySegment.copy(code, 0, text, JAVA_BYTE, 0, code.length);
            MemorySegment license = arena.allocateFrom("GPL");
            MemorySegment log = LOG.get();
            log.set(JAVA_BYTE, 0, (byte) 0);
            MemorySegment a = CallScratch.get().attr(BpfAttr.PROG_LOAD_SIZE);
            a.set(JAVA_INT, BpfAttr.PROG_TYPE, type.number());
            a.set(JAVA_INT, BpfAttr.PROG_INSN_CNT, code.length / 8);
            a.set(JAVA_LONG, BpfAttr.PROG_INSNS, text.address());
            a.set(JAVA_LONG, BpfAttr.PROG_LICENSE, license.address());
            // syscall programs must be sleepable
            if (type == ProgramType.SYSCALL) a.set(JAVA_INT, BpfAttr.PROG_FLAGS, dev.ebpf4j.ProgramFlags.SLEEPABLE);
            if (withLog) {
                a.set(JAVA_INT, BpfAttr.PROG_LOG_LEVEL, 1);
                a.set(JAVA_INT, BpfAttr.PROG_LOG_SIZE, LOG_SIZE);
                a.set(JAVA_LONG, BpfAttr.PROG_LOG_BUF, log.address());
            }
            if (expected != null) a.set(JAVA_INT, BpfAttr.PROG_EXPECTED_ATTACH_TYPE, expected.number());
            a.set(JAVA_INT, BpfAttr.PROG_ATTACH_BTF_ID, attachBtfId);
            long r = Bpf.call(BpfCommand.PROG_LOAD, a, BpfAttr.PROG_LOAD_SIZE);
            if (r >= 0) {
                Libc.close((int) r);
                return new Result(0, "");
            }
            return new Result((int) -r, withLog ? ObjectInfo.cString(log, 0, LOG_SIZE) : "");
        }
    }
}
