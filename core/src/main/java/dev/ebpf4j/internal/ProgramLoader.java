package dev.ebpf4j.internal;

import dev.ebpf4j.AttachType;
import dev.ebpf4j.BpfException;
import dev.ebpf4j.Errno;
import dev.ebpf4j.NotSupportedException;
import dev.ebpf4j.ProgramSpec;
import dev.ebpf4j.ProgramType;
import dev.ebpf4j.VerifierException;
import dev.ebpf4j.asm.Instructions;
import dev.ebpf4j.internal.sys.Bpf;
import dev.ebpf4j.internal.sys.BpfAttr;
import dev.ebpf4j.internal.sys.BpfCommand;
import dev.ebpf4j.internal.sys.BtfLoad;
import dev.ebpf4j.internal.sys.CallScratch;
import dev.ebpf4j.internal.sys.Capabilities;
import dev.ebpf4j.internal.sys.Fd;
import dev.ebpf4j.internal.sys.ObjectInfo;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * {@code BPF_PROG_LOAD} for a {@link ProgramSpec}. Loads without a log first (fast path); when the verifier rejects
 * the program, loads again with a log buffer that grows until the whole log fits (using the kernel's
 * {@code log_true_size} where it reports one) and raises {@link VerifierException} with the log and the failing
 * instruction. Permission and missing-facility failures become {@link dev.ebpf4j.PermissionException} and
 * {@link NotSupportedException}.
 *
 * <pre>{@code
 * ProgramLoader.Result r = ProgramLoader.load(spec, 0, 0);   // no log wanted on success
 * }</pre>
 */
public final class ProgramLoader {
    /** Largest verifier log ebpf4j will ask for (the kernel's own limit is UINT_MAX >> 2). */
    public static final int MAX_LOG_SIZE = 1 << 30;
    private static final int FIRST_LOG_SIZE = 256 << 10;

    private ProgramLoader() {
    }

    /** A loaded program's fd and, when a log level was requested, the verifier's log. */
    public record Result(Fd fd, String log) {
    }

    /**
     * Loads {@code spec}. {@code logLevel} (1 = verbose trace, 2 = more, 4 = statistics) is used on success too when
     * non-zero; {@code fdArray} may hold map/BTF fds referenced by index (0 for none).
     */
    public static Result load(ProgramSpec spec, int logLevel, long fdArrayAddress) {
        return load(spec, logLevel, fdArrayAddress, -1);
    }

    /**
     * As {@link #load(ProgramSpec, int, long)}, with the program's BTF already loaded as {@code objectBtfFd} (the
     * object loader loads an object's BTF once for all its programs); -1 loads {@code spec.btf().rawBtf()} instead.
     */
    public static Result load(ProgramSpec spec, int logLevel, long fdArrayAddress, int objectBtfFd) {
        String what = spec.describe();
        if (spec.instructions().isEmpty()) {
            throw new BpfException(what + ": the program has no instructions");
        }
        try (Arena arena = Arena.ofConfined()) {
            byte[] code = Instructions.encode(spec.instructions(), ByteOrder.nativeOrder());
            MemorySegment insns = arena.allocate(code.length, 8);
            MemorySegment.copy(code, 0, insns, JAVA_BYTE, 0, code.length);
            MemorySegment license = arena.allocateFrom(spec.license());
            Fd btfFd = null;
            try {
                MemorySegment funcInfo = MemorySegment.NULL;
                MemorySegment lineInfo = MemorySegment.NULL;
                int btf = -1;
                if (spec.btf() != null && (objectBtfFd >= 0 || spec.btf().rawBtf() != null)) {
                    if (objectBtfFd >= 0) {
                        btf = objectBtfFd;
                    } else {
                        btfFd = BtfLoad.load(spec.btf().rawBtf(), what);
                        btf = btfFd.get();
                    }
                    funcInfo = copy(arena, spec.btf().funcInfo());
                    lineInfo = copy(arena, spec.btf().lineInfo());
                }
                Attempt attempt = new Attempt(spec, insns, code.length / 8, license, btf, funcInfo, lineInfo,
                        fdArrayAddress);
                if (logLevel == 0) {
                    long r = attempt.run(MemorySegment.NULL, 0, 0);
                    if (r >= 0) return new Result(Fd.adopt((int) r, what), "");
                    int errno = (int) -r;
                    if (!isVerifierRejection(errno)) throw explain(spec, errno, "");
                }
                int level = logLevel == 0 ? 1 : logLevel;
                int size = FIRST_LOG_SIZE;
                while (true) {
                    MemorySegment buf = arena.allocate(size);
                    long r = attempt.run(buf, size, level);
                    String log = ObjectInfo.cString(buf, 0, size);
                    if (r >= 0) return new Result(Fd.adopt((int) r, what), log);
                    int errno = (int) -r;
                    int trueSize = attempt.logTrueSize();
                    if (errno == Errno.ENOSPC.number() && size < MAX_LOG_SIZE) {
                        size = trueSize > size ? Math.min(MAX_LOG_SIZE, trueSize + 1) : Math.min(MAX_LOG_SIZE, size * 4);
                        continue;
                    }
                    throw explain(spec, errno, log);
                }
            } finally {
                if (btfFd != null) btfFd.close();
            }
        }
    }

