package dev.ebpf4j.btf;

import dev.ebpf4j.testkit.TestObjects;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.List;

import static dev.ebpf4j.btf.BtfTestSupport.VMLINUX;
import static dev.ebpf4j.btf.BtfTestSupport.section;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Lookups by id, name and kind, resolve, sizes, alignment and member paths, on an object's BTF and on vmlinux. */
class BtfLookupTest {
    private static Btf kinds;

    @BeforeAll
    static void parse() {
        kinds = Btf.parse(section(TestObjects.bpf("btf_kinds"), ".BTF"));
    }

    private static int id(Btf btf, String name, BtfKind kind) {
        return btf.findId(name, kind).orElseThrow(() -> new AssertionError(kind + " " + name + " not found"));
    }

    @Test
    void voidIsTypeZero() {
        assertSame(BtfVoid.INSTANCE, kinds.type(0));
        assertEquals(BtfKind.VOID, kinds.kind(0));
        assertEquals("", kinds.name(0));
        assertThrows(IllegalArgumentException.class, () -> kinds.type(kinds.typeCount()));
        assertThrows(IllegalArgumentException.class, () -> kinds.type(-1));
    }

    @Test
    void findsByNameAndKind() {
        int nested = id(kinds, "nested", BtfKind.STRUCT);
        assertEquals(nested, kinds.findStruct("nested").orElseThrow().id());
        assertTrue(kinds.findId("nested", BtfKind.UNION).isEmpty());
        assertTrue(kinds.findId("no_such_type", BtfKind.STRUCT).isEmpty());
        assertEquals(BtfLinkage.STATIC, kinds.findFunction("helper_static").orElseThrow().type().linkage());
        assertEquals(BtfLinkage.EXTERN, kinds.findFunction("bpf_extern_helper").orElseThrow().type().linkage());
        assertEquals("cv_counter_t", kinds.findTypedef("cv_counter_t").orElseThrow().name());
        assertTrue(kinds.find("colour", BtfEnumeration.class).isPresent(), "families work as lookup classes");
        assertEquals(0, kinds.idsByName("").length, "anonymous types are not indexed");
        assertEquals(0, kinds.idsByName("int\0x").length, "names never hold NUL");
        assertThrows(IllegalArgumentException.class, () -> kinds.string(-1));
        assertThrows(IllegalArgumentException.class, () -> kinds.string(kinds.bytes().byteSize()));
        assertTrue(kinds.find("fwd_only", BtfFwd.class).isPresent());
        assertTrue(kinds.findStruct("fwd_only").isEmpty(), "a forward declaration is no struct");
    }

    @Test
    void idsByNameListsEveryTypeOfThatNameInIdOrder() {
        BtfBuilder b = new BtfBuilder();
        int a = b.add(new BtfFwd("thing", false));
        b.addInt("int", 4, BtfIntEncoding.SIGNED);
        int c = b.add(new BtfStruct("thing", 0, List.of()));
        int d = b.add(new BtfFunc("thing", 0, BtfLinkage.GLOBAL));
        Btf btf = b.build();
        assertArrayEquals(new int[]{a, c, d}, btf.idsByName("thing"));
        assertEquals(d, btf.findFunction("thing").orElseThrow().id());
        assertEquals(c, btf.findStruct("thing").orElseThrow().id());
    }

    @Test
    void resolveSkipsTypedefsAndQualifiers() {
        int cv = id(kinds, "cv_counter_t", BtfKind.TYPEDEF);
        int uint = id(kinds, "unsigned int", BtfKind.INT);
        assertEquals(uint, kinds.resolveId(cv));
        assertEquals(kinds.type(uint), kinds.resolve(cv));
        int nested = id(kinds, "nested", BtfKind.STRUCT);
        assertEquals(nested, kinds.resolveId(nested));
        BtfMember userPtr = member(nested, "user_ptr").member();
        BtfPtr ptr = assertInstanceOf(BtfPtr.class, kinds.type(userPtr.typeId()));
        assertEquals(BtfKind.TYPE_TAG, kinds.kind(ptr.typeId()));
        assertEquals(id(kinds, "int", BtfKind.INT), kinds.resolveId(ptr.typeId()), "type tags are skipped");
    }

    @Test
    void sizesAndAlignments() {
        int nested = id(kinds, "nested", BtfKind.STRUCT);
        assertEquals(144, kinds.sizeOf(nested));
        assertEquals(8, kinds.alignOf(nested));
        int counters = member(nested, "counters").typeId();
        assertEquals(4 * 2 * 4, kinds.sizeOf(counters));
        assertEquals(4, kinds.alignOf(counters));
        assertEquals(8, kinds.sizeOf(member(nested, "callback").typeId()));
        assertEquals(4, kinds.sizeOf(id(kinds, "cv_counter_t", BtfKind.TYPEDEF)));
        assertEquals(144, kinds.sizeOf(id(kinds, "global_nested", BtfKind.VAR)), "a VAR has its type's size");
        assertEquals(8, kinds.pointerSize());
        assertEquals(8, kinds.sizeOf(id(kinds, "big", BtfKind.ENUM64)));
        assertEquals(1, kinds.alignOf(id(kinds, "char", BtfKind.INT)));
        assertThrows(IllegalArgumentException.class, () -> kinds.sizeOf(0));
        assertThrows(IllegalArgumentException.class, () -> kinds.sizeOf(id(kinds, "helper_global", BtfKind.FUNC)));
        assertThrows(IllegalArgumentException.class, () -> kinds.sizeOf(id(kinds, "fwd_only", BtfKind.FWD)));
    }

