package dev.ebpf4j.asm;

import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.ebpf4j.asm.Opcodes.*;
import static dev.ebpf4j.asm.Register.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The builder: label resolution (counting lddw as two slots), its errors, and the encodings its methods choose. */
class AsmTest {

    @Test
    void forwardJumpSkipsTheInstructionsInBetween() {
        List<Instruction> prog = new Asm()
                .mov64(R0, 0)
                .jeq(R1, 0, "out")
                .mov64(R0, 1)
                .mov64(R0, 2)
                .label("out")
                .exit()
                .build();
        assertEquals(2, prog.get(1).offset());
        assertEquals(JMP | JEQ | K, prog.get(1).opcode());
    }

    @Test
    void backwardJumpIsNegative() {
        List<Instruction> prog = new Asm()
                .label("loop")
                .add64(R1, 1)
                .jlt(R1, 10, "loop")
                .ja("loop")
                .exit()
                .build();
        assertEquals(-2, prog.get(1).offset());
        assertEquals(-3, prog.get(2).offset());
    }

    @Test
    void lddwCountsTwoSlotsInJumpDistances() {
        List<Instruction> prog = new Asm()
                .ja("end")
                .lddw(R1, 0x1_0000_0000L)
                .ldMapFd(R2, 3)
                .label("end")
                .exit()
                .build();
        assertEquals(4, prog.get(0).offset(), "two lddw = four slots");
        List<Instruction> back = new Asm()
                .label("top")
                .lddw(R1, 1)
                .ja("top")
                .build();
        assertEquals(-3, back.get(1).offset());
    }

    @Test
    void labelAtTheEndIsAllowed() {
        List<Instruction> prog = new Asm().ja("end").mov64(R0, 0).label("end").build();
        assertEquals(1, prog.getFirst().offset());
    }

