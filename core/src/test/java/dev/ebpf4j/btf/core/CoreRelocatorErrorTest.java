package dev.ebpf4j.btf.core;

import dev.ebpf4j.BpfException;
import dev.ebpf4j.ObjectFormatException;
import dev.ebpf4j.asm.Instruction;
import dev.ebpf4j.asm.Opcodes;
import dev.ebpf4j.btf.Btf;
import dev.ebpf4j.btf.BtfBuilder;
import dev.ebpf4j.btf.BtfCoreRelo;
import dev.ebpf4j.btf.BtfStruct;
import dev.ebpf4j.btf.BtfUnion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.List;

import static dev.ebpf4j.btf.BtfCoreReloKind.ENUMVAL_VALUE;
import static dev.ebpf4j.btf.BtfCoreReloKind.FIELD_BYTE_OFFSET;
import static dev.ebpf4j.btf.BtfCoreReloKind.FIELD_EXISTS;
import static dev.ebpf4j.btf.BtfCoreReloKind.FIELD_SIGNED;
import static dev.ebpf4j.btf.BtfCoreReloKind.TYPE_EXISTS;
import static dev.ebpf4j.btf.BtfCoreReloKind.TYPE_ID_LOCAL;
import static dev.ebpf4j.btf.core.CoreTesting.EXIT;
import static dev.ebpf4j.btf.core.CoreTesting.INT;
import static dev.ebpf4j.btf.core.CoreTesting.LONG;
import static dev.ebpf4j.btf.core.CoreTesting.UINT;
import static dev.ebpf4j.btf.core.CoreTesting.apply;
import static dev.ebpf4j.btf.core.CoreTesting.builder;
import static dev.ebpf4j.btf.core.CoreTesting.lddw;
import static dev.ebpf4j.btf.core.CoreTesting.ldx;
import static dev.ebpf4j.btf.core.CoreTesting.m;
import static dev.ebpf4j.btf.core.CoreTesting.mov;
import static dev.ebpf4j.btf.core.CoreTesting.relo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What stops a relocation: malformed records, instructions that do not hold the compiler's value or cannot carry
 * one, ambiguous candidates; and the candidate search rules (flavors, modules, narrowing).
 */
class CoreRelocatorErrorTest {
    /** Local: struct s { int a; unsigned int b; } [6], an anonymous struct [7]. */
    private static final Btf LOCAL;
    /** Target: struct s { long x; int a; unsigned int b; } [6]. */
    private static final Btf TARGET;

    static {
        BtfBuilder l = builder();
        l.add(new BtfStruct("s", 8, List.of(m("a", INT, 0), m("b", UINT, 32))));
        l.add(new BtfStruct("", 4, List.of(m("a", INT, 0))));
        LOCAL = l.build();
        BtfBuilder t = builder();
        t.add(new BtfStruct("s", 16, List.of(m("x", LONG, 0), m("a", INT, 64), m("b", UINT, 96))));
        TARGET = t.build();
    }

    private static ObjectFormatException malformed(List<Instruction> insns, BtfCoreRelo relo, String message) {
        ObjectFormatException e = assertThrows(ObjectFormatException.class, () -> apply(TARGET, insns, LOCAL, relo));
        assertEquals(".BTF.ext", e.section());
        assertTrue(e.getMessage().startsWith(".BTF.ext: program 'test': CO-RE relocation #0 ("), e.getMessage());
        assertTrue(e.getMessage().contains(message), e.getMessage());
        return e;
    }

