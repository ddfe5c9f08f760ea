package dev.ebpf4j.features;

import dev.ebpf4j.AttachType;
import dev.ebpf4j.ProgramType;
import dev.ebpf4j.internal.ProgramTypeSupport;
import dev.ebpf4j.btf.Btf;
import dev.ebpf4j.btf.BtfKind;

/**
 * Where probe programs of each type attach, for the types that must name a kernel BTF target at load: tp_btf on
 * {@code sched_switch} for tracing, {@code bpf_fentry_test1} for fentry/fexit, {@code bpf_modify_return_test} for
 * fmod_ret, {@code bpf_lsm_file_open} for LSM, {@code bpf_iter_task} for iterators.
 *
 * <pre>{@code
 * ProbeTargets.Target t = ProbeTargets.forAttachType(AttachType.TRACE_ITER);
 * }</pre>
 */
final class ProbeTargets {
    private ProbeTargets() {
    }

    /** A program type, expected attach type and BTF id to load a probe with. */
    record Target(ProgramType type, AttachType attach, int btfId, String description) {
    }

    /** The target for probing {@code type} as a whole. */
    static Target forProgramType(ProgramType type) {
        return switch (type) {
            case TRACING -> forAttachType(AttachType.TRACE_RAW_TP);
            case LSM -> forAttachType(AttachType.LSM_MAC);
            default -> new Target(type, ProgramTypeSupport.defaultAttachType(type), 0, type.bpftoolName());
        };
    }

    /** The target for probing {@code attach}. */
    static Target forAttachType(AttachType attach) {
        return switch (attach) {
            case TRACE_RAW_TP -> btf(ProgramType.TRACING, attach, BtfKind.TYPEDEF, "btf_trace_sched_switch");
            case TRACE_FENTRY, TRACE_FEXIT -> btf(ProgramType.TRACING, attach, BtfKind.FUNC, "bpf_fentry_test1");
            case MODIFY_RETURN -> btf(ProgramType.TRACING, attach, BtfKind.FUNC, "bpf_modify_return_test");
            case TRACE_ITER -> btf(ProgramType.TRACING, attach, BtfKind.FUNC, "bpf_iter_task");
            case LSM_MAC, LSM_CGROUP -> btf(ProgramType.LSM, attach, BtfKind.FUNC, "bpf_lsm_file_open");
            default -> new Target(attach.programType(), attach, 0, attach.bpftoolName());
        };
    }

    private static Target btf(ProgramType type, AttachType attach, BtfKind kind, String name) {
        int id;
        try {
            id = Btf.vmlinux().findId(name, kind).orElse(0);
        } catch (RuntimeException e) {
            id = 0;
        }
        return new Target(type, attach, id, attach.bpftoolName() + " on " + name);
    }
}
