package dev.ebpf4j.cli.prog;

import dev.ebpf4j.BpfException;
import dev.ebpf4j.Errno;
import dev.ebpf4j.Program;
import dev.ebpf4j.ProgramInfo;
import dev.ebpf4j.asm.Instruction;
import dev.ebpf4j.cli.CliCommand;
import dev.ebpf4j.cli.Session;
import dev.ebpf4j.cli.UsageException;
import dev.ebpf4j.cli.Words;
import dev.ebpf4j.cli.output.Hex;
import dev.ebpf4j.cli.output.JsonWriter;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code prog dump xlated PROG [file FILE | opcodes]} and {@code prog dump jited PROG file FILE}: the instructions
 * the kernel runs, disassembled in the verifier's notation as bpftool prints them
 * ({@code    0: (b7) r0 = 2}), or written raw to FILE. Disassembling JIT-compiled machine code is not supported.
 *
 * <pre>{@code
 * ebpf4j prog dump xlated id 12 opcodes
 * ebpf4j prog dump jited pinned /sys/fs/bpf/p file /tmp/p.jited
 * }</pre>
 */
@Command(name = "dump", description = "Dump the instructions of a program.")
public final class ProgDumpCommand extends CliCommand {
    @Override
    protected int run(Session session, Words words) {
        boolean jited;
        if (words.take("xlated")) {
            jited = false;
        } else if (words.take("jited")) {
            jited = true;
        } else {
            throw new UsageException("expected 'xlated' or 'jited', got: " + (words.atEnd() ? "nothing" : words.peek()));
        }
        ProgRef ref = ProgRef.parse(words);
        String file = null;
        boolean opcodes = false;
        boolean linum = false;
        if (words.take("file")) {
            file = words.next("file path");
        } else if (words.take("opcodes")) {
            opcodes = true;
        } else if (words.take("linum")) {
            linum = true;
        } else if (words.is("visual")) {
            throw new UsageException("'visual' (a control flow graph) is not supported by ebpf4j yet; use plain, "
                    + "'opcodes' or 'linum'");
        }
        words.end();
        if (jited && file == null) {
            throw new UsageException("disassembling JIT-compiled machine code is not supported; save the image with "
                    + "'prog dump jited PROG file FILE' and disassemble it with objdump");
        }
        List<Program> progs = ref.openAll();
        try {
            if (file != null && progs.size() > 1) throw new UsageException("several programs matched");
            boolean several = progs.size() > 1;
            JsonWriter w = session.json() ? session.jsonWriter() : null;
            if (w != null && several) w.startArray();
            KernelSymbols symbols = null;
            for (int i = 0; i < progs.size(); i++) {
                Program prog = progs.get(i);
                ProgramInfo info = prog.info();
                if (file != null) {
                    writeRaw(prog, jited, Path.of(file));
                    session.done();
                    continue;
                }
                List<Instruction> insns = prog.xlatedInstructions();
                if (insns.isEmpty()) {
                    throw new BpfException("error retrieving insn dump of program id " + info.id()
                            + ": kernel.kptr_restrict set, or the process lacks CAP_SYS_ADMIN", Errno.EPERM.number());
                }
                if (symbols == null && hasCalls(insns)) symbols = KernelSymbols.load();
                XlatedFormatter fmt = new XlatedFormatter(symbols, ProgramDebugInfo.jitedFunctionAddresses(prog));
                ProgramDebugInfo dbg = ProgramDebugInfo.read(prog, info);
                if (w != null) {
                    if (several) {
                        w.startObject();
                        ProgPrinter.headerJson(w, info, ProgPrinter.displayName(prog, info));
                        w.name("insns");
                    }
                    dumpJson(w, insns, fmt, dbg, opcodes, linum);
                    if (several) w.endObject();
                } else {
                    if (several) session.out().print(ProgPrinter.header(info, ProgPrinter.displayName(prog, info)));
                    session.out().print(dumpPlain(insns, fmt, dbg, opcodes, linum));
                    if (several && i != progs.size() - 1) session.out().print('\n');
                }
            }
            if (w != null && several) w.endArray();
        } finally {
            progs.forEach(Program::close);
        }
        return 0;
    }

    private static boolean hasCalls(List<Instruction> insns) {
        for (Instruction i : insns) if (i.opcode() == 0x85) return true;
        return false;
    }

