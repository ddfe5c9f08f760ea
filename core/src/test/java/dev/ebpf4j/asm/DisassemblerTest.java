package dev.ebpf4j.asm;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static dev.ebpf4j.asm.Opcodes.*;
import static dev.ebpf4j.asm.Register.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Expected texts: the llvm style lines were printed by this machine's llvm-objdump-19 for the same encodings, the
 * bpftool lines by {@code bpftool prog dump xlated} on Linux 6.18 (see LlvmObjdumpComparisonTest for the
 * automated comparison against llvm-objdump).
 */
class DisassemblerTest {

    private static Instruction insn(int opcode, int dst, int src, int off, long imm) {
        return new Instruction(opcode, dst, src, off, imm);
    }

    static Stream<Arguments> llvmTexts() {
        return Stream.of(
                Arguments.of(insn(0xb7, 0, 0, 0, 42), "r0 = 0x2a", "r0 = 0x2a"),
                Arguments.of(insn(0x61, 1, 1, 0, 0), "r1 = *(u32 *)(r1 + 0x0)", "w1 = *(u32 *)(r1 + 0x0)"),
                Arguments.of(insn(0x79, 1, 10, -8, 0), "r1 = *(u64 *)(r10 - 0x8)", "r1 = *(u64 *)(r10 - 0x8)"),
                Arguments.of(insn(0x73, 10, 2, -1, 0), "*(u8 *)(r10 - 0x1) = r2", "*(u8 *)(r10 - 0x1) = w2"),
                Arguments.of(insn(0x7a, 1, 0, -32768, -0x7fffffff), "*(u64 *)(r1 - 0x8000) = -0x7fffffff",
                        "*(u64 *)(r1 - 0x8000) = -0x7fffffff"),
                Arguments.of(insn(0xbc, 0, 1, 0, 0), "w0 = w1", "w0 = w1"),
                Arguments.of(insn(0xb4, 1, 0, 0, -1), "w1 = -0x1", "w1 = -0x1"),
                Arguments.of(insn(0x07, 1, 0, 0, Integer.MIN_VALUE), "r1 += -0x80000000", "r1 += -0x80000000"),
                Arguments.of(insn(0xc4, 1, 0, 0, 2), "w1 s>>= 0x2", "w1 s>>= 0x2"),
                Arguments.of(insn(0x87, 1, 0, 0, 0), "r1 = -r1", "r1 = -r1"),
                Arguments.of(insn(0x85, 0, 0, 0, 1), "call 0x1", "call 0x1"),
                Arguments.of(insn(0x85, 0, 1, 0, -1), "call -0x1", "call -0x1"),
                Arguments.of(insn(0x8d, 1, 0, 0, 0), "callx r1", "callx r1"),
                Arguments.of(insn(0x18, 1, 0, 0, 0), "r1 = 0x0 ll", "r1 = 0x0 ll"),
                Arguments.of(insn(0x18, 1, 0, 0, Long.MIN_VALUE), "r1 = -0x8000000000000000 ll",
                        "r1 = -0x8000000000000000 ll"),
                Arguments.of(insn(0x18, 1, PSEUDO_MAP_VALUE, 0, 0xffffffffL | (4L << 32)),
                        "ld_pseudo r1, 0x2, 0xffffffff", "ld_pseudo r1, 0x2, 0xffffffff"),
                Arguments.of(insn(0xdb, 1, 2, 0, ATOMIC_ADD), "lock *(u64 *)(r1 + 0x0) += r2",
                        "lock *(u64 *)(r1 + 0x0) += r2"),
                Arguments.of(insn(0xc3, 1, 2, 0, ATOMIC_ADD), "lock *(u32 *)(r1 + 0x0) += r2",
                        "lock *(u32 *)(r1 + 0x0) += w2"),
                Arguments.of(insn(0xdb, 1, 0, 0, ATOMIC_ADD | FETCH), "r0 = atomic_fetch_add((u64 *)(r1 + 0x0), r0)",
                        "r0 = atomic_fetch_add((u64 *)(r1 + 0x0), r0)"),
                Arguments.of(insn(0xc3, 1, 2, 0, ATOMIC_AND | FETCH),
                        "w2 = atomic_fetch_and((u32 *)(r1 + 0x0), w2)", "w2 = atomic_fetch_and((u32 *)(r1 + 0x0), w2)"),
                Arguments.of(insn(0xdb, 1, 2, 0, CMPXCHG), "r0 = cmpxchg_64(r1 + 0x0, r0, r2)",
                        "r0 = cmpxchg_64(r1 + 0x0, r0, r2)"),
                Arguments.of(insn(0xc3, 1, 2, 0, XCHG), "w2 = xchg32_32(r1 + 0x0, w2)", "w2 = xchg32_32(r1 + 0x0, w2)"),
                Arguments.of(insn(0xdb, 0, 1, 8, LOAD_ACQ), "r0 = load_acquire((u64 *)(r1 + 0x8))",
                        "r0 = load_acquire((u64 *)(r1 + 0x8))"),
                Arguments.of(insn(0xd3, 1, 2, 0, STORE_REL), "store_release((u8 *)(r1 + 0x0), r2)",
                        "store_release((u8 *)(r1 + 0x0), w2)"),
                Arguments.of(insn(0xd7, 0, 0, 0, 16), "r0 = bswap16 r0", "r0 = bswap16 r0"),
                Arguments.of(insn(0xdc, 1, 0, 0, 32), "r1 = be32 r1", "r1 = be32 r1"),
                Arguments.of(insn(0xd4, 1, 0, 0, 16), "r1 = le16 r1", "r1 = le16 r1"),
                Arguments.of(insn(0xbf, 0, 1, 8, 0), "r0 = (s8)r1", "r0 = (s8)r1"),
                Arguments.of(insn(0xbc, 1, 2, 16, 0), "w1 = (s16)w2", "w1 = (s16)w2"),
                Arguments.of(insn(0x3f, 0, 1, 1, 0), "r0 s/= r1", "r0 s/= r1"),
                Arguments.of(insn(0xbf, 1, 2, ADDR_SPACE_CAST, 1), "r1 = addr_space_cast(r2, 0x0, 0x1)",
                        "r1 = addr_space_cast(r2, 0x0, 0x1)"),
                Arguments.of(insn(0x97, 0, 0, 1, 3), "r0 s%= 0x3", "r0 s%= 0x3"),
                Arguments.of(insn(0x91, 1, 2, 2, 0), "r1 = *(s8 *)(r2 + 0x2)", "r1 = *(s8 *)(r2 + 0x2)"),
                Arguments.of(insn(0x30, 0, 0, 0, 12), "r0 = *(u8 *)skb[0xc]", "r0 = *(u8 *)skb[0xc]"),
                Arguments.of(insn(0x48, 0, 1, 0, 0), "r0 = *(u16 *)skb[r1]", "r0 = *(u16 *)skb[r1]"),
                Arguments.of(insn(0x95, 0, 0, 0, 0), "exit", "exit"),
                Arguments.of(insn(0xff, 0, 0, 0, 0), "<unknown>", "<unknown>"),
                Arguments.of(insn(0xd4, 1, 0, 0, 8), "<unknown>", "<unknown>"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("llvmTexts")
    void llvmStyle(Instruction in, String plain, String alu32) {
        assertEquals(plain, Disassembler.llvm().format(in, 0));
        assertEquals(alu32, Disassembler.llvm().withAlu32(true).format(in, 0));
    }

    @Test
    void llvmJumpTargetsAreNamedByTheNearestSymbol() {
        Disassembler d = Disassembler.llvm().withSymbols(Map.of(0L, "prog", 24L, "LBB0_2"));
        assertEquals("if r1 == 0x0 goto +0x2 <LBB0_2>", d.format(insn(0x15, 1, 0, 2, 0), 0));
        assertEquals("if r0 == 0x0 goto +0x3 <LBB0_2+0x8>", d.format(insn(0x15, 0, 0, 3, 0), 0));
        assertEquals("goto -0x1 <prog+0x10>", d.format(insn(0x05, 0, 0, -1, 0), 2));
        assertEquals("if w1 s> w2 goto +0x0 <prog+0x8>", d.format(insn(0x6e, 1, 2, 0, 0), 0));
        assertEquals("gotol +0x5 <LBB0_2+0x18>", d.format(insn(0x06, 0, 0, 0, 5), 0));
        assertEquals("may_goto +0x0 <prog+0x8>", d.format(insn(0xe5, 0, 0, 0, 0), 0));
        assertEquals("if r1 s<= -0x5 goto +0x2", Disassembler.llvm().format(insn(0xd5, 1, 0, 2, -5), 0));
    }

    @Test
    void llvmListingNumbersSlots() {
        List<Instruction> prog = new Asm().lddw(R1, 0).mov64(R0, 42).exit().build();
        assertEquals("       0:\tr1 = 0x0 ll\n       2:\tr0 = 0x2a\n       3:\texit\n",
                Disassembler.llvm().listing(prog));
        assertEquals("      10:\tr0 = 0x2a\n", Disassembler.llvm().listing(List.of(prog.get(1)), 10));
    }

    static Stream<Arguments> bpftoolTexts() {
        return Stream.of(
                Arguments.of(insn(0xbf, 6, 1, 0, 0), "(bf) r6 = r1"),
                Arguments.of(insn(0x62, 10, 0, -4, 1), "(62) *(u32 *)(r10 -4) = 1"),
                Arguments.of(insn(0x07, 2, 0, 0, -4), "(07) r2 += -4"),
                Arguments.of(insn(0x18, 1, PSEUDO_MAP_FD, 0, 58), "(18) r1 = map[id:58]"),
                Arguments.of(insn(0x18, 1, PSEUDO_MAP_VALUE, 0, 60), "(18) r1 = map[id:60][0]+0"),
                Arguments.of(insn(0x18, 2, PSEUDO_FUNC, 0, 29), "(18) r2 = subprog[+29]"),
                Arguments.of(insn(0x18, 2, 0, 0, -1L), "(18) r2 = 0xffffffffffffffff"),
                Arguments.of(insn(0x61, 0, 2, 0, 0), "(61) r0 = *(u32 *)(r2 +0)"),
                Arguments.of(insn(0x61, 1, 6, 112, 0), "(61) r1 = *(u32 *)(r6 +112)"),
                Arguments.of(insn(0x35, 0, 0, 3, 4), "(35) if r0 >= 0x4 goto pc+3"),
                Arguments.of(insn(0x15, 0, 0, -6, 0), "(15) if r0 == 0x0 goto pc-6"),
                Arguments.of(insn(0x66, 6, 0, 1, 100), "(66) if w6 s> 0x64 goto pc+1"),
                Arguments.of(insn(0x3d, 7, 6, 5, 0), "(3d) if r7 >= r6 goto pc+5"),
                Arguments.of(insn(0x67, 0, 0, 0, 3), "(67) r0 <<= 3"),
                Arguments.of(insn(0x05, 0, 0, 1, 0), "(05) goto pc+1"),
                Arguments.of(insn(0xb7, 0, 0, 0, 0), "(b7) r0 = 0"),
                Arguments.of(insn(0xb4, 0, 0, 0, -7), "(b4) w0 = -7"),
                Arguments.of(insn(0xdb, 1, 2, 0, ATOMIC_ADD), "(db) lock *(u64 *)(r1 +0) += r2"),
                Arguments.of(insn(0xc3, 2, 1, 0, ATOMIC_OR), "(c3) lock *(u32 *)(r2 +0) |= r1"),
                Arguments.of(insn(0xdb, 1, 0, 0, ATOMIC_ADD | FETCH),
                        "(db) r0 = atomic64_fetch_add((u64 *)(r1 +0), r0)"),
                Arguments.of(insn(0xc3, 1, 3, 4, ATOMIC_XOR | FETCH),
                        "(c3) r3 = atomic_fetch_xor((u32 *)(r1 +4), r3)"),
                Arguments.of(insn(0xdb, 1, 2, 0, CMPXCHG), "(db) r0 = atomic64_cmpxchg((u64 *)(r1 +0), r0, r2)"),
                Arguments.of(insn(0xdb, 1, 2, 0, XCHG), "(db) r2 = atomic64_xchg((u64 *)(r1 +0), r2)"),
                Arguments.of(insn(0xdb, 0, 1, 0, LOAD_ACQ), "(db) r0 = load_acquire((u64 *)(r1 +0))"),
                Arguments.of(insn(0xd3, 1, 2, -1, STORE_REL), "(d3) store_release((u8 *)(r1 -1), r2)"),
                Arguments.of(insn(0xdb, 1, 2, 0, 0x77), "BUG_db"),
                Arguments.of(insn(0xbc, 6, 1, 0, 0), "(bc) w6 = w1"),
                Arguments.of(insn(0x84, 0, 0, 0, 0), "(84) w0 = -w0"),
                Arguments.of(insn(0x54, 0, 0, 0, 65535), "(54) w0 &= 65535"),
                Arguments.of(insn(0x3f, 1, 2, 1, 0), "(3f) r1 s/= r2"),
                Arguments.of(insn(0xbf, 1, 2, 16, 0), "(bf) r1 = (s16)r2"),
                Arguments.of(insn(0xbf, 1, 2, ADDR_SPACE_CAST, 1 << 16), "(bf) r1 = addr_space_cast(r2, 1, 0)"),
                Arguments.of(insn(0xd7, 1, 0, 0, 64), "(d7) r1 = bswap64 r1"),
                Arguments.of(insn(0xdc, 1, 0, 0, 16), "(dc) r1 = be16 r1"),
                Arguments.of(insn(0x89, 1, 2, -2, 0), "(89) r1 = *(s16 *)(r2 -2)"),
                Arguments.of(insn(0x30, 0, 0, 0, 12), "(30) r0 = *(u8 *)skb[12]"),
                Arguments.of(insn(0x48, 0, 1, 0, 0), "(48) r0 = *(u16 *)skb[r1 + 0]"),
                Arguments.of(insn(0x85, 0, 0, 0, 1), "(85) call bpf_map_lookup_elem#1"),
                Arguments.of(insn(0x85, 0, 0, 0, 9999), "(85) call unknown#9999"),
                Arguments.of(insn(0x85, 0, PSEUDO_CALL, 0, 7), "(85) call pc+7"),
                Arguments.of(new Instruction(0x85, 0, PSEUDO_KFUNC_CALL, (short) 0, 290240, "bpf_rcu_read_lock"),
                        "(85) call bpf_rcu_read_lock#290240"),
                Arguments.of(insn(0x85, 0, PSEUDO_KFUNC_CALL, 0, 290240), "(85) call kernel-function#290240"),
                Arguments.of(insn(0x06, 0, 0, 0, -70000), "(06) gotol pc-70000"),
                Arguments.of(insn(0xe5, 0, 0, 2, 0), "(e5) may_goto pc+2"),
                Arguments.of(insn(0x95, 0, 0, 0, 0), "(95) exit"),
                Arguments.of(insn(0xfe, 0, 0, 0, 0), "(fe) unknown opcode fe"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("bpftoolTexts")
    void bpftoolStyle(Instruction in, String expected) {
        assertEquals(expected, Disassembler.bpftool().format(in, 0));
    }

    @Test
    void bpftoolListingNumbersSlots() {
        List<Instruction> prog = new Asm().mov64(R0, 42).ldMapFd(R1, 3).exit().build();
        assertEquals("   0: (b7) r0 = 42\n   1: (18) r1 = map[id:3]\n   3: (95) exit\n",
                Disassembler.bpftool().listing(prog));
    }
}
