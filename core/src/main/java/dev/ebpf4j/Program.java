package dev.ebpf4j;

import dev.ebpf4j.asm.Instruction;
import dev.ebpf4j.internal.ProgramLoader;
import dev.ebpf4j.internal.sys.Bpf;
import dev.ebpf4j.internal.sys.BpfAttr;
import dev.ebpf4j.internal.sys.BpfCommand;
import dev.ebpf4j.internal.sys.CallScratch;
import dev.ebpf4j.internal.sys.Capabilities;
import dev.ebpf4j.internal.sys.Fd;
import dev.ebpf4j.internal.sys.ObjectIds;
import dev.ebpf4j.internal.sys.ObjectInfo;
import dev.ebpf4j.internal.sys.ObjectPins;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

/**
 * A live BPF program: loaded into the kernel and verified; owns its file descriptor. Attach it with a link type
 * from {@code dev.ebpf4j.link}, run it on test input with {@link #testRun}, pin it, inspect it.
 *
 * <pre>{@code
 * ProgramSpec spec = ProgramSpec.builder(ProgramType.SOCKET_FILTER).name("accept")
 *         .instructions(new Asm().mov64(R0, -1).exit().build()).build();
 * try (Program p = Program.load(spec)) {
 *     TestRunResult r = p.testRun(TestRun.withData(new byte[64]));
 * } catch (VerifierException e) {
 *     System.err.println(e.getMessage());   // reason, failing instruction, log tail
 * }
 * }</pre>
 */
public final class Program implements AutoCloseable {
    private final Fd fd;
    private final String name;
    private final int typeNumber;
    private final AttachType expectedAttachType;
    private final String what;
    private final String verifierLog;
    private volatile int id;

    private Program(Fd fd, String name, int typeNumber, AttachType expectedAttachType, String what, String log,
                    int id) {
        this.fd = fd;
        this.name = name;
        this.typeNumber = typeNumber;
        this.expectedAttachType = expectedAttachType;
        this.what = what;
        this.verifierLog = log;
        this.id = id;
        fd.describeAs(what);
    }

    /** Loads and verifies {@code spec}; raises {@link VerifierException} with the full log when rejected. */
    public static Program load(ProgramSpec spec) {
        return load(spec, LoadOptions.DEFAULT);
    }

    /** Loads {@code spec} with options (e.g. keep the verifier log of a successful load). */
    public static Program load(ProgramSpec spec, LoadOptions options) {
        ProgramLoader.Result r = ProgramLoader.load(spec, options.logLevel(), 0);
        return new Program(r.fd(), spec.name(), spec.type().number(), spec.expectedAttachType(), spec.describe(),
                r.log(), 0);
    }

    /** Wraps a program fd loaded elsewhere in ebpf4j (the object loader), taking ownership. */
    static Program adopt(Fd fd, ProgramSpec spec, String log) {
        return new Program(fd, spec.name(), spec.type().number(), spec.expectedAttachType(), spec.describe(), log, 0);
    }

    /**
     * Opens the program pinned at {@code path}; a map or link pinned there raises {@link BpfArgumentException}
     * ("incorrect object type: /sys/fs/bpf/x holds a map, not a program").
     */
    public static Program fromPinned(Path path) {
        return adopt(ObjectPins.open(path, 0, ObjectIds.Kind.PROG));
    }

    /** Opens the program with kernel id {@code id}. */
    public static Program fromId(int id) {
        return adopt(ObjectIds.open(ObjectIds.Kind.PROG, id));
    }

    private static Program adopt(Fd fd) {
        try {
            ProgramInfo info = ProgramInfo.of(fd.get(), fd.owner());
            return new Program(fd, info.name(), info.typeNumber(), null,
                    "program '" + info.name() + "' (" + info.typeName() + ")", "", info.id());
        } catch (RuntimeException e) {
            fd.close();
            throw e;
        }
    }

    /** Ids of every program in the system. */
    public static List<Integer> ids() {
        return ObjectIds.all(ObjectIds.Kind.PROG);
    }