    @Test
    void malformedRelocationsNameBtfExtAndTheRelocation() {
        List<Instruction> code = List.of(mov(0), EXIT);
        ObjectFormatException e = malformed(code, relo(0, 99, "0:0", FIELD_BYTE_OFFSET),
                "type id 99 is not in the object's BTF (ids 1..7)");
        assertTrue(e.getMessage().contains("(field byte offset of type [99], access \"0:0\", insn at byte 0)"),
                e.getMessage());
        malformed(code, relo(0, 6, "0:x", FIELD_BYTE_OFFSET), "is not a list of indices");
        malformed(code, relo(0, 6, "0::1", FIELD_BYTE_OFFSET), "is not a list of indices");
        malformed(code, relo(0, 6, "", FIELD_BYTE_OFFSET), "empty access string");
        malformed(code, relo(0, 6, "0:2", FIELD_BYTE_OFFSET),
                "access index #1 (2) is past the last member of struct s (2 members)");
        malformed(code, relo(0, 6, "0:0:1", FIELD_BYTE_OFFSET),
                "access index #2 (1) steps into int, which is not a struct, union or array");
        malformed(code, relo(0, 6, "0:0", TYPE_EXISTS), "access string \"0:0\" of a type relocation must be \"0\"");
        malformed(code, relo(0, 6, "0", ENUMVAL_VALUE), "enumerator relocation on struct s, which is not an enum");
        malformed(code, relo(0, 7, "0:0", FIELD_BYTE_OFFSET), "relocations against anonymous types are not supported");
        String many = "0" + ":0".repeat(64);
        malformed(code, relo(0, 6, many, FIELD_BYTE_OFFSET), "has 65 indices (at most 64)");
    }

    @Test
    void relocationOffsetsMustNameAnInstruction() {
        List<Instruction> code = List.of(lddw(0), EXIT);
        malformed(code, new BtfCoreRelo(4, 6, "0:0", FIELD_BYTE_OFFSET), "instruction offset 4 is not a multiple of 8");
        malformed(code, relo(1, 6, "0:0", FIELD_BYTE_OFFSET), "instruction offset 8 points into the middle of an lddw");
        malformed(code, relo(3, 6, "0:0", FIELD_BYTE_OFFSET), "instruction offset 24 is past the program's end (3 ");
    }

    @Test
    void theInstructionMustHoldTheLocalValue() {
        malformed(List.of(mov(5), EXIT), relo(0, 6, "0:1", FIELD_BYTE_OFFSET),
                "unexpected insn #0 (ALU/ALU64: r0 = 5) value: got 5, exp 4 -> 12");
        malformed(List.of(mov(0), ldx(4, 0), EXIT), relo(1, 6, "0:1", FIELD_BYTE_OFFSET),
                "unexpected insn #1 (LDX/ST/STX: r0 = *(u32 *)(r1 +0)) value: got 0, exp 4 -> 12");
        malformed(List.of(lddw(7), EXIT), relo(0, 6, "0:1", FIELD_BYTE_OFFSET),
                "unexpected insn #0 (LDIMM64: r0 = 0x7) value: got 7, exp 4 -> 12");
        malformed(List.of(mov(0), EXIT), relo(0, 6, "0:1", FIELD_EXISTS), "value: got 0, exp 1 -> 1");
    }

    @Test
    void onlySomeInstructionsCarryRelocations() {
        Instruction jump = new Instruction(Opcodes.JMP | Opcodes.JEQ | Opcodes.K, 0, 0, 0, 4);
        malformed(List.of(jump, EXIT), relo(0, 6, "0:1", FIELD_BYTE_OFFSET),
                "cannot carry a CO-RE relocation: only ALU with immediate, LDX/ST/STX and lddw can");
        Instruction addReg = new Instruction(Opcodes.ALU64 | Opcodes.ADD | Opcodes.X, 0, 1, 0, 0);
        malformed(List.of(addReg, EXIT), relo(0, 6, "0:1", FIELD_BYTE_OFFSET),
                "takes a register operand; a CO-RE relocation can only patch an immediate");
        Instruction mapLoad = new Instruction(Instruction.LDDW, 1, Opcodes.PSEUDO_MAP_FD, 0, 4);
        malformed(List.of(mapLoad, EXIT), relo(0, 6, "0:1", FIELD_BYTE_OFFSET),
                "is not a plain 64-bit immediate load");
        // the local field is 4 bytes, this load reads 2: the access size cannot be adjusted
        BtfBuilder t = builder();
        t.add(new BtfStruct("s", 16, List.of(m("a", INT, 0), m("b", CoreTesting.ULONG, 64))));
        ObjectFormatException e = assertThrows(ObjectFormatException.class, () -> apply(t.build(),
                List.of(ldx(2, 4), EXIT), LOCAL, relo(0, 6, "0:1", FIELD_BYTE_OFFSET)));
        assertTrue(e.getMessage().contains("accesses 2 bytes but the field has 4"), e.getMessage());
    }

