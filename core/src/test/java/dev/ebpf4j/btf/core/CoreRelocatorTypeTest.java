package dev.ebpf4j.btf.core;

import dev.ebpf4j.BpfException;
import dev.ebpf4j.btf.Btf;
import dev.ebpf4j.btf.BtfArray;
import dev.ebpf4j.btf.BtfBuilder;
import dev.ebpf4j.btf.BtfEnum;
import dev.ebpf4j.btf.BtfEnum64;
import dev.ebpf4j.btf.BtfEnumValue;
import dev.ebpf4j.btf.BtfFloat;
import dev.ebpf4j.btf.BtfFuncProto;
import dev.ebpf4j.btf.BtfFwd;
import dev.ebpf4j.btf.BtfIntEncoding;
import dev.ebpf4j.btf.BtfParam;
import dev.ebpf4j.btf.BtfPtr;
import dev.ebpf4j.btf.BtfStruct;
import dev.ebpf4j.btf.BtfTypedef;
import dev.ebpf4j.btf.BtfUnion;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.ebpf4j.btf.BtfCoreReloKind.ENUMVAL_EXISTS;
import static dev.ebpf4j.btf.BtfCoreReloKind.ENUMVAL_VALUE;
import static dev.ebpf4j.btf.BtfCoreReloKind.TYPE_EXISTS;
import static dev.ebpf4j.btf.BtfCoreReloKind.TYPE_ID_LOCAL;
import static dev.ebpf4j.btf.BtfCoreReloKind.TYPE_ID_TARGET;
import static dev.ebpf4j.btf.BtfCoreReloKind.TYPE_MATCHES;
import static dev.ebpf4j.btf.BtfCoreReloKind.TYPE_SIZE;
import static dev.ebpf4j.btf.core.CoreTesting.EXIT;
import static dev.ebpf4j.btf.core.CoreTesting.INT;
import static dev.ebpf4j.btf.core.CoreTesting.LONG;
import static dev.ebpf4j.btf.core.CoreTesting.POISON;
import static dev.ebpf4j.btf.core.CoreTesting.UINT;
import static dev.ebpf4j.btf.core.CoreTesting.apply;
import static dev.ebpf4j.btf.core.CoreTesting.builder;
import static dev.ebpf4j.btf.core.CoreTesting.lddw;
import static dev.ebpf4j.btf.core.CoreTesting.m;
import static dev.ebpf4j.btf.core.CoreTesting.mov;
import static dev.ebpf4j.btf.core.CoreTesting.relo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Type and enumerator relocations on synthetic BTF: existence, size, ids, type matching, enum and enum64 values. */
class CoreRelocatorTypeTest {

    @Test
    void typeExistenceSizeAndIds() {
        BtfBuilder l = builder();
        int task = l.add(new BtfStruct("task___mine", 8, List.of(m("pid", INT, 0))));     // 6
        int gone = l.add(new BtfStruct("gone", 4, List.of(m("x", INT, 0))));             // 7
        BtfBuilder t = builder();
        t.add(new BtfUnion("task", 8, List.of(m("pid", INT, 0))));      // same name, other kind: not a candidate
        int ttask = t.add(new BtfStruct("task", 64, List.of(m("x", LONG, 0), m("pid", INT, 64))));
        CoreResult r = apply(t.build(), List.of(mov(1), mov(8), lddw(task), mov(task), mov(1), mov(4), lddw(gone),
                EXIT), l.build(),
                relo(0, task, "0", TYPE_EXISTS), relo(1, task, "0", TYPE_SIZE), relo(2, task, "0", TYPE_ID_TARGET),
                relo(4, task, "0", TYPE_ID_LOCAL), relo(5, gone, "0", TYPE_EXISTS), relo(6, gone, "0", TYPE_SIZE),
                relo(7, gone, "0", TYPE_ID_TARGET));
        assertEquals(List.of(mov(1), mov(64), lddw(ttask), mov(task), mov(0), mov(0), lddw(0), EXIT),
                r.instructions());
        assertEquals(List.of(
                "prog 'test': relo #4: insn #5: type existence of struct gone not found in target BTF (it has no "
                        + "struct gone): value 0",
                "prog 'test': relo #5: insn #6: type size of struct gone not found in target BTF (it has no struct "
                        + "gone): value 0",
                "prog 'test': relo #6: insn #7: target type id of struct gone not found in target BTF (it has no "
                        + "struct gone): value 0"), r.notes());
    }