    private static MemorySegment copy(Arena arena, byte[] bytes) {
        if (bytes == null || bytes.length == 0) return MemorySegment.NULL;
        MemorySegment s = arena.allocate(bytes.length, 8);
        MemorySegment.copy(bytes, 0, s, JAVA_BYTE, 0, bytes.length);
        return s;
    }

    private static boolean isVerifierRejection(int errno) {
        return errno == Errno.EACCES.number() || errno == Errno.EINVAL.number() || errno == Errno.E2BIG.number()
                || errno == Errno.ENOSPC.number() || errno == Errno.EFAULT.number() || errno == Errno.ENOTSUPP.number()
                // the verifier also reports unresolvable BTF ids, kernel symbols and map fds with a log
                || errno == Errno.ENOENT.number() || errno == Errno.EBADF.number() || errno == Errno.ESRCH.number()
                || errno == Errno.ENXIO.number() || errno == Errno.EOPNOTSUPP.number()
                || errno == Errno.EPERM.number() && Capabilities.current().canBpf();
    }

    private static BpfException explain(ProgramSpec spec, int errno, String log) {
        String what = spec.describe();
        ProgramType t = spec.type();
        Capabilities caps = Capabilities.current();
        if (errno == Errno.EPERM.number() && caps.canBpf() && usesTrampoline(spec)) {
            return new NotSupportedException(trampolineFeature(spec), "5.5",
                    "BPF trampolines are unavailable here: loading the program returned EPERM although the process has "
                            + caps.describeBpfRelevant() + " (the kernel lacks ftrace direct calls / "
                            + "CONFIG_FUNCTION_TRACER, or they are blocked); " + (spec.type() == ProgramType.EXT
                            ? "replace the function through a prog array tail call instead"
                            : "use a tracepoint, raw_tracepoint or tp_btf program instead"), errno).withContext(what);
        }
        if (errno == Errno.EPERM.number() || (errno == Errno.EACCES.number() && !caps.canBpf())) {
            int cap = switch (t) {
                case KPROBE, TRACEPOINT, PERF_EVENT, RAW_TRACEPOINT, RAW_TRACEPOINT_WRITABLE, TRACING, LSM ->
                        Capabilities.CAP_PERFMON;
                case XDP, SCHED_CLS, SCHED_ACT, CGROUP_SKB, SK_SKB, SK_MSG, SOCK_OPS, LWT_IN, LWT_OUT, LWT_XMIT,
                     FLOW_DISSECTOR, SK_LOOKUP, NETFILTER -> Capabilities.CAP_NET_ADMIN;
                default -> Capabilities.CAP_BPF;
            };
            return Bpf.error(BpfCommand.PROG_LOAD, errno, "loading " + what, cap);
        }
        if (errno == Errno.EINVAL.number() && log.isBlank() && !ProgramTypeSupport.isKnownToKernel(t)) {
            return new NotSupportedException("program type " + t.bpftoolName(), t.minimumKernel(),
                    "BPF_PROG_LOAD rejected the type with EINVAL", errno).withContext(what);
        }
        VerifierLog parsed = VerifierLog.parse(log);
        if (!log.isBlank()) {
            return new VerifierException(what, parsed.reason().isEmpty() ? Errno.describe(errno) : parsed.reason(),
                    parsed.failingInstruction(), log, errno);
        }
        return new BpfException("loading " + what + ": bpf(BPF_PROG_LOAD) failed: " + Errno.describe(errno)
                + " and the verifier wrote no log; check the program type, expected attach type"
                + (spec.expectedAttachType() == null ? " (none given)" : " (" + spec.expectedAttachType().bpftoolName() + ")")
                + ", license and flags", errno);
    }

    /** fentry/fexit/fmod_ret, LSM and freplace programs need BPF trampolines. */
    public static boolean usesTrampoline(ProgramSpec spec) {
        AttachType a = spec.expectedAttachType();
        return switch (spec.type()) {
            case LSM, EXT -> true;
            case TRACING -> a == AttachType.TRACE_FENTRY || a == AttachType.TRACE_FEXIT || a == AttachType.MODIFY_RETURN;
            default -> false;
        };
    }

