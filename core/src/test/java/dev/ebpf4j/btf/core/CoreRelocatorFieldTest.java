package dev.ebpf4j.btf.core;

import dev.ebpf4j.asm.Instruction;
import dev.ebpf4j.btf.Btf;
import dev.ebpf4j.btf.BtfArray;
import dev.ebpf4j.btf.BtfBuilder;
import dev.ebpf4j.btf.BtfIntEncoding;
import dev.ebpf4j.btf.BtfPtr;
import dev.ebpf4j.btf.BtfStruct;
import dev.ebpf4j.btf.BtfUnion;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.ebpf4j.btf.BtfCoreReloKind.FIELD_BYTE_OFFSET;
import static dev.ebpf4j.btf.BtfCoreReloKind.FIELD_BYTE_SIZE;
import static dev.ebpf4j.btf.BtfCoreReloKind.FIELD_EXISTS;
import static dev.ebpf4j.btf.BtfCoreReloKind.FIELD_LSHIFT_U64;
import static dev.ebpf4j.btf.BtfCoreReloKind.FIELD_RSHIFT_U64;
import static dev.ebpf4j.btf.BtfCoreReloKind.FIELD_SIGNED;
import static dev.ebpf4j.btf.core.CoreTesting.CHAR;
import static dev.ebpf4j.btf.core.CoreTesting.EXIT;
import static dev.ebpf4j.btf.core.CoreTesting.INT;
import static dev.ebpf4j.btf.core.CoreTesting.LONG;
import static dev.ebpf4j.btf.core.CoreTesting.POISON;
import static dev.ebpf4j.btf.core.CoreTesting.UINT;
import static dev.ebpf4j.btf.core.CoreTesting.ULONG;
import static dev.ebpf4j.btf.core.CoreTesting.add;
import static dev.ebpf4j.btf.core.CoreTesting.apply;
import static dev.ebpf4j.btf.core.CoreTesting.bits;
import static dev.ebpf4j.btf.core.CoreTesting.builder;
import static dev.ebpf4j.btf.core.CoreTesting.ldx;
import static dev.ebpf4j.btf.core.CoreTesting.m;
import static dev.ebpf4j.btf.core.CoreTesting.mov;
import static dev.ebpf4j.btf.core.CoreTesting.relo;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Field relocations on synthetic BTF: offsets through anonymous members, sizes, existence, bitfields, arrays. */
class CoreRelocatorFieldTest {

    /** Local: struct sample___v1 { int a; unsigned int b; unsigned int c; int d; } (id 6). */
    private static Btf localSample() {
        BtfBuilder b = builder();
        b.add(new BtfStruct("sample___v1", 16, List.of(m("a", INT, 0), m("b", UINT, 32), m("c", UINT, 64),
                m("d", INT, 96))));
        return b.build();
    }

    /**
     * Target: struct sample { long x; union { int y; struct { int pad; int a; }; }; unsigned int b;
     * unsigned long c; long d; } (id 8; the anonymous struct is 6, the union 7).
     */
    private static Btf targetSample() {
        BtfBuilder b = builder();
        b.add(new BtfStruct("", 8, List.of(m("pad", INT, 0), m("a", INT, 32))));
        b.add(new BtfUnion("", 8, List.of(m("y", INT, 0), m("", 6, 0))));
        b.add(new BtfStruct("sample", 40, List.of(m("x", LONG, 0), m("", 7, 64), m("b", UINT, 128),
                m("c", ULONG, 192), m("d", LONG, 256))));
        return b.build();
    }

    @Test
    void memberOffsetsFollowNamesThroughAnonymousMembersAndFlavors() {
        CoreResult r = apply(targetSample(), List.of(mov(0), ldx(4, 4), add(4), EXIT), localSample(),
                relo(0, 6, "0:0", FIELD_BYTE_OFFSET), relo(1, 6, "0:1", FIELD_BYTE_OFFSET),
                relo(2, 6, "0:0", FIELD_BYTE_SIZE));
        assertEquals(List.of(mov(12), ldx(4, 16), add(4), EXIT), r.instructions());
        assertEquals(List.of(), r.notes());
    }