    @Test
    void typeIdsAreNotValidatedButOtherValuesAre() {
        BtfBuilder l = builder();
        int task = l.add(new BtfStruct("task", 8, List.of(m("pid", INT, 0))));
        BtfBuilder t = builder();
        int ttask = t.add(new BtfStruct("task", 64, List.of(m("pid", INT, 0))));
        Btf target = t.build();
        Btf local = l.build();
        // an instruction whose type id changed during linking is still relocated
        assertEquals(List.of(mov(ttask), mov(task), EXIT), apply(target, List.of(mov(99), mov(98), EXIT), local,
                relo(0, task, "0", TYPE_ID_TARGET), relo(1, task, "0", TYPE_ID_LOCAL)).instructions());
        assertThrows(dev.ebpf4j.ObjectFormatException.class, () -> apply(target, List.of(mov(9), EXIT), local,
                relo(0, task, "0", TYPE_SIZE)));
    }

    @Test
    void typeCompatibilityLooksThroughTypedefsPointersArraysAndPrototypes() {
        // local typedefs: u32___x -> unsigned int; fn_t -> int (*)(int, long); fn2_t -> int (*)(int); arr_t -> int[3]
        BtfBuilder l = builder();
        int u32 = l.add(new BtfTypedef("u32___x", UINT));
        int proto = l.add(new BtfFuncProto(INT, List.of(new BtfParam("a", INT), new BtfParam("b", LONG)), false));
        int fn = l.add(new BtfTypedef("fn_t", l.add(new BtfPtr(proto))));
        int proto1 = l.add(new BtfFuncProto(INT, List.of(new BtfParam("a", INT)), false));
        int fn2 = l.add(new BtfTypedef("fn2_t", l.add(new BtfPtr(proto1))));
        int arr = l.add(new BtfTypedef("arr_t", l.add(new BtfArray(INT, INT, 3))));
        BtfBuilder t = builder();
        t.add(new BtfTypedef("u32", UINT));
        int tproto = t.add(new BtfFuncProto(LONG, List.of(new BtfParam("", UINT), new BtfParam("", INT)), false));
        t.add(new BtfTypedef("fn_t", t.add(new BtfPtr(tproto))));
        t.add(new BtfTypedef("fn2_t", t.add(new BtfPtr(tproto))));           // two parameters: incompatible
        int tstruct = t.add(new BtfStruct("s", 4, List.of(m("x", INT, 0))));
        t.add(new BtfTypedef("arr_t", t.add(new BtfArray(tstruct, INT, 3)))); // array of struct: incompatible
        CoreResult r = apply(t.build(), List.of(mov(1), mov(1), mov(1), mov(1), EXIT), l.build(),
                relo(0, u32, "0", TYPE_EXISTS), relo(1, fn, "0", TYPE_EXISTS), relo(2, fn2, "0", TYPE_EXISTS),
                relo(3, arr, "0", TYPE_EXISTS));
        assertEquals(List.of(mov(1), mov(1), mov(0), mov(0), EXIT), r.instructions());
    }

    /** Relocates one TYPE_MATCHES of local type {@code id} and returns the result (0 or 1). */
    private static long matches(Btf local, int id, Btf target) {
        return apply(target, List.of(mov(1), EXIT), local, relo(0, id, "0", TYPE_MATCHES)).instructions().getFirst()
                .constant();
    }

