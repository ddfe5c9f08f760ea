package dev.ebpf4j.cli.prog;

import dev.ebpf4j.BpfException;
import dev.ebpf4j.Errno;
import dev.ebpf4j.Program;
import dev.ebpf4j.ProgramDebugInfo;
import dev.ebpf4j.ProgramInfo;
import dev.ebpf4j.XlatedListing;
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
            for (int i = 0; i < progs.size(); i++) {
                Program prog = progs.get(i);
                ProgramInfo info = prog.info();
                if (file != null) {
                    writeRaw(prog, jited, Path.of(file));
                    session.done();
                    continue;
                }
                XlatedListing listing = XlatedListing.of(prog, info);
                if (listing.entries().isEmpty()) {
                    throw new BpfException("error retrieving insn dump of program id " + info.id()
                            + ": kernel.kptr_restrict set, or the process lacks CAP_SYS_ADMIN", Errno.EPERM.number());
                }
                if (w != null) {
                    if (several) {
                        w.startObject();
                        ProgPrinter.headerJson(w, info, ProgPrinter.displayName(prog, info));
                        w.name("insns");
                    }
                    dumpJson(w, listing, opcodes, linum);
                    if (several) w.endObject();
                } else {
                    if (several) session.out().print(ProgPrinter.header(info, ProgPrinter.displayName(prog, info)));
                    session.out().print(listing.text(linum, opcodes));
                    if (several && i != progs.size() - 1) session.out().print('\n');
                }
            }
            if (w != null && several) w.endArray();
        } finally {
            progs.forEach(Program::close);
        }
        return 0;
    }

    private static void dumpJson(JsonWriter w, XlatedListing listing, boolean opcodes, boolean linum) {
        w.startArray();
        for (XlatedListing.Entry e : listing.entries()) {
            w.startObject();
            if (e.functionSignature() != null) w.stringField("proto", e.functionSignature());
            ProgramDebugInfo.Line line = e.line();
            if (line != null) {
                if (line.source() != null) w.stringField("src", line.source());
                if (linum) {
                    if (line.file() != null) w.stringField("file", line.file());
                    if (line.line() != 0) w.intField("line_num", line.line());
                    if (line.column() != 0) w.intField("line_col", line.column());
                }
            }
            w.name("disasm").raw("\"" + e.text() + "\"");
            if (opcodes) {
                Instruction insn = e.instruction();
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