    @Test
    void unsignedLoadsChangeSizeWithTheField() {
        // c: unsigned int locally, unsigned long in the target: the 4-byte load becomes an 8-byte load at 24
        CoreResult r = apply(targetSample(), List.of(ldx(4, 8), EXIT), localSample(),
                relo(0, 6, "0:2", FIELD_BYTE_OFFSET));
        assertEquals(List.of(ldx(8, 24), EXIT), r.instructions());
    }

    @Test
    void signedLoadsThatWouldChangeSizeArePoisoned() {
        CoreResult r = apply(targetSample(), List.of(mov(1), ldx(4, 12), EXIT), localSample(),
                relo(1, 6, "0:3", FIELD_BYTE_OFFSET));
        assertEquals(List.of(mov(1), POISON, EXIT), r.instructions());
        assertEquals(List.of("prog 'test': relo #0: insn #1: field byte offset of struct sample___v1.d (access 0:3): "
                + "the field is accessed with 4 bytes but has 8 bytes in BtfBuilder, and only pointers and unsigned "
                + "integers may change size: instruction poisoned"), r.notes());
        // an ALU use of the same offset is not a memory access: it is relocated
        CoreResult alu = apply(targetSample(), List.of(add(12), EXIT), localSample(),
                relo(0, 6, "0:3", FIELD_BYTE_OFFSET));
        assertEquals(List.of(add(32), EXIT), alu.instructions());
    }

    @Test
    void pointersMayChangeSize() {
        BtfBuilder l = builder();
        int lp = l.add(new BtfPtr(0));
        int ls = l.add(new BtfStruct("holder", 16, List.of(m("x", LONG, 0), m("p", lp, 64))));
        BtfBuilder t = new BtfBuilder();                    // a 32-bit target: long and pointers are 4 bytes
        int tlong = t.addInt("long", 4, BtfIntEncoding.SIGNED);
        int tp = t.add(new BtfPtr(0));
        t.add(new BtfStruct("holder", 8, List.of(m("x", tlong, 0), m("p", tp, 32))));
        CoreResult r = apply(t.build(), List.of(ldx(8, 8), EXIT), l.build(), relo(0, ls, "0:1", FIELD_BYTE_OFFSET));
        assertEquals(List.of(ldx(4, 4), EXIT), r.instructions());
    }

    @Test
    void existenceIsOneOrZero() {
        BtfBuilder l = builder();
        int s = l.add(new BtfStruct("sample", 8, List.of(m("b", UINT, 0), m("gone", INT, 32))));
        CoreResult r = apply(targetSample(), List.of(mov(1), mov(1), EXIT), l.build(),
                relo(0, s, "0:0", FIELD_EXISTS), relo(1, s, "0:1", FIELD_EXISTS));
        assertEquals(List.of(mov(1), mov(0), EXIT), r.instructions());
        assertEquals(List.of("prog 'test': relo #1: insn #1: field existence of struct sample.gone (access 0:1) not "
                + "found in target BTF (1 candidate struct sample, none matches): value 0"), r.notes());
    }

    @Test
    void aMemberOfIncompatibleTypeDoesNotMatch() {
        // local b is a pointer, the target's b an unsigned int: not the same field
        BtfBuilder l = builder();
        int p = l.add(new BtfPtr(INT));
        int s = l.add(new BtfStruct("sample", 8, List.of(m("b", p, 0))));
        CoreResult r = apply(targetSample(), List.of(mov(1), mov(0), EXIT), l.build(),
                relo(0, s, "0:0", FIELD_EXISTS), relo(1, s, "0:0", FIELD_BYTE_OFFSET));
        assertEquals(List.of(mov(0), POISON, EXIT), r.instructions());
        assertEquals(2, r.notes().size());
    }

