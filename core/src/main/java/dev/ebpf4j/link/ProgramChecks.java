package dev.ebpf4j.link;

import dev.ebpf4j.AttachType;
import dev.ebpf4j.BpfArgumentException;
import dev.ebpf4j.Program;
import dev.ebpf4j.ProgramType;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Argument checks every attach method makes before touching the kernel: the program's type (and, when the program
 * knows it, its expected attach type) must fit the link kind. Failures are {@link BpfArgumentException}s such as
 * "TracepointLink needs a program of type tracepoint, got xdp (program 'x' (xdp))".
 *
 * <pre>{@code
 * ProgramChecks.requireType(program, "TracepointLink", ProgramType.TRACEPOINT);
 * }</pre>
 */
final class ProgramChecks {
    private ProgramChecks() {
    }

    /** Throws unless {@code program}'s type is one of {@code allowed}. */
    static void requireType(Program program, String linkKind, ProgramType... allowed) {
        if (program == null) throw new BpfArgumentException(linkKind + " needs a program, got null");
        ProgramType t = program.type();
        for (ProgramType a : allowed) {
            if (a == t) return;
        }
        throw new BpfArgumentException(linkKind + " needs a program of type " + names(allowed) + ", got "
                + t.bpftoolName() + " (" + program.describe() + ")");
    }

    /**
     * Throws when the program declared an expected attach type at load that is not one of {@code allowed}; programs
     * opened by id or pin do not know theirs and pass (the kernel then has the last word).
     */
    static void requireAttachType(Program program, String linkKind, AttachType... allowed) {
        AttachType a = program.expectedAttachType();
        if (a == null) return;
        for (AttachType x : allowed) {
            if (x == a) return;
        }
        throw new BpfArgumentException(linkKind + " needs a program loaded with expected attach type "
                + Arrays.stream(allowed).map(AttachType::bpftoolName).collect(Collectors.joining(" or "))
                + ", got " + a.bpftoolName() + " (" + program.describe() + ")");
    }

    /** Throws a {@link BpfArgumentException} naming {@code what} when {@code value} is null or blank. */
    static String requireName(String value, String what, String linkKind) {
        if (value == null || value.isBlank()) {
            throw new BpfArgumentException(linkKind + ": " + what + " must not be empty");
        }
        if (value.indexOf('\0') >= 0) {
            throw new BpfArgumentException(linkKind + ": " + what + " '" + value.replace('\0', '?')
                    + "' contains a NUL character");
        }
        return value;
    }

    private static String names(ProgramType... types) {
        if (types.length == 1) return types[0].bpftoolName();
        String head = Arrays.stream(types, 0, types.length - 1).map(ProgramType::bpftoolName)
                .collect(Collectors.joining(", "));
        return head + " or " + types[types.length - 1].bpftoolName();
    }
}
