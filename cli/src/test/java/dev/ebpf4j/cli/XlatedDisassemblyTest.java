package dev.ebpf4j.cli;

import dev.ebpf4j.asm.CallNames;
import dev.ebpf4j.asm.Disassembler;
import dev.ebpf4j.asm.Instruction;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code prog dump xlated} prints the library's bpftool-style disassembly in the kernel verifier's notation (expected
 * texts taken from bpftool output). Calls are named as in a program that is not JIT-compiled and whose kernel symbols
 * are hidden: a bpf-to-bpf call by its offset ({@code off}; {@code imm} holds the callee's index).
 */
class XlatedDisassemblyTest {
    private static final CallNames NOT_JITED = call -> call.src() == 1
            ? (call.offset() >= 0 ? "+" : "") + call.offset() : null;
    private final Disassembler fmt = Disassembler.bpftool().withCallNames(NOT_JITED);

    private String f(int opcode, int dst, int src, int off, long imm) {
        return fmt.format(new Instruction(opcode, dst, src, off, imm), 0);
    }

    @Test
    void aluAndMoves() {
        assertEquals("(bf) r7 = r1", f(0xbf, 7, 1, 0, 0));
        assertEquals("(b7) r6 = 0", f(0xb7, 6, 0, 0, 0));
        assertEquals("(07) r2 += -4", f(0x07, 2, 0, 0, -4));
        assertEquals("(67) r0 <<= 3", f(0x67, 0, 0, 0, 3));
        assertEquals("(0f) r0 += r1", f(0x0f, 0, 1, 0, 0));
        assertEquals("(04) w1 += 5", f(0x04, 1, 0, 0, 5));
        assertEquals("(bc) w0 = w1", f(0xbc, 0, 1, 0, 0));
        assertEquals("(87) r1 = -r1", f(0x87, 1, 0, 0, 0));
        assertEquals("(c7) r1 s>>= 2", f(0xc7, 1, 0, 0, 2));
        assertEquals("(dc) r1 = be16 r1", f(0xdc, 1, 0, 0, 16));
        assertEquals("(d4) r1 = le32 r1", f(0xd4, 1, 0, 0, 32));
    }

    @Test
    void memoryAccess() {
        assertEquals("(63) *(u32 *)(r10 -4) = r6", f(0x63, 10, 6, -4, 0));
        assertEquals("(61) r0 = *(u32 *)(r2 +0)", f(0x61, 0, 2, 0, 0));
        assertEquals("(79) r2 = *(u64 *)(r7 +8)", f(0x79, 2, 7, 8, 0));
        assertEquals("(73) *(u8 *)(r1 +0) = r2", f(0x73, 1, 2, 0, 0));
        assertEquals("(7a) *(u64 *)(r10 -8) = 7", f(0x7a, 10, 0, -8, 7));
        assertEquals("(30) r0 = *(u8 *)skb[12]", f(0x30, 0, 0, 0, 12));
        assertEquals("(db) lock *(u64 *)(r0 +0) += r1", f(0xdb, 0, 1, 0, 0));
        assertEquals("(c3) lock *(u32 *)(r1 +8) |= r2", f(0xc3, 1, 2, 8, 0x40));
        assertEquals("(db) r2 = atomic64_fetch_add((u64 *)(r1 +0), r2)", f(0xdb, 1, 2, 0, 0x01));
        assertEquals("(db) r0 = atomic64_cmpxchg((u64 *)(r1 +0), r0, r2)", f(0xdb, 1, 2, 0, 0xf1));
        assertEquals("(c3) r2 = atomic_xchg((u32 *)(r1 +0), r2)", f(0xc3, 1, 2, 0, 0xe1));
    }

    @Test
    void wideLoads() {
        assertEquals("(18) r1 = map[id:723]", f(0x18, 1, 1, 0, 723));
        assertEquals("(18) r1 = map[id:7][0]+16", f(0x18, 1, 2, 0, (16L << 32) | 7));
        assertEquals("(18) r1 = 0x1122334455667788", f(0x18, 1, 0, 0, 0x1122334455667788L));
    }

    @Test
    void jumpsAndCalls() {
        assertEquals("(35) if r0 >= 0x1 goto pc+3", f(0x35, 0, 0, 3, 1));
        assertEquals("(2d) if r3 > r2 goto pc+3", f(0x2d, 3, 2, 3, 0));
        assertEquals("(16) if w1 == 0x5 goto pc-2", f(0x16, 1, 0, -2, 5));
        assertEquals("(15) if r1 == 0xffffffff goto pc+0", f(0x15, 1, 0, 0, -1));
        assertEquals("(05) goto pc+1", f(0x05, 0, 0, 1, 0));
        assertEquals("(95) exit", f(0x95, 0, 0, 0, 0));
        assertEquals("(85) call bpf_ktime_get_ns#5", f(0x85, 0, 0, 0, 5));
        assertEquals("(85) call pc+3", f(0x85, 0, 1, 3, 1));
        assertEquals("(85) call kernel-function#-77", f(0x85, 0, 2, 0, -77));
        assertEquals("(85) call unknown#-77", f(0x85, 0, 0, 0, -77));
        assertEquals("(c2) nospec", f(0xc2, 0, 0, 0, 0));
    }
}