    @Test
    void structsAndUnionsAreInterchangeableAsMembers() {
        // local member "u" is a struct, the target's a union: composites are compatible with each other
        BtfBuilder l = builder();
        int inner = l.add(new BtfStruct("", 4, List.of(m("v", INT, 0))));
        int s = l.add(new BtfStruct("outer", 8, List.of(m("u", inner, 0))));
        BtfBuilder t = builder();
        int tin = t.add(new BtfUnion("", 8, List.of(m("w", LONG, 0), m("v", INT, 0))));
        t.add(new BtfStruct("outer", 16, List.of(m("z", LONG, 0), m("u", tin, 64))));
        CoreResult r = apply(t.build(), List.of(mov(0), EXIT), l.build(), relo(0, s, "0:0:0", FIELD_BYTE_OFFSET));
        assertEquals(List.of(mov(8), EXIT), r.instructions());
    }

    @Test
    void bitfieldsGiveTheWordToLoadAndTheShifts() {
        // local: struct bits { unsigned int x:3 @5; int y:4 @8; unsigned char z:4 @12; }
        BtfBuilder l = builder();
        int s = l.add(new BtfStruct("bits", 4, List.of(bits("x", UINT, 5, 3), bits("y", INT, 8, 4),
                bits("z", CHAR, 12, 4))));
        // target: x:5 @100 (u32 word at 12), y:4 @30 (straddles a u32: u64 word at 0), z:4 @6 (u16 word at 0)
        BtfBuilder t = builder();
        t.add(new BtfStruct("bits", 16, List.of(bits("z", CHAR, 6, 4), bits("y", INT, 30, 4),
                bits("x", UINT, 100, 5))));
        Btf target = t.build();
        Btf local = l.build();
        // local values as clang would compute them (offset, size, lshift are not checked for bitfields)
        List<Instruction> insns = List.of(mov(0), mov(4), mov(56), mov(61), mov(0),
                mov(0), mov(4), mov(52), mov(60), mov(1),
                mov(1), mov(1), mov(56), mov(60), mov(0), EXIT);
        CoreResult r = apply(target, insns, local,
                relo(0, s, "0:0", FIELD_BYTE_OFFSET), relo(1, s, "0:0", FIELD_BYTE_SIZE),
                relo(2, s, "0:0", FIELD_LSHIFT_U64), relo(3, s, "0:0", FIELD_RSHIFT_U64),
                relo(4, s, "0:0", FIELD_SIGNED),
                relo(5, s, "0:1", FIELD_BYTE_OFFSET), relo(6, s, "0:1", FIELD_BYTE_SIZE),
                relo(7, s, "0:1", FIELD_LSHIFT_U64), relo(8, s, "0:1", FIELD_RSHIFT_U64),
                relo(9, s, "0:1", FIELD_SIGNED),
                relo(10, s, "0:2", FIELD_BYTE_OFFSET), relo(11, s, "0:2", FIELD_BYTE_SIZE),
                relo(12, s, "0:2", FIELD_LSHIFT_U64), relo(13, s, "0:2", FIELD_RSHIFT_U64),
                relo(14, s, "0:2", FIELD_SIGNED));
        assertEquals(List.of(
                mov(12), mov(4), mov(64 - (100 + 5 - 96)), mov(64 - 5), mov(0),
                mov(0), mov(8), mov(64 - (30 + 4)), mov(60), mov(1),
                mov(0), mov(2), mov(64 - (6 + 4)), mov(60), mov(0), EXIT), r.instructions());
    }

