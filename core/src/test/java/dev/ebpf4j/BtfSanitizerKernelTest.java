package dev.ebpf4j;

import dev.ebpf4j.btf.Btf;
import dev.ebpf4j.btf.BtfKind;
import dev.ebpf4j.btf.BtfType;
import dev.ebpf4j.elf.ElfFile;
import dev.ebpf4j.internal.loader.BtfBlob;
import dev.ebpf4j.internal.loader.BtfSanitizer;
import dev.ebpf4j.internal.loader.ObjectModel;
import dev.ebpf4j.internal.loader.ObjectParser;
import dev.ebpf4j.internal.sys.BtfLoad;
import dev.ebpf4j.internal.sys.Fd;
import dev.ebpf4j.testkit.KernelTest;
import dev.ebpf4j.testkit.TestObjects;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;

/**
 * BTF sanitising for kernels that lack newer kinds, as each BTF generation since Linux 4.18 would need it, on an
 * object that uses every kind clang emits (btf_kinds.bpf.o): the kernel accepts what remains and the object loads.
 */
@KernelTest
class BtfSanitizerKernelTest {
    /** The kinds of the first BTF (Linux 4.18). */
    private static final Set<BtfKind> OLDEST = EnumSet.range(BtfKind.INT, BtfKind.RESTRICT);

    private static ObjectModel model() {
        return ObjectParser.parse(ElfFile.read(TestObjects.bpf("btf_kinds")), "btf_kinds.bpf.o");
    }

    /** What a kernel of each BTF generation accepts: 4.18, 5.0, 5.2, 5.6, 5.13, 5.16, 5.17 (6.0 has all). */
    private static List<BtfSanitizer.Support> generations() {
        List<BtfSanitizer.Support> out = new java.util.ArrayList<>();
        Set<BtfKind> kinds = EnumSet.copyOf(OLDEST);
        out.add(new BtfSanitizer.Support(kinds, false));
        kinds.add(BtfKind.FUNC);
        kinds.add(BtfKind.FUNC_PROTO);
        out.add(new BtfSanitizer.Support(kinds, false));
        kinds.add(BtfKind.VAR);
        kinds.add(BtfKind.DATASEC);
        out.add(new BtfSanitizer.Support(kinds, false));
        out.add(new BtfSanitizer.Support(kinds, true));
        for (BtfKind k : List.of(BtfKind.FLOAT, BtfKind.DECL_TAG, BtfKind.TYPE_TAG)) {
            kinds.add(k);
            out.add(new BtfSanitizer.Support(kinds, true));
        }
        return out;
    }

    @Test
    void sanitisedBtfUsesOnlyTheOldestKindsKeepsIdsAndTheKernelAcceptsIt() {
        ObjectModel m = model();
        List<BtfType> types = BtfSanitizer.sanitize(m.btfTypes(), new BtfSanitizer.Support(OLDEST, false));
        assertTrue(types.size() >= m.btfTypes().size());
        Set<BtfKind> kinds = types.stream().map(BtfType::kind).collect(Collectors.toSet());
        assertTrue(OLDEST.containsAll(kinds), kinds.toString());
        for (int i = 0; i < m.btfTypes().size(); i++) {
            BtfType before = m.btfTypes().get(i);
            if (OLDEST.contains(before.kind())) assertEquals(before, types.get(i), "untouched kinds stay");
        }
        byte[] blob = BtfBlob.encode(types, List.of()).bytes();
        Btf parsed = Btf.parse(blob);
        assertEquals(types.size() + 1, parsed.typeCount());
        try (Fd fd = BtfLoad.load(blob, "sanitised btf_kinds")) {
            assertTrue(fd.get() > 0);
        }
    }

    @Test
    void everyOlderBtfGenerationGetsBtfItAcceptsAndTheObjectStillLoads() {
        for (BtfSanitizer.Support s : generations()) {
            List<BtfType> types = BtfSanitizer.sanitize(model().btfTypes(), s);
            for (BtfType t : types) {
                assertTrue(s.kinds().contains(t.kind()), s + " left " + t);
            }
            ObjectSpec kindsSpec = ObjectSpec.read(TestObjects.bpf("btf_kinds")).withAutoload("handle_openat", false);
            try (BpfObject obj = BpfObject.load(kindsSpec, BpfObject.LoadOptions.DEFAULT, s)) {
                assertTrue(obj.notes().stream().anyMatch(n -> n.startsWith("BTF sanitised")), obj.notes().toString());
                assertTrue(obj.notes().stream().noneMatch(n -> n.contains("rejected the object's BTF")),
                        s + ": " + obj.notes());
                assertTrue(obj.map("nested_map").info().btfId() > 0, s + ": maps get the sanitised BTF");
            }
            ObjectSpec globals = ObjectSpec.read(TestObjects.bpf("loader_globals"));
            try (BpfObject obj = BpfObject.load(globals, BpfObject.LoadOptions.DEFAULT, s)) {
                assertTrue(obj.notes().stream().noneMatch(n -> n.contains("rejected the object's BTF")),
                        s + ": " + obj.notes());
                Program p = obj.program("compute");
                assertEquals(s.funcInfo(), p.info().btfId() > 0, s + ": programs carry the BTF when func_info can go");
                p.testRun(TestRun.withContext(java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.nativeOrder())
                        .putLong(10).array()));
                assertEquals(38, obj.variable("last_result").getLong());
            }
            if (!s.funcInfo()) continue;   // callbacks (bpf_loop, ...) need func_info; their kernels have FUNC
            try (BpfObject obj = BpfObject.load(ObjectSpec.read(TestObjects.bpf("loader_subprogs")),
                    BpfObject.LoadOptions.DEFAULT, s)) {
                assertEquals(4, obj.program("first").info().funcInfoCount());
            }
        }
    }

    @Test
    void aKernelWithEveryKindGetsTheBtfUnchanged() {
        ObjectModel m = model();
        assertSame(m.btfTypes(), BtfSanitizer.sanitize(m.btfTypes(), BtfSanitizer.Support.all()));
        assertTrue(BtfSanitizer.Support.probe().complete(), "Linux 6.18 has every BTF kind: "
                + BtfSanitizer.Support.probe());
    }
}
