package dev.ebpf4j.asm;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static dev.ebpf4j.asm.Opcodes.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Encoding and decoding of every instruction class against hand-checked byte patterns, in both byte orders. */
class InstructionCodecTest {

    private static Instruction insn(int opcode, int dst, int src, int off, long imm) {
        return new Instruction(opcode, dst, src, off, imm);
    }

    /** Instruction, its little-endian bytes (as clang/the kernel lay them out), and a description. */
    static Stream<Arguments> knownEncodings() {
        return Stream.of(
                // ALU64 / ALU with immediate and register sources
                Arguments.of("r0 = 42", insn(0xb7, 0, 0, 0, 42), "b7000000 2a000000"),
                Arguments.of("r2 += -4", insn(0x07, 2, 0, 0, -4), "07020000 fcffffff"),
                Arguments.of("w0 += w1", insn(0x0c, 0, 1, 0, 0), "0c100000 00000000"),
                Arguments.of("r1 s>>= 34", insn(0xc7, 1, 0, 0, 34), "c7010000 22000000"),
                Arguments.of("w1 = -w1", insn(0x84, 1, 0, 0, 0), "84010000 00000000"),
                Arguments.of("r1 = -r1", insn(0x87, 1, 0, 0, 0), "87010000 00000000"),
                Arguments.of("r1 s/= r2 (v4, offset 1)", insn(0x3f, 1, 2, 1, 0), "3f210100 00000000"),
                Arguments.of("w1 s%= 5 (v4)", insn(0x94, 1, 0, 1, 5), "94010100 05000000"),
                Arguments.of("r1 = (s8)r2 (movsx)", insn(0xbf, 1, 2, 8, 0), "bf210800 00000000"),
                Arguments.of("r1 = (s32)r2 (movsx)", insn(0xbf, 1, 2, 32, 0), "bf212000 00000000"),
                Arguments.of("w1 = (s16)w2 (movsx)", insn(0xbc, 1, 2, 16, 0), "bc211000 00000000"),
                Arguments.of("r1 = le16 r1", insn(0xd4, 1, 0, 0, 16), "d4010000 10000000"),
                Arguments.of("r1 = be64 r1", insn(0xdc, 1, 0, 0, 64), "dc010000 40000000"),
                Arguments.of("r0 = bswap32 r0 (v4)", insn(0xd7, 0, 0, 0, 32), "d7000000 20000000"),
                // loads and stores of every size, sign-extending loads
                Arguments.of("r1 = *(u32 *)(r2 - 4)", insn(0x61, 1, 2, -4, 0), "6121fcff 00000000"),
                Arguments.of("r1 = *(u16 *)(r2 + 2)", insn(0x69, 1, 2, 2, 0), "69210200 00000000"),
                Arguments.of("r1 = *(u8 *)(r2 + 0)", insn(0x71, 1, 2, 0, 0), "71210000 00000000"),
                Arguments.of("r1 = *(u64 *)(r10 - 8)", insn(0x79, 1, 10, -8, 0), "79a1f8ff 00000000"),
                Arguments.of("r1 = *(s8 *)(r2 + 1)", insn(0x91, 1, 2, 1, 0), "91210100 00000000"),
                Arguments.of("r1 = *(s16 *)(r2 + 1)", insn(0x89, 1, 2, 1, 0), "89210100 00000000"),
                Arguments.of("r1 = *(s32 *)(r2 + 1)", insn(0x81, 1, 2, 1, 0), "81210100 00000000"),
                Arguments.of("*(u8 *)(r10 - 1) = 5", insn(0x72, 10, 0, -1, 5), "720affff 05000000"),
                Arguments.of("*(u16 *)(r1 + 4) = 0xffff", insn(0x6a, 1, 0, 4, 0xffff), "6a010400 ffff0000"),
                Arguments.of("*(u32 *)(r10 - 4) = 1", insn(0x62, 10, 0, -4, 1), "620afcff 01000000"),
                Arguments.of("*(u64 *)(r10 - 16) = r1", insn(0x7b, 10, 1, -16, 0), "7b1af0ff 00000000"),
                Arguments.of("*(u32 *)(r10 - 4) = r0", insn(0x63, 10, 0, -4, 0), "630afcff 00000000"),
                // atomics
                Arguments.of("lock *(u64 *)(r0 + 0) += r1", insn(0xdb, 0, 1, 0, ATOMIC_ADD), "db100000 00000000"),
                Arguments.of("lock *(u32 *)(r1 + 0) |= r2", insn(0xc3, 1, 2, 0, ATOMIC_OR), "c3210000 40000000"),
                Arguments.of("r2 = atomic_fetch_and(u64)", insn(0xdb, 1, 2, 0, ATOMIC_AND | FETCH),
                        "db210000 51000000"),
                Arguments.of("w2 = atomic_fetch_xor(u32)", insn(0xc3, 1, 2, 0, ATOMIC_XOR | FETCH),
                        "c3210000 a1000000"),
                Arguments.of("xchg64", insn(0xdb, 1, 2, 8, XCHG), "db210800 e1000000"),
                Arguments.of("cmpxchg32", insn(0xc3, 1, 2, 0, CMPXCHG), "c3210000 f1000000"),
                Arguments.of("load_acquire u8", insn(0xd3, 0, 1, 0, LOAD_ACQ), "d3100000 00010000"),
                Arguments.of("store_release u16", insn(0xcb, 1, 2, 0, STORE_REL), "cb210000 10010000"),
                // lddw with every source kind
                Arguments.of("r1 = 0x1122334455667788 ll", insn(0x18, 1, 0, 0, 0x1122334455667788L),
                        "18010000 88776655 00000000 44332211"),
                Arguments.of("r1 = -1 ll", insn(0x18, 1, 0, 0, -1L), "18010000 ffffffff 00000000 ffffffff"),
                Arguments.of("map fd", insn(0x18, 1, PSEUDO_MAP_FD, 0, 7), "18110000 07000000 00000000 00000000"),
                Arguments.of("map value", insn(0x18, 2, PSEUDO_MAP_VALUE, 0, 7 | (16L << 32)),
                        "18220000 07000000 00000000 10000000"),
                Arguments.of("btf id", insn(0x18, 3, PSEUDO_BTF_ID, 0, 1234), "18330000 d2040000 00000000 00000000"),
                Arguments.of("func", insn(0x18, 2, PSEUDO_FUNC, 0, 29), "18420000 1d000000 00000000 00000000"),
                Arguments.of("map idx", insn(0x18, 1, PSEUDO_MAP_IDX, 0, 3), "18510000 03000000 00000000 00000000"),
                Arguments.of("map idx value", insn(0x18, 1, PSEUDO_MAP_IDX_VALUE, 0, 3 | (8L << 32)),
                        "18610000 03000000 00000000 08000000"),
                // legacy packet loads
                Arguments.of("r0 = *(u8 *)skb[12]", insn(0x30, 0, 0, 0, 12), "30000000 0c000000"),
                Arguments.of("r0 = *(u16 *)skb[r1]", insn(0x48, 0, 1, 0, 0), "48100000 00000000"),
                Arguments.of("r0 = *(u32 *)skb[r3 + 2]", insn(0x40, 0, 3, 0, 2), "40300000 02000000"),
                // jumps, calls, exit
                Arguments.of("goto +3", insn(0x05, 0, 0, 3, 0), "05000300 00000000"),
                Arguments.of("goto -1", insn(0x05, 0, 0, -1, 0), "0500ffff 00000000"),
                Arguments.of("gotol +70000 (v4)", insn(0x06, 0, 0, 0, 70000), "06000000 70110100"),
                Arguments.of("if r0 == 0 goto +3", insn(0x15, 0, 0, 3, 0), "15000300 00000000"),
                Arguments.of("if r1 != r2 goto -2", insn(0x5d, 1, 2, -2, 0), "5d21feff 00000000"),
                Arguments.of("if w1 s> 100 goto +1", insn(0x66, 1, 0, 1, 100), "66010100 64000000"),
                Arguments.of("if w1 < w2 goto +1", insn(0xae, 1, 2, 1, 0), "ae210100 00000000"),
                Arguments.of("if r1 & 1 goto +2", insn(0x45, 1, 0, 2, 1), "45010200 01000000"),
                Arguments.of("call bpf_map_lookup_elem", insn(0x85, 0, 0, 0, 1), "85000000 01000000"),
                Arguments.of("call local -1", insn(0x85, 0, PSEUDO_CALL, 0, -1), "85100000 ffffffff"),
                Arguments.of("call kfunc", insn(0x85, 0, PSEUDO_KFUNC_CALL, 2, 290240), "85200200 c06d0400"),
                Arguments.of("callx r1", insn(0x8d, 1, 0, 0, 0), "8d010000 00000000"),
                Arguments.of("may_goto +3", insn(0xe5, 0, 0, 3, 0), "e5000300 00000000"),
                Arguments.of("exit", insn(0x95, 0, 0, 0, 0), "95000000 00000000"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("knownEncodings")
    void encodesAndDecodesLittleEndian(String what, Instruction instruction, String hex) {
        byte[] expected = HexFormat.of().parseHex(hex.replace(" ", ""));
        assertArrayEquals(expected, Instructions.encode(List.of(instruction)), what);
        assertEquals(List.of(instruction), Instructions.decode(expected), what);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("knownEncodings")
    void bigEndianSwapsRegisterNibblesAndMultiByteFields(String what, Instruction instruction, String hex) {
        byte[] little = HexFormat.of().parseHex(hex.replace(" ", ""));
        byte[] big = Instructions.encode(List.of(instruction), ByteOrder.BIG_ENDIAN);
        assertEquals(little.length, big.length);
        for (int slot = 0; slot < little.length; slot += 8) {
            assertEquals(little[slot], big[slot], "opcode byte is order-independent");
            int regs = little[slot + 1] & 0xff;
            assertEquals((byte) ((regs << 4) | (regs >>> 4)), big[slot + 1], "register nibbles swap");
            assertEquals(little[slot + 2], big[slot + 3], "offset is big-endian");
            assertEquals(little[slot + 3], big[slot + 2], "offset is big-endian");
            for (int k = 0; k < 4; k++) assertEquals(little[slot + 4 + k], big[slot + 7 - k], "imm is big-endian");
        }
        assertEquals(List.of(instruction), Instructions.decode(big, ByteOrder.BIG_ENDIAN), what);
    }

    @Test
    void everyOpcodeWithArbitraryFieldsRoundTrips() {
        Random random = new Random(20240601);
        for (ByteOrder order : List.of(ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN)) {
            for (int opcode = 0; opcode < 256; opcode++) {
                for (int trial = 0; trial < 20; trial++) {
                    long constant = opcode == Instruction.LDDW ? random.nextLong() : random.nextInt();
                    Instruction in = new Instruction(opcode, random.nextInt(16), random.nextInt(16),
                            (short) random.nextInt(), constant, null);
                    byte[] bytes = Instructions.encode(List.of(in), order);
                    assertEquals(in.slots() * 8, bytes.length);
                    assertEquals(List.of(in), Instructions.decode(bytes, order),
                            () -> "opcode 0x" + Integer.toHexString(in.opcode()) + " in " + order);
                    assertArrayEquals(bytes, Instructions.encode(Instructions.decode(bytes, order), order));
                }
            }
        }
    }

    @Test
    void randomWellFormedStreamsDecodeThenEncodeToTheSameBytes() {
        Random random = new Random(7);
        for (int trial = 0; trial < 500; trial++) {
            int slots = 1 + random.nextInt(64);
            byte[] bytes = new byte[slots * 8];
            random.nextBytes(bytes);
            // Make every lddw well formed: a following slot with zero opcode, registers and offset.
            for (int at = 0; at < bytes.length; at += 8) {
                if ((bytes[at] & 0xff) != Instruction.LDDW) continue;
                if (at + 8 >= bytes.length) {
                    bytes[at] = 0;
                    continue;
                }
                bytes[at + 8] = 0;
                bytes[at + 9] = 0;
                bytes[at + 10] = 0;
                bytes[at + 11] = 0;
                at += 8;
            }
            for (ByteOrder order : List.of(ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN)) {
                List<Instruction> decoded = Instructions.decode(bytes, order);
                assertArrayEquals(bytes, Instructions.encode(decoded, order));
                assertEquals(slots, Instructions.slotCount(decoded));
            }
        }
    }

    @Test
    void slotOffsetsCountLddwTwice() {
        List<Instruction> prog = new Asm().mov64(Register.R0, 0).lddw(Register.R1, 5).mov64(Register.R2, 1).exit()
                .build();
        assertArrayEquals(new int[] {0, 1, 3, 4, 5}, Instructions.slotOffsets(prog));
        assertEquals(2, Instructions.indexAtSlot(prog, 3));
        assertEquals(-1, Instructions.indexAtSlot(prog, 2), "second half of lddw");
        assertEquals(-1, Instructions.indexAtSlot(prog, 5), "past the end");
    }
}