    @Test
    void signednessOfAnArrayElementIsUndefined() {
        BtfBuilder l = builder();
        int arr = l.add(new dev.ebpf4j.btf.BtfArray(INT, INT, 4));
        int s = l.add(new BtfStruct("s", 16, List.of(m("v", arr, 0))));
        ObjectFormatException e = assertThrows(ObjectFormatException.class, () -> apply(TARGET,
                List.of(mov(1), EXIT), l.build(), relo(0, s, "0:0:1", FIELD_SIGNED)));
        assertTrue(e.getMessage().contains("field signedness cannot be applied to an array element access"),
                e.getMessage());
    }

    @Test
    void offsetsBeyondSixteenBitsDoNotFitALoad() {
        BtfBuilder t = builder();
        t.add(new BtfStruct("s", 70000, List.of(m("a", INT, 0), m("b", UINT, 8 * 40000))));
        BpfException e = assertThrows(BpfException.class, () -> apply(t.build(), List.of(ldx(4, 4), EXIT), LOCAL,
                relo(0, 6, "0:1", FIELD_BYTE_OFFSET)));
        assertTrue(e.getMessage().contains("offset 40000 does not fit the instruction's 16-bit offset"),
                e.getMessage());
    }

    @Test
    void candidatesThatDisagreeAreAnError() {
        BtfBuilder t = builder();
        t.add(new BtfStruct("s", 8, List.of(m("a", INT, 0), m("b", UINT, 32))));
        t.add(new BtfStruct("s___2", 16, List.of(m("x", LONG, 0), m("a", INT, 64))));
        Btf target = t.build();
        BpfException e = assertThrows(BpfException.class, () -> apply(target, List.of(mov(0), EXIT), LOCAL,
                relo(0, 6, "0:0", FIELD_BYTE_OFFSET)));
        assertTrue(e.getMessage().contains("program 'test': CO-RE relocation #0 (field byte offset of struct s [6], "
                + "access \"0:0\", insn at byte 0): ambiguous: candidates struct s [6] in BtfBuilder and struct s___2 "
                + "[7] in BtfBuilder place the field at different offsets (bit 0 and 64)"), e.getMessage());
        // both agree on b's existence... and only one has b: no ambiguity, the list narrows to s
        CoreResult r = apply(target, List.of(mov(1), mov(4), mov(0), EXIT), LOCAL,
                relo(0, 6, "0:1", FIELD_EXISTS), relo(1, 6, "0:1", FIELD_BYTE_OFFSET),
                relo(2, 6, "0:0", FIELD_BYTE_OFFSET));
        // relo #2 alone would be ambiguous; libbpf's candidate narrowing (by relo #0) resolves it to s
        assertEquals(List.of(mov(1), mov(4), mov(0), EXIT), r.instructions());
    }

    @Test
    void candidatesThatAgreeAreFine() {
        BtfBuilder t = builder();
        t.add(new BtfStruct("s", 8, List.of(m("a", INT, 0), m("b", UINT, 32))));
        t.add(new BtfUnion("s", 8, List.of(m("a", INT, 0))));                // other kind: not a candidate
        t.add(new BtfStruct("s___dup", 8, List.of(m("a", INT, 0), m("b", UINT, 32))));
        CoreResult r = apply(t.build(), List.of(mov(4), EXIT), LOCAL, relo(0, 6, "0:1", FIELD_BYTE_OFFSET));
        assertEquals(List.of(mov(4), EXIT), r.instructions());
    }

    @Test
    void typeIdLocalNeedsNoTargetAndWorksOnAnonymousTypes() {
        CoreResult r = apply(TARGET, List.of(mov(0), EXIT), LOCAL, relo(0, 7, "0", TYPE_ID_LOCAL));
        assertEquals(List.of(mov(7), EXIT), r.instructions());
        assertEquals(List.of(), r.notes());
    }

