package dev.ebpf4j.cli.prog;

import dev.ebpf4j.Program;
import dev.ebpf4j.ProgramInfo;
import dev.ebpf4j.cli.btf.BtfLoader;
import dev.ebpf4j.cli.btf.BtfTypes;
import dev.ebpf4j.internal.sys.ObjectInfo;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A loaded program's debug information as the kernel keeps it: its BTF, function records (which instruction starts
 * which function) and line records (which source line an instruction came from). Used for full program names,
 * function signatures and source lines in {@code prog show} and {@code prog dump xlated}, as bpftool prints them.
 *
 * <pre>{@code
 * ProgramDebugInfo dbg = ProgramDebugInfo.read(prog, prog.info());   // null without BTF
 * String fullName = dbg.functionName(0);
 * }</pre>
 */
public final class ProgramDebugInfo {
    // struct bpf_prog_info offsets (see /work/ref/info-offsets.txt)
    private static final int FUNC_INFO_REC_SIZE = 132;
    private static final int FUNC_INFO = 136;
    private static final int NR_FUNC_INFO = 144;
    private static final int NR_LINE_INFO = 148;
    private static final int LINE_INFO = 152;
    private static final int LINE_INFO_REC_SIZE = 172;
    private static final int NR_JITED_KSYMS = 104;
    private static final int JITED_KSYMS = 112;

    private final BtfTypes btf;
    /** Pairs of (insn_off, type_id). */
    private final int[] functions;
    /** Quads of (insn_off, file_name_off, line_off, line_col). */
    private final int[] lines;

    private ProgramDebugInfo(BtfTypes btf, int[] functions, int[] lines) {
        this.btf = btf;
        this.functions = functions;
        this.lines = lines;
    }

    /** Reads the debug info of {@code prog}, or returns null when it has no BTF or it cannot be read. */
    public static ProgramDebugInfo read(Program prog, ProgramInfo info) {
        if (info.btfId() == 0) return null;
        try (Arena arena = Arena.ofConfined()) {
            String what = prog.describe();
            MemorySegment s = arena.allocate(ObjectInfo.PROG_INFO_SIZE, 8);
            ObjectInfo.get(prog.fd(), s, what);
            int nFunc = s.get(JAVA_INT, NR_FUNC_INFO);
            int funcRec = s.get(JAVA_INT, FUNC_INFO_REC_SIZE);
            int nLine = s.get(JAVA_INT, NR_LINE_INFO);
            int lineRec = s.get(JAVA_INT, LINE_INFO_REC_SIZE);
            MemorySegment funcBuf = arena.allocate(Math.max(8, (long) nFunc * funcRec), 8);
            MemorySegment lineBuf = arena.allocate(Math.max(16, (long) nLine * lineRec), 8);
            s.fill((byte) 0);
            s.set(JAVA_INT, NR_FUNC_INFO, nFunc);
            s.set(JAVA_INT, FUNC_INFO_REC_SIZE, funcRec);
            s.set(JAVA_LONG, FUNC_INFO, nFunc == 0 ? 0 : funcBuf.address());
            s.set(JAVA_INT, NR_LINE_INFO, nLine);
            s.set(JAVA_INT, LINE_INFO_REC_SIZE, lineRec);
            s.set(JAVA_LONG, LINE_INFO, nLine == 0 ? 0 : lineBuf.address());
            ObjectInfo.get(prog.fd(), s, what);
            int[] functions = new int[nFunc * 2];
            for (int i = 0; i < nFunc && funcRec >= 8; i++) {
                functions[2 * i] = funcBuf.get(JAVA_INT, (long) i * funcRec);
                functions[2 * i + 1] = funcBuf.get(JAVA_INT, (long) i * funcRec + 4);
            }
            int[] lines = new int[nLine * 4];
            for (int i = 0; i < nLine && lineRec >= 16; i++) {
                for (int f = 0; f < 4; f++) lines[4 * i + f] = lineBuf.get(JAVA_INT, (long) i * lineRec + 4L * f);
            }
            return new ProgramDebugInfo(BtfLoader.byId(info.btfId()), functions, lines);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Kernel addresses of the JIT-compiled functions of {@code prog} (main program first); empty when not JITed. */
    public static long[] jitedFunctionAddresses(Program prog) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(ObjectInfo.PROG_INFO_SIZE, 8);
            ObjectInfo.get(prog.fd(), s, prog.describe());
            int n = s.get(JAVA_INT, NR_JITED_KSYMS);
            if (n == 0) return new long[0];
            MemorySegment buf = arena.allocate(8L * n, 8);
            s.fill((byte) 0);
            s.set(JAVA_INT, NR_JITED_KSYMS, n);
            s.set(JAVA_LONG, JITED_KSYMS, buf.address());
            ObjectInfo.get(prog.fd(), s, prog.describe());
            int got = Math.min(n, s.get(JAVA_INT, NR_JITED_KSYMS));
            return buf.asSlice(0, 8L * got).toArray(JAVA_LONG);
        } catch (RuntimeException e) {
            return new long[0];
        }
    }

    /** Number of function records. */
    public int functionCount() {
        return functions.length / 2;
    }

    /** The name of function record {@code index} (the first is the program's own function), or null. */
    public String functionName(int index) {
        if (index >= functionCount()) return null;
        int typeId = functions[2 * index + 1];
        return btf.kind(typeId) == BtfTypes.FUNC ? btf.nameOf(typeId) : null;
    }

    /** Instruction offset where function record {@code index} starts. */
    public int functionStart(int index) {
        return functions[2 * index];
    }

    /** bpftool's signature of function record {@code index}, or "". */
    public String functionSignature(int index) {
        return btf.signature(functions[2 * index + 1]);
    }

    /** Number of line records. */
    public int lineCount() {
        return lines.length / 4;
    }

    /**
     * libbpf's line lookup: from record {@code skip} on, the last record starting at or before instruction
     * {@code insn}; -1 when record {@code skip} starts after it (or there are no more).
     */
    public int findLine(int insn, int skip) {
        int n = lineCount();
        if (skip >= n || Integer.compareUnsigned(insn, lines[4 * skip]) < 0) return -1;
        int i = skip;
        while (i < n && Integer.compareUnsigned(insn, lines[4 * i]) >= 0) i++;
        return i - 1;
    }

    /** The source text of line record {@code index}, leading white space removed; null when absent. */
    public String lineSource(int index) {
        String s = btf.string(lines[4 * index + 2]);
        if (s == null) return null;
        int i = 0;
        while (i < s.length() && isCSpace(s.charAt(i))) i++;
        return s.substring(i);
    }

    /** The file name of line record {@code index}, or null. */
    public String lineFile(int index) {
        return btf.string(lines[4 * index + 1]);
    }

    public int lineNumber(int index) {
        return lines[4 * index + 3] >>> 10;
    }

    public int lineColumn(int index) {
        return lines[4 * index + 3] & 0x3ff;
    }

    private static boolean isCSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0x0b;
    }
}
