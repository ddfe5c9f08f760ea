package dev.ebpf4j.asm;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static dev.ebpf4j.asm.Opcodes.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The opcode table: which codes the ISA defines, their kinds, mnemonics and access sizes. */
class OpcodeTest {

    @Test
    void tableDefinesExactlyTheIsaOpcodes() {
        Set<Integer> valid = new HashSet<>();
        for (int code = 0; code < 256; code++) if (Opcode.of(code).isValid()) valid.add(code);
        // ALU/ALU64: 12 operations x K/X, NEG, END (le/be for ALU, bswap for ALU64)
        // JMP: 11 conditions x K/X + ja, call, callx, exit, may_goto; JMP32: 11 x 2 + gotol
        // LD: lddw + 3 ABS + 3 IND; LDX: 4 MEM + 3 MEMSX; ST: 4; STX: 4 MEM + 4 ATOMIC
        int expected = (24 + 1 + 2) + (24 + 1 + 1) + (22 + 5) + (22 + 1) + 7 + 7 + 4 + 8;
        assertEquals(expected, valid.size());
        for (int code : new int[] {0x07, 0x0f, 0x04, 0x87, 0x84, 0xd4, 0xdc, 0xd7, 0x05, 0x06, 0x85, 0x8d, 0x95,
                0xe5, 0x18, 0x20, 0x28, 0x30, 0x40, 0x48, 0x50, 0x61, 0x69, 0x71, 0x79, 0x81, 0x89, 0x91, 0x62,
                0x6a, 0x72, 0x7a, 0x63, 0x6b, 0x73, 0x7b, 0xc3, 0xcb, 0xd3, 0xdb, 0x16, 0x1e, 0xde}) {
            assertTrue(valid.contains(code), "0x" + Integer.toHexString(code));
        }
        for (int code : new int[] {0x00, 0x8c, 0x8f, 0xdf, 0x0d, 0x86, 0x8e, 0x96, 0xe6, 0xed, 0x38, 0x58, 0x99,
                0x10, 0x60, 0xe7, 0xf4, 0x9d, 0x01, 0x02, 0x03}) {
            assertFalse(valid.contains(code), "0x" + Integer.toHexString(code));
        }
    }

    @Test
    void kindsMnemonicsAndSizes() {
        assertEquals(new Opcode(0x61, Opcode.Kind.LOAD, "ldxw"), Opcode.of(0x61));
        assertEquals(4, Opcode.of(0x61).accessBytes());
        assertEquals(Opcode.Kind.LOAD_SIGNED, Opcode.of(0x91).kind());
        assertEquals("ldxsb", Opcode.of(0x91).mnemonic());
        assertEquals(1, Opcode.of(0x91).accessBytes());
        assertEquals("stxdw", Opcode.of(0x7b).mnemonic());
        assertEquals("add64", Opcode.of(0x0f).mnemonic());
        assertEquals("add32", Opcode.of(0x04).mnemonic());
        assertEquals("jeq32", Opcode.of(0x1e).mnemonic());
        assertEquals("gotol", Opcode.of(0x06).mnemonic());
        assertEquals("atomic64", Opcode.of(0xdb).mnemonic());
        assertEquals("ldabsh", Opcode.of(0x28).mnemonic());
        assertEquals("ldindb", Opcode.of(0x50).mnemonic());
        assertEquals("lddw", Opcode.of(0x18).mnemonic());
        assertEquals(0, Opcode.of(0x18).accessBytes());
        assertTrue(Opcode.of(0x0f).usesSourceRegister());
        assertFalse(Opcode.of(0x07).usesSourceRegister());
        assertFalse(Opcode.of(0xdc).usesSourceRegister(), "be uses the X bit for direction, not a register");
        assertTrue(Opcode.of(0x8d).usesSourceRegister());
        assertTrue(Opcode.of(0x95).isControlFlow());
        assertFalse(Opcode.of(0x61).isControlFlow());
    }

    @Test
    void mnemonicLookupFindsTheImmediateForm() {
        assertEquals(0x16, Opcode.byMnemonic("jeq32").orElseThrow().code());
        assertEquals(0x07, Opcode.byMnemonic("ADD64").orElseThrow().code());
        assertEquals(0x18, Opcode.byMnemonic("lddw").orElseThrow().code());
        assertTrue(Opcode.byMnemonic("invalid").isEmpty());
        assertTrue(Opcode.byMnemonic("frobnicate").isEmpty());
        for (int code = 0; code < 256; code++) {
            Opcode op = Opcode.of(code);
            if (!op.isValid()) continue;
            Opcode byName = Opcode.byMnemonic(op.mnemonic()).orElseThrow();
            assertEquals(op.mnemonic(), byName.mnemonic());
            assertEquals(code & ~X, byName.code() & ~X, "K and X forms share a mnemonic");
        }
    }

    @Test
    void atomicOperationsByImmediate() {
        assertEquals(AtomicOperation.FETCH_ADD, AtomicOperation.fromImm(ATOMIC_ADD | FETCH).orElseThrow());
        assertEquals(AtomicOperation.CMPXCHG, AtomicOperation.fromImm(0xf1).orElseThrow());
        assertEquals(AtomicOperation.LOAD_ACQUIRE, AtomicOperation.fromImm(0x100).orElseThrow());
        assertTrue(AtomicOperation.fromImm(0x02).isEmpty());
        assertTrue(AtomicOperation.XOR.isArithmetic());
        assertFalse(AtomicOperation.XCHG.isArithmetic());
        assertTrue(AtomicOperation.XCHG.fetches());
        assertTrue(AtomicOperation.STORE_RELEASE.allowsNarrowAccess());
    }
}