    private static String trampolineFeature(ProgramSpec spec) {
        if (spec.type() == ProgramType.LSM) return "LSM BPF programs";
        if (spec.type() == ProgramType.EXT) return "freplace (EXT) programs";
        return "fentry/fexit/fmod_ret programs";
    }

    /** One configured load; {@link #run} may be repeated with different log buffers. */
    private static final class Attempt {
        private final ProgramSpec spec;
        private final MemorySegment insns;
        private final int insnCount;
        private final MemorySegment license;
        private final int btfFd;
        private final MemorySegment funcInfo;
        private final MemorySegment lineInfo;
        private final long fdArray;
        private int logTrueSize;

        Attempt(ProgramSpec spec, MemorySegment insns, int insnCount, MemorySegment license, int btfFd,
                MemorySegment funcInfo, MemorySegment lineInfo, long fdArray) {
            this.spec = spec;
            this.insns = insns;
            this.insnCount = insnCount;
            this.license = license;
            this.btfFd = btfFd;
            this.funcInfo = funcInfo;
            this.lineInfo = lineInfo;
            this.fdArray = fdArray;
        }

        long run(MemorySegment log, int logSize, int logLevel) {
            MemorySegment a = CallScratch.get().attr(BpfAttr.PROG_LOAD_SIZE);
            a.set(JAVA_INT, BpfAttr.PROG_TYPE, spec.type().number());
            a.set(JAVA_INT, BpfAttr.PROG_INSN_CNT, insnCount);
            a.set(JAVA_LONG, BpfAttr.PROG_INSNS, insns.address());
            a.set(JAVA_LONG, BpfAttr.PROG_LICENSE, license.address());
            a.set(JAVA_INT, BpfAttr.PROG_LOG_LEVEL, logLevel);
            a.set(JAVA_INT, BpfAttr.PROG_LOG_SIZE, logSize);
            a.set(JAVA_LONG, BpfAttr.PROG_LOG_BUF, log.address());
            a.set(JAVA_INT, BpfAttr.PROG_KERN_VERSION, spec.kernelVersion());
            a.set(JAVA_INT, BpfAttr.PROG_FLAGS, spec.flags());
            MapCreator.writeName(a, BpfAttr.PROG_NAME, spec.name());
            a.set(JAVA_INT, BpfAttr.PROG_IFINDEX, spec.ifindex());
            if (spec.type() == ProgramType.STRUCT_OPS) {
                a.set(JAVA_INT, BpfAttr.PROG_EXPECTED_ATTACH_TYPE, spec.structOpsMember());
            } else if (spec.expectedAttachType() != null) {
                a.set(JAVA_INT, BpfAttr.PROG_EXPECTED_ATTACH_TYPE, spec.expectedAttachType().number());
            }
            if (btfFd >= 0) {
                a.set(JAVA_INT, BpfAttr.PROG_BTF_FD, btfFd);
                if (spec.btf().funcInfoCount() > 0) {
                    a.set(JAVA_INT, BpfAttr.PROG_FUNC_INFO_REC_SIZE, spec.btf().funcInfoRecordSize());
                    a.set(JAVA_LONG, BpfAttr.PROG_FUNC_INFO, funcInfo.address());
                    a.set(JAVA_INT, BpfAttr.PROG_FUNC_INFO_CNT, spec.btf().funcInfoCount());
                }
                if (spec.btf().lineInfoCount() > 0) {
                    a.set(JAVA_INT, BpfAttr.PROG_LINE_INFO_REC_SIZE, spec.btf().lineInfoRecordSize());
                    a.set(JAVA_LONG, BpfAttr.PROG_LINE_INFO, lineInfo.address());
                    a.set(JAVA_INT, BpfAttr.PROG_LINE_INFO_CNT, spec.btf().lineInfoCount());
                }
            }
            a.set(JAVA_INT, BpfAttr.PROG_ATTACH_BTF_ID, spec.attachBtfId());
            if (spec.attachProgFd() != 0) {
                a.set(JAVA_INT, BpfAttr.PROG_ATTACH_PROG_FD, spec.attachProgFd());
            } else {
                a.set(JAVA_INT, BpfAttr.PROG_ATTACH_BTF_OBJ_FD, spec.attachBtfObjFd());
            }
            a.set(JAVA_LONG, BpfAttr.PROG_FD_ARRAY, fdArray);
            long r = Bpf.call(BpfCommand.PROG_LOAD, a, BpfAttr.PROG_LOAD_SIZE);
            logTrueSize = a.get(JAVA_INT, BpfAttr.PROG_LOG_TRUE_SIZE);
            return r;
        }

        int logTrueSize() {
            return logTrueSize;
        }
    }
}