    @Test
    void packedStructsAlignToOne() {
        BtfBuilder b = new BtfBuilder();
        int i = b.addInt("int", 4, BtfIntEncoding.SIGNED);
        int packed = b.add(new BtfStruct("packed", 5, List.of(new BtfMember("c", i, 0, 0),
                new BtfMember("i", i, 8, 0))));
        int odd = b.add(new BtfStruct("odd_size", 6, List.of(new BtfMember("i", i, 0, 0))));
        Btf btf = b.build();
        assertEquals(1, btf.alignOf(packed));
        assertEquals(1, btf.alignOf(odd));
    }

    private BtfMemberPath member(int id, String path) {
        return kinds.member(id, path).orElseThrow(() -> new AssertionError("no member " + path));
    }

    @Test
    void membersOfAnonymousStructsAndUnionsAreFoundWithTheirPath() {
        int nested = id(kinds, "nested", BtfKind.STRUCT);
        BtfMemberPath kind = member(nested, "kind");
        assertEquals(0, kind.bitOffset());
        assertEquals(List.of(0), kind.indices());
        BtfMemberPath hi = member(nested, "hi");              // union { struct { short lo; short hi; }; int whole; }
        assertEquals(48, hi.bitOffset());
        assertEquals(6, hi.byteOffset());
        assertEquals(List.of(1, 0, 1), hi.indices());
        assertEquals("1:0:1", hi.accessString());
        BtfMemberPath whole = member(nested, "whole");
        assertEquals(32, whole.bitOffset());
        assertEquals(List.of(1, 1), whole.indices());
        assertTrue(kinds.member(nested, "nothing").isEmpty());
    }

    @Test
    void dottedPathsDescendIntoNamedMembersAndBitfields() {
        int nested = id(kinds, "nested", BtfKind.STRUCT);
        BtfMemberPath d = member(nested, "b.d");                  // struct bits b at 64; d : 40 at bit 15
        assertEquals(64 + 15, d.bitOffset());
        assertEquals(40, d.bitfieldSize());
        assertEquals(List.of(2, 3), d.indices());
        assertEquals(192, member(nested, "n.d").bitOffset());  // union number n at byte 24, d at 0
        assertTrue(kinds.member(nested, "kind.x").isEmpty(), "int has no members");
        assertThrows(IllegalArgumentException.class, () -> kinds.member(nested, "b..d"));
        int cv = id(kinds, "cv_counter_t", BtfKind.TYPEDEF);
        assertThrows(IllegalArgumentException.class, () -> kinds.member(cv, "x"), "not a struct or union");
    }

    @Test
    void vmlinuxAttachTargets() {
        assumeTrue(Files.isReadable(VMLINUX), "no kernel BTF at " + VMLINUX);
        Btf vmlinux = Btf.vmlinux();
        BtfEntry<BtfTypedef> tp = vmlinux.findTypedef("btf_trace_sched_switch").orElseThrow();
        BtfPtr ptr = assertInstanceOf(BtfPtr.class, vmlinux.type(tp.type().typeId()));
        BtfFuncProto proto = assertInstanceOf(BtfFuncProto.class, vmlinux.type(ptr.typeId()));
        // typedef void (*btf_trace_sched_switch)(void *, bool, struct task_struct *, struct task_struct *,
        //                                       unsigned int);
        assertEquals(0, proto.returnTypeId());
        assertEquals(BtfPtr.class, vmlinux.type(proto.params().get(0).typeId()).getClass());
        assertEquals(0, ((BtfPtr) vmlinux.type(proto.params().get(0).typeId())).typeId(), "first param is void *");
        int task = vmlinux.findStruct("task_struct").orElseThrow().id();
        BtfPtr prev = (BtfPtr) vmlinux.type(proto.params().get(2).typeId());
        assertEquals(task, vmlinux.resolveId(prev.typeId()));

        BtfEntry<BtfFunc> iter = vmlinux.findFunction("bpf_iter_task").orElseThrow();
        assertInstanceOf(BtfFuncProto.class, vmlinux.type(iter.type().typeId()));
        assertEquals(BtfKind.FUNC, vmlinux.kind(iter.id()));
        assertFalse(vmlinux.findFunction("btf_trace_sched_switch").isPresent());
    }

    @Test
    void vmlinuxUapiMemberOffsets() {
        assumeTrue(Files.isReadable(VMLINUX), "no kernel BTF at " + VMLINUX);
        Btf vmlinux = Btf.vmlinux();
        int linkInfo = vmlinux.findStruct("bpf_link_info").orElseThrow().id();
        int attr = vmlinux.findId("bpf_attr", BtfKind.UNION).orElseThrow();
        // UAPI offsets: fixed forever, so they can be written down.
        assertEquals(16, vmlinux.member(linkInfo, "raw_tracepoint.tp_name").orElseThrow().byteOffset());
        assertEquals(24, vmlinux.member(linkInfo, "perf_event.uprobe.file_name").orElseThrow().byteOffset());
        assertEquals(28, vmlinux.member(linkInfo, "iter.map.map_id").orElseThrow().byteOffset());
        assertEquals(24, vmlinux.member(attr, "link_create.tracing.cookie").orElseThrow().byteOffset());
        assertEquals(108, vmlinux.member(attr, "attach_btf_id").orElseThrow().byteOffset());
        assertEquals(56, vmlinux.member(attr, "link_create.uprobe_multi.pid").orElseThrow().byteOffset());
        assertEquals(0, vmlinux.member(attr, "map_type").orElseThrow().byteOffset());
    }
}
