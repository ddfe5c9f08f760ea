package dev.ebpf4j;

import dev.ebpf4j.asm.Asm;
import dev.ebpf4j.asm.HelperFunction;
import dev.ebpf4j.btf.Btf;
import dev.ebpf4j.btf.BtfBuilder;
import dev.ebpf4j.btf.BtfFunc;
import dev.ebpf4j.btf.BtfFuncProto;
import dev.ebpf4j.btf.BtfIntEncoding;
import dev.ebpf4j.btf.BtfLinkage;
import dev.ebpf4j.btf.BtfParam;
import dev.ebpf4j.btf.KernelBtfObjects;
import dev.ebpf4j.testkit.KernelTest;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

import static dev.ebpf4j.asm.Register.R0;
import static dev.ebpf4j.asm.Register.R1;
import static dev.ebpf4j.asm.Register.R6;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A loaded program's debug info and annotated listing: prototypes, source lines, named helper and subprogram calls. */
@KernelTest
class XlatedListingKernelTest {
    /** xdp_main(ctx) calls bpf_ktime_get_ns and the static subprogram add_one(5), then returns XDP_PASS. */
    private static int mainFunc;
    private static int addFunc;

    private static Program load() {
        BtfBuilder b = new BtfBuilder();
        int intType = b.addInt("int", 4, BtfIntEncoding.SIGNED);
        int voidPtr = b.addPtr(0);
        mainFunc = b.add(new BtfFunc("xdp_main_with_a_long_name",
                b.add(new BtfFuncProto(intType, List.of(new BtfParam("ctx", voidPtr)), false)), BtfLinkage.STATIC));
        addFunc = b.add(new BtfFunc("add_one",
                b.add(new BtfFuncProto(intType, List.of(new BtfParam("x", intType)), false)), BtfLinkage.STATIC));
        int file = (int) b.addString("/src/prog.bpf.c");
        int[][] funcRecords = {{0, mainFunc}, {6, addFunc}};
        int[][] lineRecords = {
                {0, file, (int) b.addString("int xdp_main(void *ctx)"), 10 << 10 | 1},
                {1, file, (int) b.addString("    bpf_ktime_get_ns();"), 11 << 10 | 5},
                {6, file, (int) b.addString("\treturn x + 1;"), 21 << 10 | 2},
        };
        var insns = new Asm()
                .mov64(R6, R1)
                .call(HelperFunction.KTIME_GET_NS)
                .mov64(R1, 5)
                .callLocal("add_one")
                .mov64(R0, 2)
                .exit()
                .label("add_one")
                .mov64(R0, R1)
                .add64(R0, 1)
                .exit()
                .build();
        return Program.load(ProgramSpec.builder(ProgramType.XDP).name("xdp_main_with_a_long_name").license("GPL")
                .instructions(insns)
                .btf(new ProgramSpec.ProgramBtf(b.toBytes(), records(funcRecords), 8, funcRecords.length,
                        records(lineRecords), 16, lineRecords.length))
                .build());
    }

    /** Rows of u32 fields in host byte order, as the kernel reads func_info and line_info records. */
    private static byte[] records(int[][] rows) {
        ByteBuffer b = ByteBuffer.allocate(rows.length * rows[0].length * 4).order(ByteOrder.nativeOrder());
        for (int[] row : rows) for (int v : row) b.putInt(v);
        return b.array();
    }

    @Test
    void debugInfoComesBackFromTheKernel() {
        try (Program p = load()) {
            ProgramDebugInfo dbg = ProgramDebugInfo.of(p).orElseThrow();
            assertEquals(List.of(new ProgramDebugInfo.Function(0, mainFunc, "xdp_main_with_a_long_name",
                            "int xdp_main_with_a_long_name(void * ctx)"),
                    new ProgramDebugInfo.Function(6, addFunc, "add_one", "int add_one(int x)")), dbg.functions());
            assertEquals(new ProgramDebugInfo.Line(6, "/src/prog.bpf.c", "return x + 1;", 21, 2), dbg.lines().get(2));
            assertEquals("xdp_main_with_a_long_name", dbg.fullName().orElseThrow());
            assertTrue(p.info().name().length() < "xdp_main_with_a_long_name".length(), "the kernel keeps 15 bytes");

            Btf btf = KernelBtfObjects.byId(p.info().btfId());
            assertEquals("add_one", btf.name(addFunc));
            assertTrue(KernelBtfObjects.ids().contains(p.info().btfId()));
        }
    }

    @Test
    void theListingAnnotatesAndNamesCallsAsBpftoolDoes() {
        try (Program p = load()) {
            XlatedListing listing = XlatedListing.of(p);
            List<XlatedListing.Entry> e = listing.entries();
            assertEquals(9, e.size());
            assertEquals("int xdp_main_with_a_long_name(void * ctx)", e.get(0).functionSignature());
            assertEquals("int add_one(int x)", e.get(6).functionSignature());
            assertNull(e.get(2).functionSignature());
            assertEquals("bpf_ktime_get_ns();", e.get(1).line().source());
            assertNull(e.get(2).line(), "a line is shown once, before its first instruction");
            assertEquals("(85) call bpf_ktime_get_ns#", e.get(1).text().replaceAll("#-?\\d+$", "#"),
                    "the helper is named through kernel symbols: its immediate is an address by now");
            assertTrue(e.get(3).text().matches("\\(85\\) call pc\\+2(#bpf_prog_[0-9a-f]{16}_add_one)?"),
                    e.get(3).text());
            String text = listing.text(true, true);
            assertTrue(text.startsWith("int xdp_main_with_a_long_name(void * ctx):\n"
                    + "; int xdp_main(void *ctx) [file:/src/prog.bpf.c line_num:10 line_col:1]\n"
                    + "   0: (bf) r6 = r1\n"
                    + "       bf 16 00 00 00 00 00 00\n"), text);
        }
    }
}
