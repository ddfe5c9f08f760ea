package dev.ebpf4j.cli;

import dev.ebpf4j.Program;
import dev.ebpf4j.ProgramSpec;
import dev.ebpf4j.ProgramType;
import dev.ebpf4j.asm.Asm;
import dev.ebpf4j.btf.BtfBuilder;
import dev.ebpf4j.btf.BtfFunc;
import dev.ebpf4j.btf.BtfFuncProto;
import dev.ebpf4j.btf.BtfIntEncoding;
import dev.ebpf4j.btf.BtfLinkage;
import dev.ebpf4j.btf.BtfParam;
import dev.ebpf4j.testkit.KernelTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;

import static dev.ebpf4j.asm.Register.R0;
import static dev.ebpf4j.asm.Register.R1;
import static dev.ebpf4j.asm.Register.R6;
import static dev.ebpf4j.cli.MapCliKernelTest.sameAsBpftool;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code prog dump xlated} of a program with BTF function and line records and a bpf-to-bpf call: function
 * signatures, source lines (with and without {@code linum}), named subprogram calls — each compared with bpftool.
 */
@KernelTest
class ProgDumpDebugInfoCliKernelTest {
    private static Path dir;
    private static Program prog;
    private static String pin;

    /** xdp_main(ctx) calls the static subprogram add_one(5) and returns XDP_PASS. */
    @BeforeAll
    static void load() {
        dir = Cli.pinDir("progdbg");
        BtfBuilder b = new BtfBuilder();
        int intType = b.addInt("int", 4, BtfIntEncoding.SIGNED);
        int voidPtr = b.addPtr(0);
        int mainProto = b.add(new BtfFuncProto(intType, List.of(new BtfParam("ctx", voidPtr)), false));
        int mainFunc = b.add(new BtfFunc("xdp_main", mainProto, BtfLinkage.STATIC));
        int addProto = b.add(new BtfFuncProto(intType, List.of(new BtfParam("x", intType)), false));
        int addFunc = b.add(new BtfFunc("add_one", addProto, BtfLinkage.STATIC));
        int file = (int) b.addString("/src/prog.bpf.c");
        int[][] funcRecords = {{0, mainFunc}, {5, addFunc}};
        int[][] lineRecords = {
                {0, file, (int) b.addString("int xdp_main(void *ctx)"), 10 << 10 | 1},
                {2, file, (int) b.addString("    add_one(5);"), 12 << 10 | 5},
                {3, file, (int) b.addString("\treturn XDP_PASS;"), 13 << 10 | 2},
                {5, file, (int) b.addString("static int add_one(int x)"), 20 << 10 | 1},
                {6, file, (int) b.addString("  return x + 1;"), 21 << 10 | 0},
        };
        var insns = new Asm()
                .mov64(R6, R1)
                .mov64(R1, 5)
                .callLocal("add_one")
                .mov64(R0, 2)
                .exit()
                .label("add_one")
                .mov64(R0, R1)
                .add64(R0, 1)
                .exit()
                .build();
        prog = Program.load(ProgramSpec.builder(ProgramType.XDP).name("clidbg").license("GPL").instructions(insns)
                .btf(new ProgramSpec.ProgramBtf(b.toBytes(), records(funcRecords), 8, funcRecords.length,
                        records(lineRecords), 16, lineRecords.length))
                .build());
        pin = dir.resolve("dbg").toString();
        prog.pin(Path.of(pin));
    }

    @AfterAll
    static void unload() {
        if (prog != null) prog.close();
        Cli.removeTree(dir);
    }

    /** Rows of u32 fields in host byte order, as the kernel reads func_info and line_info records. */
    private static byte[] records(int[][] rows) {
        ByteBuffer b = ByteBuffer.allocate(rows.length * rows[0].length * 4).order(ByteOrder.nativeOrder());
        for (int[] row : rows) for (int v : row) b.putInt(v);
        return b.array();
    }

    @Test
    void signaturesSourceLinesAndSubprogramCallsMatchBpftool() {
        Cli.Result plain = sameAsBpftool("prog", "dump", "xlated", "pinned", pin);
        assertTrue(plain.out().startsWith("int xdp_main(void * ctx):\n; int xdp_main(void *ctx)\n   0: (bf) r6 = r1\n"),
                plain.out());
        assertTrue(plain.out().contains("int add_one(int x):\n; static int add_one(int x)\n"), plain.out());
        assertTrue(plain.out().contains("; return XDP_PASS;\n"), plain.out());
        assertTrue(plain.out().matches("(?s).*\\(85\\) call pc\\+2(#bpf_prog_[0-9a-f]{16}_add_one)?\n.*"), plain.out());
        sameAsBpftool("prog", "dump", "xlated", "pinned", pin, "linum");
        sameAsBpftool("prog", "dump", "xlated", "pinned", pin, "opcodes");
        sameAsBpftool("-j", "prog", "dump", "xlated", "pinned", pin);
        sameAsBpftool("-j", "prog", "dump", "xlated", "pinned", pin, "linum");
        sameAsBpftool("-p", "prog", "dump", "xlated", "pinned", pin, "opcodes");
        sameAsBpftool("prog", "show", "pinned", pin);
        sameAsBpftool("-j", "prog", "show", "pinned", pin);
    }
}
