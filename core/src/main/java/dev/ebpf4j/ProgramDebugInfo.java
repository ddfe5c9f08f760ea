package dev.ebpf4j;

import dev.ebpf4j.btf.Btf;
import dev.ebpf4j.btf.BtfFunc;
import dev.ebpf4j.btf.BtfKind;
import dev.ebpf4j.btf.BtfSignatures;
import dev.ebpf4j.btf.KernelBtfObjects;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A loaded program's debug information as the kernel keeps it: its BTF, the function records (which instruction
 * starts which function, with the function's BTF type) and the line records (which source line an instruction came
 * from). Tools use it for full program names (the kernel keeps 15 bytes of a name), function prototypes and source
 * lines in listings ({@link XlatedListing}), as bpftool prints them.
 *
 * <pre>{@code
 * ProgramDebugInfo.of(prog).ifPresent(dbg -> {
 *     for (ProgramDebugInfo.Function f : dbg.functions()) System.out.println(f.instruction() + ": " + f.signature());
 *     for (ProgramDebugInfo.Line l : dbg.lines()) System.out.println(l.file() + ":" + l.line() + " " + l.source());
 * });
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

    /**
     * A function record.
     *
     * @param instruction the instruction slot where the function starts
     * @param typeId      its BTF type (a FUNC)
     * @param name        the function's name; "" when the type is no FUNC
     * @param signature   bpftool's prototype text ({@link BtfSignatures}); "" when it cannot be printed
     */
    public record Function(int instruction, int typeId, String name, String signature) {
    }

    /**
     * A line record.
     *
     * @param instruction the first instruction slot of the line
     * @param file        the source file name; null when the record's string offset is invalid
     * @param source      the source line, leading white space removed; null when the offset is invalid
     * @param line        the line number
     * @param column      the column
     */
    public record Line(int instruction, String file, String source, int line, int column) {
    }

    private final Btf btf;
    private final List<Function> functions;
    private final List<Line> lines;
    private final int[] lineStarts;

    private ProgramDebugInfo(Btf btf, List<Function> functions, List<Line> lines) {
        this.btf = btf;
        this.functions = functions;
        this.lines = lines;
        this.lineStarts = lines.stream().mapToInt(Line::instruction).toArray();
    }

    /**
     * The debug information of {@code program}; empty when it was loaded without BTF or the kernel will not hand
     * it out to this process.
     */
    public static Optional<ProgramDebugInfo> of(Program program) {
        return of(program, program.info());
    }

    /** As {@link #of(Program)}, with the program's info already read. */
    public static Optional<ProgramDebugInfo> of(Program program, ProgramInfo info) {
        if (info.btfId() == 0) return Optional.empty();
        try {
            Program.InfoRecords funcs = program.infoRecords(NR_FUNC_INFO, FUNC_INFO_REC_SIZE, FUNC_INFO);
            Program.InfoRecords lineRecs = program.infoRecords(NR_LINE_INFO, LINE_INFO_REC_SIZE, LINE_INFO);
            Btf btf = KernelBtfObjects.byId(info.btfId());
            List<Function> functions = new ArrayList<>();
            for (int i = 0; funcs.recordSize() >= 8 && i < funcs.count(); i++) {
                int typeId = funcs.u32(i, 1);
                functions.add(new Function(funcs.u32(i, 0), typeId, functionName(btf, typeId),
                        BtfSignatures.of(btf, typeId)));
            }
            List<Line> lines = new ArrayList<>();
            for (int i = 0; lineRecs.recordSize() >= 16 && i < lineRecs.count(); i++) {
                int lineCol = lineRecs.u32(i, 3);
                String source = string(btf, lineRecs.u32(i, 2));
                lines.add(new Line(lineRecs.u32(i, 0), string(btf, lineRecs.u32(i, 1)),
                        source == null ? null : stripLeadingSpace(source), lineCol >>> 10, lineCol & 0x3ff));
            }
            return Optional.of(new ProgramDebugInfo(btf, List.copyOf(functions), List.copyOf(lines)));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private static String functionName(Btf btf, int typeId) {
        if (typeId <= 0 || typeId >= btf.typeCount() || btf.kind(typeId) != BtfKind.FUNC) return "";
        return ((BtfFunc) btf.type(typeId)).name();
    }

    private static String string(Btf btf, int offset) {
        try {
            return btf.string(Integer.toUnsignedLong(offset));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String stripLeadingSpace(String s) {
        int i = 0;
        while (i < s.length() && " \t\n\r\f\u000b".indexOf(s.charAt(i)) >= 0) i++;
        return s.substring(i);
    }

    /** The program's BTF. */
    public Btf btf() {
        return btf;
    }

    /** The function records, in instruction order (the first is the program's own function). */
    public List<Function> functions() {
        return functions;
    }

    /** The line records, in instruction order. */
    public List<Line> lines() {
        return lines;
    }

    /** The full name of the program's own function (the first function record), if it has one. */
    public Optional<String> fullName() {
        return functions.isEmpty() || functions.getFirst().name().isEmpty() ? Optional.empty()
                : Optional.of(functions.getFirst().name());
    }

    /**
     * libbpf's line lookup, which bpftool's listings use: from line record {@code skip} on, the last one starting at
     * or before instruction {@code slot}; -1 when record {@code skip} starts after it (or there are no more).
     */
    int findLine(long slot, int skip) {
        int n = lineStarts.length;
        if (skip >= n || Integer.compareUnsigned((int) slot, lineStarts[skip]) < 0) return -1;
        int i = skip;
        while (i < n && Integer.compareUnsigned((int) slot, lineStarts[i]) >= 0) i++;
        return i - 1;
    }

    @Override
    public String toString() {
        return "ProgramDebugInfo[" + functions.size() + " functions, " + lines.size() + " lines, " + btf + "]";
    }
}