    @Test
    void undefinedLabelNamesTheLabel() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Asm().ja("nowhere").exit().build());
        assertTrue(e.getMessage().contains("nowhere"), e.getMessage());
    }

    @Test
    void duplicateLabelIsRejected() {
        Asm asm = new Asm().label("x").exit();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> asm.label("x"));
        assertTrue(e.getMessage().contains("'x'"), e.getMessage());
    }

    @Test
    void jumpsBeyondSixteenBitsFailButGotolReachesThem() {
        Asm far = new Asm().ja("far");
        for (int i = 0; i < 40_000; i++) far.mov64(R0, i);
        far.label("far").exit();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, far::build);
        assertTrue(e.getMessage().contains("gotol"), e.getMessage());

        Asm longJump = new Asm().gotol("far");
        for (int i = 0; i < 40_000; i++) longJump.mov64(R0, i);
        List<Instruction> prog = longJump.label("far").exit().build();
        assertEquals(JMP32 | JA, prog.getFirst().opcode());
        assertEquals(40_000, prog.getFirst().imm());
        assertEquals(0, prog.getFirst().offset());

        Asm backward = new Asm().label("top");
        for (int i = 0; i < 32_768; i++) backward.mov64(R0, i);
        assertThrows(IllegalArgumentException.class, () -> backward.ja("top").build());
    }

    @Test
    void jumpAtTheSixteenBitLimitsIsAccepted() {
        Asm forward = new Asm().ja("end");
        for (int i = 0; i < Short.MAX_VALUE; i++) forward.mov64(R0, 0);
        assertEquals(Short.MAX_VALUE, forward.label("end").exit().build().getFirst().offset());
        Asm backward = new Asm().label("top");
        for (int i = 0; i < -Short.MIN_VALUE - 1; i++) backward.mov64(R0, 0);
        List<Instruction> prog = backward.ja("top").build();
        assertEquals(Short.MIN_VALUE, prog.getLast().offset());
    }

    @Test
    void localCallsAndFunctionPointersResolveIntoTheImmediate() {
        List<Instruction> prog = new Asm()
                .ldFunc(R2, "callback")
                .callLocal("callback")
                .exit()
                .label("callback")
                .mov64(R0, 0)
                .exit()
                .build();
        Instruction ld = prog.get(0);
        assertEquals(LD | DW | IMM, ld.opcode());
        assertEquals(PSEUDO_FUNC, ld.src());
        assertEquals(3, ld.constant(), "the kernel finds the callee at slot i + imm + 1 (slot 4 here)");
        Instruction call = prog.get(1);
        assertEquals(PSEUDO_CALL, call.src());
        assertEquals(1, call.imm());
    }

    @Test
    void builderMethodsChooseTheDocumentedEncodings() {
        List<Instruction> prog = new Asm()
                .sdiv64(R1, R2).smod32(R1, 7).movsx64(R1, R2, 16).movsx32(R1, R2, 8)
                .bswap(R0, 64).toLe(R0, 16).toBe(R0, 32)
                .ldxs(2, R1, R2, -2).stw(R10, -4, 9).stxdw(R10, -8, R1)
                .atomic(8, ATOMIC_ADD | FETCH, R1, 0, R2).atomic(4, CMPXCHG, R1, 0, R2)
                .atomic(1, LOAD_ACQ, R1, 0, R2).atomic(2, STORE_REL, R1, 0, R2)
                .ldMapValue(R1, 5, 12).ldBtfId(R1, 77).ldAbs(2, 12).ldInd(1, R3, 4)
                .callKfunc(1234, 1).callx(R3).call(HelperFunction.KTIME_GET_NS)
                .addrSpaceCast(R1, R2, 0, 1)
                .build();
        int[][] expected = {
                {0x3f, 1, 2, 1, 0}, {0x94, 1, 0, 1, 7}, {0xbf, 1, 2, 16, 0}, {0xbc, 1, 2, 8, 0},
                {0xd7, 0, 0, 0, 64}, {0xd4, 0, 0, 0, 16}, {0xdc, 0, 0, 0, 32},
                {0x89, 1, 2, -2, 0}, {0x62, 10, 0, -4, 9}, {0x7b, 10, 1, -8, 0},
                {0xdb, 1, 2, 0, 0x01}, {0xc3, 1, 2, 0, 0xf1}, {0xd3, 1, 2, 0, 0x100}, {0xcb, 1, 2, 0, 0x110},
                {0x18, 1, 2, 0, 5}, {0x18, 1, 3, 0, 77}, {0x28, 0, 0, 0, 12}, {0x50, 0, 3, 0, 4},
                {0x85, 0, 2, 1, 1234}, {0x8d, 3, 0, 0, 0}, {0x85, 0, 0, 0, 5}, {0xbf, 1, 2, 1, 1},
        };
        assertEquals(expected.length, prog.size());
        for (int i = 0; i < expected.length; i++) {
            Instruction in = prog.get(i);
            int[] e = expected[i];
            String what = "instruction " + i + ": " + in;
            assertEquals(e[0], in.opcode(), what);
            assertEquals(e[1], in.dst(), what);
            assertEquals(e[2], in.src(), what);
            assertEquals(e[3], in.offset(), what);
            assertEquals(e[4], in.imm(), what);
        }
        assertEquals(12L << 32 | 5, prog.get(14).constant(), "map value offset in the high half");
    }

    @Test
    void builtProgramsSurviveEncodeAndDecode() {
        List<Instruction> prog = new Asm()
                .mov64(R0, 0).ldMapFd(R1, 4).lddw(R2, Long.MIN_VALUE).jeq(R2, 0, "out")
                .atomicAdd64(R1, 0, R2).label("out").exit().build();
        assertEquals(prog, Instructions.decode(Instructions.encode(prog)));
    }

    @Test
    void invalidWidthsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new Asm().bswap(R0, 8));
        assertThrows(IllegalArgumentException.class, () -> new Asm().movsx32(R0, R1, 32));
        assertThrows(IllegalArgumentException.class, () -> new Asm().ldxs(8, R0, R1, 0));
        assertThrows(IllegalArgumentException.class, () -> new Asm().ldx(3, R0, R1, 0));
        assertThrows(IllegalArgumentException.class, () -> new Asm().atomic(2, ATOMIC_ADD, R0, 0, R1));
        assertThrows(IllegalArgumentException.class, () -> new Asm().ldAbs(8, 0));
    }
}