    static String dumpPlain(List<Instruction> insns, XlatedFormatter fmt, ProgramDebugInfo dbg, boolean opcodes,
                            boolean linum) {
        StringBuilder sb = new StringBuilder();
        int slot = 0;
        int function = 0;
        int lineSkip = 0;
        for (Instruction insn : insns) {
            if (dbg != null && function < dbg.functionCount() && dbg.functionStart(function) == slot) {
                String sig = dbg.functionSignature(function++);
                if (!sig.isEmpty()) sb.append(sig).append(":\n");
            }
            int line = dbg == null ? -1 : dbg.findLine(slot, lineSkip);
            if (line >= 0) {
                lineSkip++;
                String src = dbg.lineSource(line);
                if (src != null) {
                    sb.append("; ").append(src);
                    if (linum) {
                        String f = dbg.lineFile(line);
                        sb.append(" [file:").append(f == null ? "" : f).append(" line_num:")
                                .append(dbg.lineNumber(line)).append(" line_col:").append(dbg.lineColumn(line))
                                .append(']');
                    }
                    sb.append('\n');
                }
            }
            String index = " " + slot;
            sb.append(" ".repeat(Math.max(0, 4 - index.length()))).append(index).append(": ")
                    .append(fmt.format(insn)).append('\n');
            if (opcodes) {
                byte[] raw = encode(insn);
                sb.append("       ").append(Hex.bytes(raw, 0, 8, " "));
                if (insn.isWide()) sb.append(' ').append(Hex.bytes(raw, 8, 8, " "));
                sb.append('\n');
            }
            slot += insn.slots();
        }
        return sb.toString();
    }

    private static void dumpJson(JsonWriter w, List<Instruction> insns, XlatedFormatter fmt, ProgramDebugInfo dbg,
                                 boolean opcodes, boolean linum) {
        w.startArray();
        int slot = 0;
        int function = 0;
        int lineSkip = 0;
        for (Instruction insn : insns) {
            w.startObject();
            if (dbg != null && function < dbg.functionCount() && dbg.functionStart(function) == slot) {
                String sig = dbg.functionSignature(function++);
                if (!sig.isEmpty()) w.stringField("proto", sig);
            }
            int line = dbg == null ? -1 : dbg.findLine(slot, lineSkip);
            if (line >= 0) {
                lineSkip++;
                String src = dbg.lineSource(line);
                if (src != null) w.stringField("src", src);
                if (linum) {
                    String f = dbg.lineFile(line);
                    if (f != null) w.stringField("file", f);
                    if (dbg.lineNumber(line) != 0) w.intField("line_num", dbg.lineNumber(line));
                    if (dbg.lineColumn(line) != 0) w.intField("line_col", dbg.lineColumn(line));
                }
            }
            w.name("disasm").raw("\"" + fmt.format(insn) + "\"");
            if (opcodes) {
                byte[] raw = encode(insn);
                w.name("opcodes").startObject();
                w.name("code").raw("\"0x" + Hex.byteHex(raw[0]) + "\"");
                w.name("src_reg").raw("\"0x" + Integer.toHexString(insn.src()) + "\"");
                w.name("dst_reg").raw("\"0x" + Integer.toHexString(insn.dst()) + "\"");
                w.name("off").hexBytes(raw, 2, 2);
                w.name("imm").hexBytes(raw, 4, insn.isWide() ? 12 : 4);
                w.endObject();
            }
            w.endObject();
            slot += insn.slots();
        }
        w.endArray();
    }

    private static byte[] encode(Instruction insn) {
        byte[] raw = new byte[insn.slots() * 8];
        insn.encodeTo(MemorySegment.ofArray(raw), 0, ByteOrder.nativeOrder());
        return raw;
    }

    private static void writeRaw(Program prog, boolean jited, Path file) {
        byte[] bytes;
        if (jited) {
            bytes = prog.jitedImage();
            if (bytes.length == 0) throw new BpfException("no instructions returned: the program is not JIT-compiled "
                    + "or the process may not read its image", Errno.EPERM.number());
        } else {
            List<Instruction> insns = prog.xlatedInstructions();
            int slots = insns.stream().mapToInt(Instruction::slots).sum();
            bytes = new byte[slots * 8];
            MemorySegment out = MemorySegment.ofArray(bytes);
            long at = 0;
            for (Instruction i : insns) {
                i.encodeTo(out, at, ByteOrder.nativeOrder());
                at += i.slots() * 8L;
            }
        }
        try {
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(new IOException("can't write " + file + ": " + e.getMessage(), e));
        }
    }
}