    @Test
    void modulesAreSearchedOnlyWhenTheMainTargetHasNoCandidate() {
        // base: struct s (a at 8); module: struct s (a at 20) and struct only_in_module (a at 12)
        BtfBuilder mb = new BtfBuilder(TARGET);
        mb.add(new BtfStruct("s", 24, List.of(m("a", INT, 160))));
        int onlyInModule = mb.add(new BtfStruct("only_in_module", 16, List.of(m("a", INT, 96))));
        Btf module = mb.build();
        BtfBuilder l = builder();
        l.add(new BtfStruct("s", 4, List.of(m("a", INT, 0))));
        int lm = l.add(new BtfStruct("only_in_module___x", 4, List.of(m("a", INT, 0))));
        l.add(new BtfStruct("nowhere", 4, List.of(m("a", INT, 0))));
        CoreResult r = CoreRelocator.forTargets(List.of(TARGET, module)).apply("test",
                List.of(mov(0), mov(0), lddw(0), mov(1), EXIT), l.build(), List.of(
                        relo(0, 6, "0:0", FIELD_BYTE_OFFSET), relo(1, lm, "0:0", FIELD_BYTE_OFFSET),
                        relo(2, lm, "0", dev.ebpf4j.btf.BtfCoreReloKind.TYPE_ID_TARGET),
                        relo(4, lm + 1, "0", TYPE_EXISTS)));
        assertEquals(List.of(mov(8), mov(12), lddw(onlyInModule), mov(0), EXIT), r.instructions());
    }

    /** struct n0 { struct n1 a; struct n1 b; } ... n30 { int a; int b; }: 2^31 member pairs to compare. */
    private static Btf widelyNested(String rootName) {
        BtfBuilder b = builder();
        int inner = INT;
        for (int level = 30; level >= 0; level--) {
            String name = level == 0 ? rootName : "n" + level;
            inner = b.add(new BtfStruct(name, 8, List.of(m("a", inner, 0), m("b", inner, 32))));
        }
        return b.build();
    }

    /** int (*)(f, f) where f is int (*)(g, g) and so on, 31 levels: 2^31 parameter pairs. */
    private static Btf widePrototypes() {
        BtfBuilder b = builder();
        int inner = INT;
        for (int level = 30; level >= 0; level--) {
            int proto = b.add(new dev.ebpf4j.btf.BtfFuncProto(INT, List.of(new dev.ebpf4j.btf.BtfParam("a", inner),
                    new dev.ebpf4j.btf.BtfParam("b", inner)), false));
            inner = b.add(new dev.ebpf4j.btf.BtfPtr(proto));
        }
        b.add(new dev.ebpf4j.btf.BtfTypedef("fn_t", inner));
        return b.build();
    }

    @Test
    void hostileNestingEndsInAnErrorNotAHang() {
        Btf nested = widelyNested("root");
        int root = nested.findStruct("root").orElseThrow().id();
        ObjectFormatException e = assertThrows(ObjectFormatException.class, () -> apply(nested,
                List.of(mov(1), EXIT), nested, relo(0, root, "0", dev.ebpf4j.btf.BtfCoreReloKind.TYPE_MATCHES)));
        assertTrue(e.getMessage().contains("comparing the types takes more than 100000 steps"), e.getMessage());
        Btf protos = widePrototypes();
        int fn = protos.findTypedef("fn_t").orElseThrow().id();
        e = assertThrows(ObjectFormatException.class, () -> apply(protos, List.of(mov(1), EXIT), protos,
                relo(0, fn, "0", TYPE_EXISTS)));
        assertTrue(e.getMessage().contains("comparing the types takes more than 100000 steps"), e.getMessage());
    }

    @Test
    void emptyRelocationsReturnTheInstructionsUnchanged() {
        List<Instruction> code = List.of(mov(3), EXIT);
        CoreResult r = CoreRelocator.forTargets(List.of(TARGET)).apply("p", code, LOCAL, List.of());
        assertEquals(code, r.instructions());
        assertSame(CoreRelocator.forRunningKernel(), CoreRelocator.forRunningKernel());
        assertThrows(IllegalArgumentException.class, () -> CoreRelocator.forTargets(List.of()));
        Executable nul = () -> CoreRelocator.forTargets(List.of(TARGET)).apply("p", null, LOCAL, List.of());
        assertThrows(NullPointerException.class, nul);
    }
}