    @Test
    void typeMatchesComparesMembersByNameAndType() {
        BtfBuilder t = builder();
        int tfwd = t.add(new BtfFwd("node", false));
        int tnp = t.add(new BtfPtr(tfwd));
        t.add(new BtfStruct("m", 24, List.of(m("b", INT, 0), m("a", INT, 32), m("next", tnp, 64),
                m("arr", t.add(new BtfArray(INT, INT, 2)), 128))));
        Btf target = t.build();

        BtfBuilder l = builder();
        int node = l.add(new BtfStruct("node", 4, List.of(m("v", INT, 0))));
        int np = l.add(new BtfPtr(node));
        int subset = l.add(new BtfStruct("m", 4, List.of(m("a", INT, 0))));
        int flavored = l.add(new BtfStruct("m___v2", 8, List.of(m("a", INT, 0), m("next", np, 64))));
        int unsigned = l.add(new BtfStruct("m___u", 4, List.of(m("a", UINT, 0))));
        int missing = l.add(new BtfStruct("m___x", 4, List.of(m("c", INT, 0))));
        int longer = l.add(new BtfStruct("m___l", 4, List.of(m("arr", l.add(new BtfArray(INT, INT, 3)), 0))));
        int union = l.add(new BtfUnion("m___n", 4, List.of(m("a", INT, 0))));
        Btf local = l.build();

        assertEquals(1, matches(local, subset, target), "a subset of the members, in another order");
        assertEquals(1, matches(local, flavored, target), "a struct behind a pointer matches a forward declaration");
        assertEquals(0, matches(local, unsigned, target), "signedness differs");
        assertEquals(0, matches(local, missing, target), "no member c");
        assertEquals(0, matches(local, longer, target), "array lengths differ");
        assertEquals(0, matches(local, union, target), "a union is no struct (and no candidate)");
    }

    @Test
    void typeMatchesOnEnumsIntegersTypedefsAndFloats() {
        BtfBuilder t = builder();
        t.add(new BtfEnum("color", 4, false, List.of(new BtfEnumValue("RED", 0), new BtfEnumValue("GREEN", 1))));
        t.add(new BtfTypedef("u32", UINT));
        t.add(new BtfTypedef("dbl", t.add(new BtfFloat("double", 8))));
        Btf target = t.build();
        BtfBuilder l = builder();
        int color = l.add(new BtfEnum("color", 4, false, List.of(new BtfEnumValue("GREEN___x", 5))));
        int color64 = l.add(new BtfEnum64("color___64", 4, false, List.of(new BtfEnumValue("RED", 0))));
        int small = l.add(new BtfEnum("color___s", 1, false, List.of(new BtfEnumValue("RED", 0))));
        int blue = l.add(new BtfEnum("color___b", 4, false, List.of(new BtfEnumValue("BLUE", 0))));
        int u32 = l.add(new BtfTypedef("u32___mine", UINT));
        int s32 = l.add(new BtfTypedef("u32___s", INT));
        int dbl = l.add(new BtfTypedef("dbl", l.add(new BtfFloat("double", 8))));
        Btf local = l.build();
        assertEquals(1, matches(local, color, target), "enumerators match by essential name, not value");
        assertEquals(1, matches(local, color64, target), "enum64 matches enum of the same size");
        assertEquals(0, matches(local, small, target), "sizes differ");
        assertEquals(0, matches(local, blue, target), "no enumerator BLUE");
        assertEquals(1, matches(local, u32, target));
        assertEquals(0, matches(local, s32, target), "signedness differs");
        assertEquals(0, matches(local, dbl, target), "libbpf does not match floats");
    }