    /** Options for {@link #load(ProgramSpec, LoadOptions)}. */
    public record LoadOptions(int logLevel) {
        public static final LoadOptions DEFAULT = new LoadOptions(0);
        /** Keep the verifier's statistics (log level 4) of a successful load. */
        public static final LoadOptions STATS = new LoadOptions(4);
        /** Keep the verifier's state log at branch points (log level 1) of a successful load. */
        public static final LoadOptions BRANCHES = new LoadOptions(1);
        /** Keep the verifier's instruction-by-instruction trace (log level 2) of a successful load. */
        public static final LoadOptions VERBOSE = new LoadOptions(2);
    }

    // ---- properties --------------------------------------------------------------------------------------------

    public String name() { return name; }

    public ProgramType type() {
        return ProgramType.fromNumber(typeNumber).orElse(ProgramType.UNSPEC);
    }

    /** The attach type declared at load, or null (programs opened by id or pin do not know it). */
    public AttachType expectedAttachType() {
        return expectedAttachType;
    }

    /** The verifier log of the load when one was requested with {@link LoadOptions}, else "". */
    public String verifierLog() {
        return verifierLog;
    }

    /** The file descriptor number (owned by this object). */
    public int fd() {
        return fd.get();
    }

    /** "program 'name' (type)" for messages. */
    public String describe() {
        return what;
    }

    /** The kernel's id of this program. */
    public int id() {
        int i = id;
        if (i == 0) {
            i = info().id();
            id = i;
        }
        return i;
    }

    /** What the kernel reports about this program now. */
    public ProgramInfo info() {
        return ProgramInfo.of(fd.get(), what);
    }

    /** The instructions as the kernel rewrote them after verification ("xlated"), empty without CAP_SYS_ADMIN. */
    public List<Instruction> xlatedInstructions() {
        byte[] raw = infoArray(20, 32, 1);
        return raw.length == 0 ? List.of() : dev.ebpf4j.asm.InstructionDecoder.decode(MemorySegment.ofArray(raw),
                ByteOrder.nativeOrder(), what + " xlated");
    }

    /** The JIT-compiled machine code, empty when not JIT-compiled or not permitted. */
    public byte[] jitedImage() {
        return infoArray(16, 24, 1);
    }

    /** Ids of the maps the program uses. */
    public List<Integer> mapIds() {
        byte[] raw = infoArray(52, 56, 4);
        List<Integer> ids = new ArrayList<>();
        MemorySegment s = MemorySegment.ofArray(raw);
        for (int i = 0; i + 4 <= raw.length; i += 4) ids.add(s.get(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED, i));
        return ids;
    }

    /** Kernel addresses of the JIT-compiled functions, main program first; empty when not JIT-compiled or hidden. */
    long[] jitedFunctionAddresses() {
        return MemorySegment.ofArray(infoArray(104, 112, 8)).toArray(JAVA_LONG_UNALIGNED);
    }

