package dev.ebpf4j.link;

import dev.ebpf4j.AttachType;
import dev.ebpf4j.BpfArgumentException;
import dev.ebpf4j.BpfException;
import dev.ebpf4j.BpfMap;
import dev.ebpf4j.Errno;
import dev.ebpf4j.NotSupportedException;
import dev.ebpf4j.Program;
import dev.ebpf4j.ProgramSpec;
import dev.ebpf4j.ProgramType;
import dev.ebpf4j.btf.Btf;
import dev.ebpf4j.btf.BtfKind;
import dev.ebpf4j.internal.sys.Bpf;
import dev.ebpf4j.internal.sys.BpfAttr;
import dev.ebpf4j.internal.sys.BpfCommand;
import dev.ebpf4j.internal.sys.CallScratch;
import dev.ebpf4j.internal.sys.Capabilities;
import dev.ebpf4j.internal.sys.Fd;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A BPF iterator: a {@code tracing} program with expected attach type {@code trace_iter}, loaded for iterator target
 * {@code bpf_iter_<target>} ({@code task}, {@code bpf_map}, {@code bpf_map_elem}, {@code tcp}, ...; see
 * {@link #programSpec(String)}), attached with {@code BPF_LINK_CREATE}. Every {@link #open()} starts a new
 * iteration whose output (what the program wrote with {@code bpf_seq_write} / {@code bpf_seq_printf}) is read as a
 * stream. A pinned iterator can also be read with {@code cat} on its pin.
 *
 * <pre>{@code
 * ProgramSpec spec = IterLink.programSpec("task").name("tasks").instructions(insns).build();
 * try (Program p = Program.load(spec); IterLink it = IterLink.attach(p)) {
 *     String text = it.readString();   // one iteration over every task
 * }
 * }</pre>
 */
public final class IterLink extends BpfLink {
    private static final String KIND = "IterLink";
    /** sizeof(union bpf_iter_link_info). */
    private static final int ITER_INFO_SIZE = 16;

    private final String target;

    private IterLink(LinkFd link, String target) {
        super(link);
        this.target = target;
    }

    /** The BTF id of {@code bpf_iter_<target>} in the running kernel; unknown targets raise NotSupportedException. */
    public static int targetBtfId(String target) {
        ProgramChecks.requireName(target, "iterator target", KIND);
        return Btf.vmlinux().findId("bpf_iter_" + target, BtfKind.FUNC).orElseThrow(() ->
                new NotSupportedException("BPF iterator '" + target + "'", "", "the kernel's BTF has no function "
                        + "bpf_iter_" + target + ", so the kernel has no such iterator target"));
    }

    /**
     * A spec builder for an iterator program over {@code target} ("task", "bpf_map", ...): program type tracing,
     * expected attach type trace_iter, the target's BTF id, section "iter/&lt;target&gt;". Add a name and
     * instructions, then build.
     */
    public static ProgramSpec.Builder programSpec(String target) {
        int id = targetBtfId(target);
        return ProgramSpec.builder(ProgramType.TRACING).expectedAttachType(AttachType.TRACE_ITER).attachBtfId(id)
                .attachTo(target).sectionName("iter/" + target);
    }

    /** Attaches an iterator program that needs no parameters (task, bpf_map, bpf_prog, tcp, ...). */
    public static IterLink attach(Program program) {
        return create(program, null, "");
    }

    /** Attaches a map-element iterator program (bpf_map_elem, bpf_sk_storage_map, sockmap) to {@code map}. */
    public static IterLink attach(Program program, BpfMap map) {
        if (map == null) throw new BpfArgumentException(KIND + ": map must not be null");
        int mapFd = map.fd();
        return create(program, info -> info.set(JAVA_INT, 0, mapFd), " of " + map);
    }

    /** Attaches a task iterator program (task, task_file, task_vma) limited to process {@code pid} (Linux 6.1+). */
    public static IterLink attachToProcess(Program program, int pid) {
        if (pid <= 0) throw new BpfArgumentException(KIND + ": process id " + pid + " is not a process");
        return create(program, info -> info.set(JAVA_INT, 4, pid), " of pid " + pid);
    }

    private static IterLink create(Program program, java.util.function.Consumer<MemorySegment> fill, String param) {
        ProgramChecks.requireType(program, KIND, ProgramType.TRACING);
        ProgramChecks.requireAttachType(program, KIND, AttachType.TRACE_ITER);
        long r;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = fill == null ? MemorySegment.NULL : arena.allocate(ITER_INFO_SIZE, 8);
            if (fill != null) fill.accept(info);
            r = LinkFd.create(program.fd(), 0, AttachType.TRACE_ITER, 0, a -> {
                if (fill != null) {
                    a.set(JAVA_LONG, BpfAttr.LINK_ITER_INFO, info.address());
                    a.set(JAVA_INT, BpfAttr.LINK_ITER_INFO_LEN, ITER_INFO_SIZE);
                }
            });
        }
        String what = "iterator" + param + " → " + program.describe();
        if (r < 0) {
            int errno = (int) -r;
            if ((errno == Errno.EINVAL.number() || errno == Errno.EBADF.number()) && fill == null) {
                throw new BpfException("attaching " + what + ": bpf(BPF_LINK_CREATE) failed: " + Errno.describe(errno)
                        + " (map-element iterators need a map: IterLink.attach(program, map); kernels before 5.8 "
                        + "have no iterators)", errno);
            }
            throw Bpf.error(BpfCommand.LINK_CREATE, errno, "attaching " + what, Capabilities.CAP_PERFMON);
        }
        Fd fd = Fd.adopt((int) r, what);
        try {
            Object t = LinkInfoReader.read(fd.get(), what).details().get("target_name");
            String target = t instanceof String s && !s.isEmpty() ? s : "?";
            String full = "iterator " + target + param + " → " + program.describe();
            return new IterLink(new LinkFd(fd, full), target);
        } catch (RuntimeException e) {
            fd.close();
            throw e;
        }
    }

    /** The iterator target the kernel reports, e.g. "task". */
    public String target() {
        return target;
    }

    /** Starts a new iteration ({@code BPF_ITER_CREATE}) and returns its output as a stream; close it when done. */
    public InputStream open() {
        MemorySegment a = CallScratch.get().attr(BpfAttr.ITER_SIZE);
        a.set(JAVA_INT, BpfAttr.ITER_LINK_FD, link.get());
        Fd fd = Bpf.fd(BpfCommand.ITER_CREATE, a, BpfAttr.ITER_SIZE, "starting " + link.describe());
        return new IterStream(fd, link.describe());
    }

    /** Runs one whole iteration and returns everything the program wrote. */
    public byte[] readAllBytes() {
        try (InputStream in = open()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs one whole iteration and returns its output as UTF-8 text. */
    public String readString() {
        return new String(readAllBytes(), StandardCharsets.UTF_8);
    }
}