    @Test
    void enumeratorValuesByName() {
        BtfBuilder l = builder();
        int e = l.add(new BtfEnum("state___mine", 4, false, List.of(new BtfEnumValue("ST_ON", 1),
                new BtfEnumValue("ST_OFF___old", 2), new BtfEnumValue("ST_GONE", 3))));
        BtfBuilder t = builder();
        t.add(new BtfEnum("state", 4, true, List.of(new BtfEnumValue("ST_OFF", -7), new BtfEnumValue("ST_ON", 9))));
        CoreResult r = apply(t.build(), List.of(lddw(1), mov(2), mov(1), mov(1), lddw(3), EXIT), l.build(),
                relo(0, e, "0", ENUMVAL_VALUE), relo(2, e, "1", ENUMVAL_VALUE), relo(3, e, "1", ENUMVAL_EXISTS),
                relo(4, e, "2", ENUMVAL_EXISTS), relo(5, e, "2", ENUMVAL_VALUE));
        assertEquals(List.of(lddw(9), mov(-7), mov(1), mov(0), POISON, POISON, EXIT), r.instructions());
        assertEquals(List.of(
                "prog 'test': relo #3: insn #4: enumerator existence of enum state___mine::ST_GONE (access 2) not "
                        + "found in target BTF (1 candidate enum state, none matches): value 0",
                "prog 'test': relo #4: insn #5: enumerator value of enum state___mine::ST_GONE (access 2) not found "
                        + "in target BTF (1 candidate enum state, none matches): instruction poisoned"), r.notes());
    }

    @Test
    void enum64ValuesNeedAnLddw() {
        BtfBuilder l = builder();
        int e = l.add(new BtfEnum("big", 4, false, List.of(new BtfEnumValue("HUGE", 5))));
        BtfBuilder t = builder();
        t.add(new BtfEnum64("big", 8, false, List.of(new BtfEnumValue("HUGE", 0x1_0000_0005L))));
        Btf target = t.build();
        Btf local = l.build();
        CoreResult r = apply(target, List.of(lddw(5), EXIT), local, relo(0, e, "0", ENUMVAL_VALUE));
        assertEquals(List.of(lddw(0x1_0000_0005L), EXIT), r.instructions());
        BpfException tooBig = assertThrows(BpfException.class, () -> apply(target, List.of(mov(5), EXIT), local,
                relo(0, e, "0", ENUMVAL_VALUE)));
        assertTrue(tooBig.getMessage().contains("does not fit a 32-bit immediate"), tooBig.getMessage());
    }

    @Test
    void thirtyTwoBitEnumeratorsAreSignExtendedAsLibbpfDoes() {
        // an unsigned 32-bit enumerator 0xffffffff is compared and written as the 64-bit value -1
        BtfBuilder l = builder();
        int e = l.add(new BtfEnum("mask", 4, false, List.of(new BtfEnumValue("ALL", 0xffff_ffffL))));
        BtfBuilder t = builder();
        t.add(new BtfEnum("mask", 4, false, List.of(new BtfEnumValue("ALL", 0x8000_0000L))));
        CoreResult r = apply(t.build(), List.of(lddw(-1), mov(-1), EXIT), l.build(),
                relo(0, e, "0", ENUMVAL_VALUE), relo(2, e, "0", ENUMVAL_VALUE));
        assertEquals(List.of(lddw(Integer.MIN_VALUE), mov(Integer.MIN_VALUE), EXIT), r.instructions());
    }

    @Test
    void enumAndEnum64AreCandidatesForEachOther() {
        BtfBuilder l = builder();
        int e = l.add(new BtfEnum64("wide", 8, true, List.of(new BtfEnumValue("W", 1))));
        BtfBuilder t = builder();
        t.add(new BtfEnum("wide", 4, true, List.of(new BtfEnumValue("W", -2))));
        assertEquals(List.of(lddw(-2), EXIT), apply(t.build(), List.of(lddw(1), EXIT), l.build(),
                relo(0, e, "0", ENUMVAL_VALUE)).instructions());
    }

    @Test
    void aPointerSizedTarget() {
        // TYPE_SIZE of a typedef to a pointer follows the target's pointer size
        BtfBuilder l = builder();
        int p = l.add(new BtfTypedef("ptr_t", l.add(new BtfPtr(0))));
        BtfBuilder t = new BtfBuilder();
        t.addInt("long", 4, BtfIntEncoding.SIGNED);
        t.add(new BtfTypedef("ptr_t", t.add(new BtfPtr(0))));
        assertEquals(List.of(mov(4), EXIT), apply(t.build(), List.of(mov(8), EXIT), l.build(),
                relo(0, p, "0", TYPE_SIZE)).instructions());
    }
}