    /**
     * Reads an array of prog info records whose size the kernel chooses ({@code func_info}, {@code line_info}): the
     * count at {@code countOff}, record size at {@code recSizeOff}, pointer at {@code ptrOff}. Returns the record size
     * and the records.
     */
    InfoRecords infoRecords(int countOff, int recSizeOff, int ptrOff) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(ObjectInfo.PROG_INFO_SIZE, 8);
            ObjectInfo.get(fd.get(), info, what);
            int count = info.get(JAVA_INT, countOff);
            int recSize = info.get(JAVA_INT, recSizeOff);
            if (count == 0 || recSize == 0) return new InfoRecords(recSize, new byte[0]);
            long bytes = (long) count * recSize;
            MemorySegment buf = arena.allocate(bytes, 8);
            info.fill((byte) 0);
            info.set(JAVA_INT, countOff, count);
            info.set(JAVA_INT, recSizeOff, recSize);
            info.set(JAVA_LONG, ptrOff, buf.address());
            ObjectInfo.get(fd.get(), info, what);
            int got = info.get(JAVA_INT, countOff);
            return new InfoRecords(recSize, buf.asSlice(0, Math.min(bytes, (long) got * recSize)).toArray(JAVA_BYTE));
        }
    }

    /** Records read by {@link #infoRecords}: {@code data} holds whole records of {@code recordSize} bytes. */
    record InfoRecords(int recordSize, byte[] data) {
        int count() {
            return recordSize == 0 ? 0 : data.length / recordSize;
        }

        /** The {@code field}-th u32 of record {@code index}, in host byte order. */
        int u32(int index, int field) {
            return MemorySegment.ofArray(data).get(JAVA_INT_UNALIGNED, (long) index * recordSize + 4L * field);
        }
    }

    /** Reads a variable-length array of prog info: length field at {@code lenOff} (count × {@code unit} bytes). */
    private byte[] infoArray(int lenOff, int ptrOff, int unit) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(ObjectInfo.PROG_INFO_SIZE, 8);
            ObjectInfo.get(fd.get(), info, what);
            int count = info.get(JAVA_INT, lenOff);
            if (count == 0) return new byte[0];
            long bytes = (long) count * unit;
            MemorySegment buf = arena.allocate(bytes, 8);
            info.fill((byte) 0);
            info.set(JAVA_INT, lenOff, count);
            info.set(JAVA_LONG, ptrOff, buf.address());
            ObjectInfo.get(fd.get(), info, what);
            int got = info.get(JAVA_INT, lenOff);
            return buf.asSlice(0, Math.min(bytes, (long) got * unit)).toArray(JAVA_BYTE);
        }
    }

    // ---- running -------------------------------------------------------------------------------------------------

    /** Runs the program on test input with {@code BPF_PROG_TEST_RUN}. */
    public TestRunResult testRun(TestRun run) {
        if (run.repeat() < 0) throw new BpfArgumentException(what + ": repeat must not be negative");
        if (type() == ProgramType.SYSCALL) {
            // The kernel runs syscall programs exactly once and rejects repeat, data and context output.
            if (run.repeat() > 1 || run.dataIn() != null || run.ctxOutSize() > 0) {
                throw new BpfArgumentException(what + ": syscall programs run once, on a context only (no repeat, "
                        + "data or context output)");
            }
            run = run.repeat(0);
        }
        try (Arena arena = Arena.ofConfined()) {
            byte[] in = run.dataIn();
            int outSize = in == null ? 0 : (run.dataOutSize() > 0 ? run.dataOutSize() : in.length + 256);
            byte[] ctx = run.ctxIn();
            int ctxOutSize = Math.max(0, run.ctxOutSize());
            MemorySegment dataIn = bytes(arena, in);
            MemorySegment dataOut = outSize == 0 ? MemorySegment.NULL : arena.allocate(outSize, 8);
            MemorySegment ctxIn = bytes(arena, ctx);
            MemorySegment ctxOut = ctxOutSize == 0 ? MemorySegment.NULL : arena.allocate(ctxOutSize, 8);
            MemorySegment a = CallScratch.get().attr(BpfAttr.TEST_SIZE);
            a.set(JAVA_INT, BpfAttr.TEST_PROG_FD, fd.get());
            a.set(JAVA_INT, BpfAttr.TEST_DATA_SIZE_IN, in == null ? 0 : in.length);
            a.set(JAVA_INT, BpfAttr.TEST_DATA_SIZE_OUT, outSize);
            a.set(JAVA_LONG, BpfAttr.TEST_DATA_IN, dataIn.address());
            a.set(JAVA_LONG, BpfAttr.TEST_DATA_OUT, dataOut.address());
            a.set(JAVA_INT, BpfAttr.TEST_REPEAT, run.repeat());
            a.set(JAVA_INT, BpfAttr.TEST_CTX_SIZE_IN, ctx == null ? 0 : ctx.length);
            a.set(JAVA_INT, BpfAttr.TEST_CTX_SIZE_OUT, ctxOutSize);
            a.set(JAVA_LONG, BpfAttr.TEST_CTX_IN, ctxIn.address());
            a.set(JAVA_LONG, BpfAttr.TEST_CTX_OUT, ctxOut.address());
            a.set(JAVA_INT, BpfAttr.TEST_FLAGS, run.flags());
            a.set(JAVA_INT, BpfAttr.TEST_CPU, run.cpu());
            a.set(JAVA_INT, BpfAttr.TEST_BATCH_SIZE, run.batchSize());
            long r = Bpf.call(BpfCommand.PROG_TEST_RUN, a, BpfAttr.TEST_SIZE);
            if (r < 0) throw testRunError((int) -r);
            int retval = a.get(JAVA_INT, BpfAttr.TEST_RETVAL);
            long duration = Integer.toUnsignedLong(a.get(JAVA_INT, BpfAttr.TEST_DURATION));
            int gotOut = Math.min(outSize, a.get(JAVA_INT, BpfAttr.TEST_DATA_SIZE_OUT));
            int gotCtx = Math.min(ctxOutSize, a.get(JAVA_INT, BpfAttr.TEST_CTX_SIZE_OUT));
            byte[] out = gotOut <= 0 ? new byte[0] : dataOut.asSlice(0, gotOut).toArray(JAVA_BYTE);
            byte[] ctxBack = gotCtx <= 0 ? new byte[0] : ctxOut.asSlice(0, gotCtx).toArray(JAVA_BYTE);
            return new TestRunResult(Integer.toUnsignedLong(retval), duration, out, ctxBack);
        }
    }

    private BpfException testRunError(int errno) {
        ProgramType t = type();
        if (errno == Errno.ENOTSUPP.number() || errno == Errno.EOPNOTSUPP.number()) {
            return new NotSupportedException("BPF_PROG_TEST_RUN for " + t.bpftoolName() + " programs", "",
                    "the kernel cannot test-run this program type", errno).withContext(what);
        }
        String hint = switch (Errno.of(errno)) {
            case EINVAL -> t.takesPacketData()
                    ? " (packet programs need data at least 14 bytes long — an Ethernet header — and no context "
                    + "fields the program type forbids)"
                    : " (this program type takes a context, not packet data, or no test input at all)";
            case ENOSPC -> " (the output did not fit: raise dataOutSize)";
            default -> "";
        };
        BpfException e = Bpf.error(BpfCommand.PROG_TEST_RUN, errno, "test-running " + what, Capabilities.CAP_BPF);
        return hint.isEmpty() ? e : new BpfException(e.getMessage() + hint, errno);
    }

    private static MemorySegment bytes(Arena arena, byte[] b) {
        if (b == null || b.length == 0) return MemorySegment.NULL;
        MemorySegment s = arena.allocate(b.length, 8);
        MemorySegment.copy(b, 0, s, JAVA_BYTE, 0, b.length);
        return s;
    }

    // ---- lifecycle -----------------------------------------------------------------------------------------------

    /** Pins the program at {@code path} on bpffs. */
    public void pin(Path path) {
        ObjectPins.pin(fd.get(), path, what);
    }

    /** Binds {@code map} to this program so the map lives as long as the program (BPF_PROG_BIND_MAP). */
    public void bindMap(BpfMap map) {
        MemorySegment a = CallScratch.get().attr(BpfAttr.BIND_SIZE);
        a.set(JAVA_INT, BpfAttr.BIND_PROG_FD, fd.get());
        a.set(JAVA_INT, BpfAttr.BIND_MAP_FD, map.fd());
        Bpf.check(BpfCommand.PROG_BIND_MAP, a, BpfAttr.BIND_SIZE, "binding " + map + " to " + what);
    }

    @Override
    public void close() {
        fd.close();
    }

    public boolean isClosed() {
        return fd.isClosed();
    }

    @Override
    public String toString() {
        return what + (fd.isClosed() ? " [closed]" : " fd " + fd.get());
    }
}
