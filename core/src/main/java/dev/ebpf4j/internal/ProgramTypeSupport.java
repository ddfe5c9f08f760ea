package dev.ebpf4j.internal;

import dev.ebpf4j.AttachType;
import dev.ebpf4j.Errno;
import dev.ebpf4j.ProgramType;
import dev.ebpf4j.asm.Instructions;
import dev.ebpf4j.internal.sys.Bpf;
import dev.ebpf4j.internal.sys.BpfAttr;
import dev.ebpf4j.internal.sys.BpfCommand;
import dev.ebpf4j.internal.sys.CallScratch;
import dev.ebpf4j.internal.sys.Libc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.ConcurrentHashMap;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Whether the running kernel knows a program type: loads {@code r0 = 0; exit} as that type (with the attach type the
 * type insists on) and reads the answer. Types that cannot load without a BTF attach target (tracing, LSM, EXT,
 * struct_ops) count as known when the kernel answers anything but "invalid argument" with an empty log. Memoised.
 *
 * <pre>{@code
 * boolean ok = ProgramTypeSupport.isKnownToKernel(ProgramType.NETFILTER);
 * }</pre>
 */
public final class ProgramTypeSupport {
    private static final ConcurrentHashMap<ProgramType, Boolean> KNOWN = new ConcurrentHashMap<>();

    private ProgramTypeSupport() {
    }

    public static boolean isKnownToKernel(ProgramType type) {
        Boolean known = KNOWN.get(type);
        if (known != null) return known;
        long r = tryLoadTrivial(type, defaultAttachType(type));
        if (r >= 0) {
            Libc.close((int) r);
            KNOWN.put(type, true);
            return true;
        }
        boolean result = -r != Errno.EINVAL.number() || needsBtfTarget(type);
        if (-r != Errno.EPERM.number()) KNOWN.put(type, result);
        return result;
    }

    /** The expected attach type a trivial program of {@code type} must declare, or null. */
    public static AttachType defaultAttachType(ProgramType type) {
        return switch (type) {
            case CGROUP_SOCK_ADDR -> AttachType.CGROUP_INET4_CONNECT;
            case CGROUP_SOCKOPT -> AttachType.CGROUP_GETSOCKOPT;
            case SK_LOOKUP -> AttachType.SK_LOOKUP;
            case NETFILTER -> AttachType.NETFILTER;
            case TRACING -> AttachType.TRACE_FENTRY;
            case LSM -> AttachType.LSM_MAC;
            default -> null;
        };
    }

    private static boolean needsBtfTarget(ProgramType type) {
        return type == ProgramType.TRACING || type == ProgramType.LSM || type == ProgramType.EXT
                || type == ProgramType.STRUCT_OPS;
    }

    /** Loads {@code r0 = 0; exit} as {@code type}; returns the fd or -errno. */
    public static long tryLoadTrivial(ProgramType type, AttachType expected) {
        byte[] code = Instructions.encode(new dev.ebpf4j.asm.Asm().mov64(dev.ebpf4j.asm.Register.R0, 0).exit().build());
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment insns = arena.allocate(code.length, 8);
            MemorySegment.copy(code, 0, insns, JAVA_BYTE, 0, code.length);
            MemorySegment license = arena.allocateFrom("GPL");
            MemorySegment a = CallScratch.get().attr(BpfAttr.PROG_LOAD_SIZE);
            a.set(JAVA_INT, BpfAttr.PROG_TYPE, type.number());
            a.set(JAVA_INT, BpfAttr.PROG_INSN_CNT, code.length / 8);
            a.set(JAVA_LONG, BpfAttr.PROG_INSNS, insns.address());
            a.set(JAVA_LONG, BpfAttr.PROG_LICENSE, license.address());
            // syscall programs must be sleepable
            if (type == ProgramType.SYSCALL) a.set(JAVA_INT, BpfAttr.PROG_FLAGS, dev.ebpf4j.ProgramFlags.SLEEPABLE);
            if (expected != null) a.set(JAVA_INT, BpfAttr.PROG_EXPECTED_ATTACH_TYPE, expected.number());
            return Bpf.call(BpfCommand.PROG_LOAD, a, BpfAttr.PROG_LOAD_SIZE);
        }
    }
}
