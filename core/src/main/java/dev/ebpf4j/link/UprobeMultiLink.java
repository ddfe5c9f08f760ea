package dev.ebpf4j.link;

import dev.ebpf4j.AttachType;
import dev.ebpf4j.BpfArgumentException;
import dev.ebpf4j.BpfException;
import dev.ebpf4j.Errno;
import dev.ebpf4j.NotSupportedException;
import dev.ebpf4j.Program;
import dev.ebpf4j.ProgramType;
import dev.ebpf4j.elf.ElfFile;
import dev.ebpf4j.elf.ElfSymbols;
import dev.ebpf4j.elf.SymbolLocation;
import dev.ebpf4j.internal.Glob;
import dev.ebpf4j.internal.sys.Bpf;
import dev.ebpf4j.internal.sys.BpfAttr;
import dev.ebpf4j.internal.sys.BpfCommand;
import dev.ebpf4j.internal.sys.Capabilities;
import dev.ebpf4j.internal.sys.Fd;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A {@code kprobe}-type program attached to many places of one user-space binary with a single kernel link
 * ({@code BPF_LINK_CREATE} with {@code BPF_TRACE_UPROBE_MULTI}, Linux 6.6+): the {@code uprobe.multi},
 * {@code uretprobe.multi} and {@code uprobe.session} sections (and their sleepable {@code .s} variants).
 *
 * <p>The places are the functions whose names match a glob pattern ({@code *}, {@code ?}; searched in
 * {@code .symtab}, else {@code .dynsym}, as libbpf does), a list of symbols, or raw file offsets. Each place may carry
 * its own BPF cookie ({@code bpf_get_attach_cookie}) and USDT semaphore offset. A program loaded with expected attach
 * type {@code trace_uprobe_multi} runs on entry, or on return with {@link Options#onReturn()}; one loaded with
 * {@code trace_uprobe_session} (Linux 6.13+) runs on entry and, unless the entry run returned non-zero, on return
 * too ({@code bpf_session_is_return()} tells which).
 *
 * <pre>{@code
 * Path bin = Path.of("/usr/bin/myapp");
 * try (Program p = Program.load(ProgramSpec.builder(ProgramType.KPROBE)
 *              .expectedAttachType(AttachType.TRACE_UPROBE_MULTI).name("calls").instructions(insns).build());
 *      UprobeMultiLink l = UprobeMultiLink.attach(p, UprobeMultiLink.Options.pattern(bin, "handle_*").pid(pid))) {
 *     System.out.println(l.describe());     // uprobe.multi /usr/bin/myapp:handle_* (3 places) pid 42 → program ...
 *     System.out.println(l.symbols());      // [handle_get, handle_put, handle_list]
 * }
 * }</pre>
 */
public final class UprobeMultiLink extends BpfLink {
    private static final String KIND = "UprobeMultiLink";
    /** BPF_F_UPROBE_MULTI_RETURN. */
    private static final int RETURN_FLAG = 1;

    /**
     * Where to place the probes and how. Build with {@link #pattern}, {@link #symbols} or {@link #offsets}, then
     * refine: {@code Options.symbols(bin, List.of("a", "b")).cookies(1, 2).pid(42)}.
     *
     * @param binary        the ELF executable or shared library
     * @param pattern       a glob over function names, or null
     * @param symbols       function names (with optional {@code @VERSION}), or empty
     * @param offsets       file offsets, or empty (used when neither pattern nor symbols is given)
     * @param cookies       one BPF cookie per place (in the order of symbols or offsets), or empty
     * @param refCtrOffsets one USDT semaphore file offset per place, or empty
     * @param returnProbe   run on function return (uretprobe.multi) instead of entry
     * @param pid           only this process (-1 = every process mapping the binary)
     */
    public record Options(Path binary, String pattern, List<String> symbols, List<Long> offsets, List<Long> cookies,
                          List<Long> refCtrOffsets, boolean returnProbe, int pid) {
        public Options {
            symbols = List.copyOf(symbols);
            offsets = List.copyOf(offsets);
            cookies = List.copyOf(cookies);
            refCtrOffsets = List.copyOf(refCtrOffsets);
        }

        /** Every function of {@code binary} whose name matches the glob {@code pattern}. */
        public static Options pattern(Path binary, String pattern) {
            return new Options(binary, pattern, List.of(), List.of(), List.of(), List.of(), false, -1);
        }

        /** The functions {@code symbols} of {@code binary}, in this order (the order cookies follow). */
        public static Options symbols(Path binary, List<String> symbols) {
            return new Options(binary, null, symbols, List.of(), List.of(), List.of(), false, -1);
        }

        /** The file offsets {@code offsets} of {@code binary}. */
        public static Options offsets(Path binary, List<Long> offsets) {
            return new Options(binary, null, List.of(), offsets, List.of(), List.of(), false, -1);
        }

        /** One cookie per place, in the order of the symbols or offsets (not with a pattern). */
        public Options cookies(long... values) {
            List<Long> c = new ArrayList<>();
            for (long v : values) c.add(v);
            return new Options(binary, pattern, symbols, offsets, c, refCtrOffsets, returnProbe, pid);
        }

        /** One USDT semaphore file offset per place (0 = none), in the order of the symbols or offsets. */
        public Options refCtrOffsets(long... values) {
            List<Long> r = new ArrayList<>();
            for (long v : values) r.add(v);
            return new Options(binary, pattern, symbols, offsets, cookies, r, returnProbe, pid);
        }

        /** Run on the functions' return (uretprobe.multi). */
        public Options onReturn() {
            return new Options(binary, pattern, symbols, offsets, cookies, refCtrOffsets, true, pid);
        }

        /** Only process {@code v} (-1 = all). */
        public Options pid(int v) {
            return new Options(binary, pattern, symbols, offsets, cookies, refCtrOffsets, returnProbe, v);
        }
    }

    private final Path binary;
    private final List<String> symbols;
    private final List<Long> offsets;
    private final int pid;
    private final boolean session;
    private final boolean returnProbe;

    private UprobeMultiLink(LinkFd link, Path binary, List<String> symbols, List<Long> offsets, int pid,
                            boolean session, boolean returnProbe) {
        super(link);
        this.binary = binary;
        this.symbols = symbols;
        this.offsets = offsets;
        this.pid = pid;
        this.session = session;
        this.returnProbe = returnProbe;
    }

    /** Attaches {@code program} to every function of {@code binary} matching the glob {@code pattern}. */
    public static UprobeMultiLink attach(Program program, Path binary, String pattern) {
        return attach(program, Options.pattern(binary, pattern));
    }

    /** Attaches {@code program} as {@code options} describe. */
    public static UprobeMultiLink attach(Program program, Options o) {
        boolean session = validate(program, o);
        Path binary = o.binary().toAbsolutePath().normalize();
        List<String> names = new ArrayList<>();
        List<Long> places = resolve(binary, o, names);
        String mode = session ? "uprobe.session " : o.returnProbe() ? "uretprobe.multi " : "uprobe.multi ";
        String where = o.pattern() != null ? o.pattern() : !o.symbols().isEmpty()
                ? (names.size() <= 3 ? String.join(",", names) : names.getFirst() + ",…") : "0x"
                + Long.toHexString(places.getFirst()) + (places.size() > 1 ? ",…" : "");
        String what = mode + binary + ":" + where + " (" + places.size() + (places.size() == 1 ? " place" : " places")
                + ")" + (o.pid() > 0 ? " pid " + o.pid() : "") + " → " + program.describe();
        AttachType at = session ? AttachType.TRACE_UPROBE_SESSION : AttachType.TRACE_UPROBE_MULTI;
        long r;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment path = arena.allocateFrom(binary.toString());
            MemorySegment offs = longs(arena, places);
            MemorySegment cookies = o.cookies().isEmpty() ? MemorySegment.NULL : longs(arena, o.cookies());
            MemorySegment refs = o.refCtrOffsets().isEmpty() ? MemorySegment.NULL : longs(arena, o.refCtrOffsets());
            r = LinkFd.create(program.fd(), 0, at, 0, a -> {
                a.set(JAVA_LONG, BpfAttr.LINK_UPROBE_MULTI_PATH, path.address());
                a.set(JAVA_LONG, BpfAttr.LINK_UPROBE_MULTI_OFFSETS, offs.address());
                a.set(JAVA_LONG, BpfAttr.LINK_UPROBE_MULTI_REF_CTR_OFFSETS, refs.address());
                a.set(JAVA_LONG, BpfAttr.LINK_UPROBE_MULTI_COOKIES, cookies.address());
                a.set(JAVA_INT, BpfAttr.LINK_UPROBE_MULTI_CNT, places.size());
                a.set(JAVA_INT, BpfAttr.LINK_UPROBE_MULTI_FLAGS, o.returnProbe() ? RETURN_FLAG : 0);
                a.set(JAVA_INT, BpfAttr.LINK_UPROBE_MULTI_PID, Math.max(0, o.pid()));
            });
        }
        if (r < 0) throw attachError((int) -r, what, session, o.pid());
        return new UprobeMultiLink(new LinkFd(Fd.adopt((int) r, what), what + " via bpf_link"), binary,
                List.copyOf(names), List.copyOf(places), o.pid(), session, o.returnProbe());
    }

    /** Checks the arguments; returns whether the program is a session program. */
    private static boolean validate(Program program, Options o) {
        ProgramChecks.requireType(program, KIND, ProgramType.KPROBE);
        ProgramChecks.requireAttachType(program, KIND, AttachType.TRACE_UPROBE_MULTI, AttachType.TRACE_UPROBE_SESSION);
        boolean session = program.expectedAttachType() == AttachType.TRACE_UPROBE_SESSION;
        if (o == null) throw new BpfArgumentException(KIND + ": options must not be null");
        if (o.binary() == null) throw new BpfArgumentException(KIND + ": binary must not be null");
        if (!Files.isRegularFile(o.binary())) {
            throw new BpfArgumentException(KIND + ": uprobe target " + o.binary() + " does not exist or is not a "
                    + "regular file");
        }
        int given = (o.pattern() != null ? 1 : 0) + (o.symbols().isEmpty() ? 0 : 1) + (o.offsets().isEmpty() ? 0 : 1);
        if (given != 1) {
            throw new BpfArgumentException(KIND + ": give exactly one of a pattern, symbols or offsets (got " + given
                    + ")");
        }
        if (o.pattern() != null) {
            ProgramChecks.requireName(o.pattern(), "pattern", KIND);
            if (!o.cookies().isEmpty() || !o.refCtrOffsets().isEmpty()) {
                throw new BpfArgumentException(KIND + ": cookies and reference counter offsets go with symbols or "
                        + "offsets (one per place, in order), not with pattern '" + o.pattern() + "'");
            }
        }
        for (String s : o.symbols()) ProgramChecks.requireName(s, "symbol", KIND);
        for (long off : o.offsets()) {
            if (off < 0) throw new BpfArgumentException(KIND + ": file offset " + off + " is negative");
        }
        int places = o.pattern() != null ? -1 : Math.max(o.symbols().size(), o.offsets().size());
        if (!o.cookies().isEmpty() && o.cookies().size() != places) {
            throw new BpfArgumentException(KIND + ": " + o.cookies().size() + " cookies for " + places
                    + " places; give one per place or none");
        }
        if (!o.refCtrOffsets().isEmpty() && o.refCtrOffsets().size() != places) {
            throw new BpfArgumentException(KIND + ": " + o.refCtrOffsets().size() + " reference counter offsets for "
                    + places + " places; give one per place or none");
        }
        for (long off : o.refCtrOffsets()) {
            if (off < 0) throw new BpfArgumentException(KIND + ": reference counter offset " + off + " is negative");
        }
        if (o.pid() < -1 || o.pid() == 0) {
            throw new BpfArgumentException(KIND + ": pid " + o.pid() + " is neither a process id nor -1 (all)");
        }
        if (session && o.returnProbe()) {
            throw new BpfArgumentException(KIND + ": " + program.describe() + " is a uprobe.session program, which "
                    + "runs on entry and return by itself; onReturn() does not apply");
        }
        return session;
    }

    /** The file offsets of the places; fills {@code names} with the functions' names (empty for raw offsets). */
    private static List<Long> resolve(Path binary, Options o, List<String> names) {
        if (!o.offsets().isEmpty()) return o.offsets();
        ElfFile elf = ElfFile.read(binary);
        List<Long> out = new ArrayList<>();
        if (o.pattern() != null) {
            List<SymbolLocation> found = ElfSymbols.functionsMatching(elf, o.pattern());
            if (found.isEmpty()) {
                throw new BpfArgumentException(KIND + ": no function of " + binary + " matches '" + o.pattern() + "'"
                        + (Glob.isPattern(o.pattern()) ? "" : " (the pattern has no * or ?, so it names one function)"));
            }
            for (SymbolLocation s : found) {
                names.add(s.name());
                out.add(s.fileOffset());
            }
            return out;
        }
        for (String s : o.symbols()) {
            SymbolLocation loc = ElfSymbols.locate(elf, s);
            names.add(s);
            out.add(loc.fileOffset());
        }
        return out;
    }

    private static MemorySegment longs(Arena arena, List<Long> values) {
        MemorySegment s = arena.allocate(JAVA_LONG, values.size());
        for (int i = 0; i < values.size(); i++) s.setAtIndex(JAVA_LONG, i, values.get(i));
        return s;
    }

    private static BpfException attachError(int errno, String what, boolean session, int pid) {
        if (errno == Errno.EOPNOTSUPP.number() || errno == Errno.ENOTSUPP.number()) {
            return new NotSupportedException(session ? "uprobe.session" : "uprobe.multi", session ? "6.13" : "6.6",
                    "BPF_LINK_CREATE(" + (session ? "BPF_TRACE_UPROBE_SESSION" : "BPF_TRACE_UPROBE_MULTI")
                            + ") returned " + Errno.describe(errno) + ": the kernel was built without "
                            + "CONFIG_UPROBES; attach each place with UprobeLink instead", errno).withContext(what);
        }
        if (errno == Errno.ESRCH.number()) {
            return new BpfArgumentException(what + ": there is no process " + pid);
        }
        if (errno == Errno.EINVAL.number()) {
            return new BpfException(what + ": the kernel refused the probes (" + Errno.describe(errno) + "): each "
                    + "offset must lie inside the file on an instruction the kernel can single-step, and a uprobe "
                    + "already at an offset must use the same reference counter offset", errno);
        }
        return Bpf.error(BpfCommand.LINK_CREATE, errno, "attaching " + what, Capabilities.CAP_PERFMON);
    }

    /** The probed file (absolute). */
    public Path binary() {
        return binary;
    }

    /** The probed functions' names in place order (empty when attached to raw offsets). */
    public List<String> symbols() {
        return symbols;
    }

    /** The probed file offsets, in place order. */
    public List<Long> offsets() {
        return offsets;
    }

    /** The process filter (-1 = every process). */
    public int pid() {
        return pid;
    }

    /** True for a uprobe.session link (entry and return). */
    public boolean isSession() {
        return session;
    }

    /** True for a uretprobe.multi link. */
    public boolean isReturnProbe() {
        return returnProbe;
    }
}