    @Test
    void aBitfieldNoLoadCanHoldIsATargetError() {
        BtfBuilder l = builder();
        int s = l.add(new BtfStruct("wide", 8, List.of(bits("x", ULONG, 0, 10))));
        BtfBuilder t = builder();
        t.add(new BtfStruct("wide", 16, List.of(bits("x", ULONG, 60, 10))));
        dev.ebpf4j.BpfException e = org.junit.jupiter.api.Assertions.assertThrows(dev.ebpf4j.BpfException.class,
                () -> apply(t.build(), List.of(mov(0), EXIT), l.build(), relo(0, s, "0:0", FIELD_BYTE_OFFSET)));
        assertEquals(dev.ebpf4j.Errno.EINVAL, e.errno());
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("bitfield x (10 bits at bit 60) cannot "
                + "be read with one 64-bit load"), e.getMessage());
    }

    /** Local: struct arr { int pad; int v[4]; struct pt { int x; int y; } pts[3]; int n; int flex[0]; }. */
    private static Btf localArrays() {
        BtfBuilder b = builder();
        int v = b.add(new BtfArray(INT, INT, 4));                          // 6
        int pt = b.add(new BtfStruct("pt", 8, List.of(m("x", INT, 0), m("y", INT, 32))));   // 7
        int pts = b.add(new BtfArray(pt, INT, 3));                         // 8
        int flex = b.add(new BtfArray(INT, INT, 0));                       // 9
        b.add(new BtfStruct("arr", 48, List.of(m("pad", INT, 0), m("v", v, 32), m("pts", pts, 160),
                m("n", INT, 352), m("flex", flex, 384))));                  // 10
        return b.build();
    }

    /** Target: struct arr { long a; long b; int v[10]; struct pt { long x; int y; } pts[2]; long n; int flex[]; }. */
    private static Btf targetArrays() {
        BtfBuilder b = builder();
        int v = b.add(new BtfArray(INT, INT, 10));
        int pt = b.add(new BtfStruct("pt", 16, List.of(m("x", LONG, 0), m("y", INT, 64))));
        int pts = b.add(new BtfArray(pt, INT, 2));
        int flex = b.add(new BtfArray(INT, INT, 0));
        b.add(new BtfStruct("arr", 112, List.of(m("a", LONG, 0), m("b", LONG, 64), m("v", v, 128),
                m("pts", pts, 448), m("n", LONG, 704), m("flex", flex, 768))));
        return b.build();
    }

    @Test
    void arrayElementsInsideBoundsAndFlexibleArrays() {
        CoreResult r = apply(targetArrays(), List.of(mov(16), mov(4), mov(32), mov(68), mov(52), mov(16), EXIT),
                localArrays(),
                relo(0, 10, "0:1:3", FIELD_BYTE_OFFSET),         // v[3]: 4 + 12 -> 16 + 12
                relo(1, 10, "0:1:3", FIELD_BYTE_SIZE),           // an int either way
                relo(2, 10, "0:2:1:1", FIELD_BYTE_OFFSET),       // pts[1].y: 20 + 8 + 4 -> 56 + 16 + 8
                relo(3, 10, "0:4:5", FIELD_BYTE_OFFSET),         // flex[5]: 48 + 20 -> 96 + 20 (flexible: no bound)
                relo(4, 10, "1:1:0", FIELD_BYTE_OFFSET),         // p[1].v[0]: 48 + 4 -> 112 + 16
                relo(5, 10, "0:1", FIELD_BYTE_SIZE));            // sizeof v: 16 -> 40
        assertEquals(List.of(mov(28), mov(4), mov(80), mov(116), mov(128), mov(40), EXIT), r.instructions());
        assertEquals(List.of(), r.notes());
    }

    @Test
    void anIndexPastTheTargetArrayDoesNotMatch() {
        CoreResult r = apply(targetArrays(), List.of(mov(36), mov(1), EXIT), localArrays(),
                relo(0, 10, "0:2:2:0", FIELD_BYTE_OFFSET), relo(1, 10, "0:2:2:0", FIELD_EXISTS));
        assertEquals(List.of(POISON, mov(0), EXIT), r.instructions());
        assertEquals("prog 'test': relo #0: insn #0: field byte offset of struct arr.pts[2].x (access 0:2:2:0) not "
                + "found in target BTF (1 candidate struct arr, none matches): instruction poisoned", r.notes().get(0));
    }

    @Test
    void theAccessPathIsSpelledInCWithThePointerIndex() {
        BtfBuilder t = builder();
        t.add(new BtfStruct("arr", 4, List.of(m("pad", INT, 0))));
        CoreResult r = apply(t.build(), List.of(mov(52), EXIT), localArrays(), relo(0, 10, "1:1:0",
                FIELD_BYTE_OFFSET));
        assertEquals("prog 'test': relo #0: insn #0: field byte offset of struct arr[1].v[0] (access 1:1:0) not found "
                + "in target BTF (1 candidate struct arr, none matches): instruction poisoned", r.notes().get(0));
    }
}
