package dev.ebpf4j.btf;

import dev.ebpf4j.ObjectFormatException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.ebpf4j.btf.BtfTestSupport.VMLINUX;
import static dev.ebpf4j.btf.BtfTestSupport.assertSameListing;
import static dev.ebpf4j.btf.BtfTestSupport.onPath;
import static dev.ebpf4j.btf.BtfTestSupport.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Split BTF (how kernel modules ship BTF): ids and string offsets continue the base's; lookups see both. */
class BtfSplitTest {

    private static Btf smallBase() {
        BtfBuilder b = new BtfBuilder();
        b.addInt("int", 4, BtfIntEncoding.SIGNED);                                            // 1
        b.add(new BtfStruct("base_thing", 4, List.of(new BtfMember("x", 1, 0, 0))));         // 2
        b.add(new BtfFwd("shared_name", false));                                              // 3
        return b.build();
    }

    @Test
    void splitContinuesIdsAndStrings() {
        Btf base = smallBase();
        BtfBuilder b = new BtfBuilder(base);
        int ptr = b.addPtr(2);
        int own = b.add(new BtfStruct("shared_name", 16, List.of(new BtfMember("thing", ptr, 0, 0),
                new BtfMember("x", 1, 64, 0))));
        long stringOffset = b.addString("module.c");
        Btf split = Btf.parse(b.toBytes(), "split", base);

        assertEquals(4, split.firstTypeId());
        assertEquals(4, ptr);
        assertEquals(6, split.typeCount());
        assertEquals(2, split.types().size());
        assertSame(base, split.base().orElseThrow());
        assertEquals(base.type(2), split.type(2));
        assertEquals("int", split.name(1));
        assertTrue(stringOffset >= base.stringsEnd());
        assertEquals("module.c", split.string(stringOffset));
        assertEquals("base_thing", split.string("\0int\0".length()), "base strings by base offsets");
        assertArrayEquals(new int[]{3, own}, split.idsByName("shared_name"), "base ids first");
        assertEquals(own, split.findStruct("shared_name").orElseThrow().id());
        assertEquals(2, split.findStruct("base_thing").orElseThrow().id());
        assertEquals(64, split.member(own, "x").orElseThrow().bitOffset());
        assertEquals(16, split.sizeOf(own));
        assertEquals(BtfKind.STRUCT, split.resolve(((BtfPtr) split.type(ptr)).typeId()).kind());
        assertEquals(List.of(split.type(4), split.type(5)), Btf.parse(BtfWriter.write(split), "again", base).types());

        Btf second = new BtfBuilder(split).build();
        assertEquals(split.typeCount(), second.firstTypeId(), "a split may itself be a base");
        assertEquals(BtfKind.INT, second.kind(1));
    }

    @Test
    void splitWithoutStringsIsValid() {
        Btf base = smallBase();
        byte[] blob = BtfWriter.write(List.of(new BtfPtr(2), new BtfConst(4)), base);
        assertEquals(0, ByteBuffer.wrap(blob).order(ByteOrder.LITTLE_ENDIAN).getInt(20), "no own strings");
        Btf split = Btf.parse(blob, "split", base);
        assertEquals(2, split.resolveId(2));
        assertEquals(4, split.resolveId(5));
    }

    @Test
    void splitReferencesAreChecked() {
        Btf base = smallBase();
        byte[] blob = BtfWriter.write(List.of(new BtfPtr(2)), base);
        ByteBuffer.wrap(blob).order(ByteOrder.LITTLE_ENDIAN).putInt(24 + 8, 5);     // PTR -> [5], past the end
        ObjectFormatException e = assertThrows(ObjectFormatException.class, () -> Btf.parse(blob, "split", base));
        assertEquals(24 + 8, e.offset());
        assertEquals("split", e.section());
        assertThrows(ObjectFormatException.class, () -> Btf.parse(blob), "without its base the ids make no sense");
    }

    @Test
    void splitOnVmlinuxListsLikeBpftool() throws IOException {
        assumeTrue(Files.isReadable(VMLINUX), "no kernel BTF at " + VMLINUX);
        assumeTrue(onPath("bpftool"), "bpftool (the oracle) is not installed; ./run-tests installs it");
        Btf vmlinux = Btf.vmlinux();
        int task = vmlinux.findStruct("task_struct").orElseThrow().id();
        int intId = vmlinux.findId("int", BtfKind.INT).orElseThrow();
        BtfBuilder b = new BtfBuilder(vmlinux);
        int taskPtr = b.addPtr(task);
        int s = b.add(new BtfStruct("ebpf4j_module_state", 16, List.of(new BtfMember("task", taskPtr, 0, 0),
                new BtfMember("pid", intId, 64, 0), new BtfMember("flags", intId, 96, 3))));
        int proto = b.add(new BtfFuncProto(intId, List.of(new BtfParam("state", b.addPtr(s))), false));
        b.add(new BtfFunc("ebpf4j_module_fn", proto, BtfLinkage.GLOBAL));
        b.add(new BtfDatasec(".data..percpu", 16, List.of()));
        Path file = Files.createTempFile("split", ".btf");
        try {
            Files.write(file, b.toBytes());
            Btf split = Btf.read(file, vmlinux);
            assertEquals(vmlinux.typeCount(), split.firstTypeId());
            assertEquals(task, split.findStruct("task_struct").orElseThrow().id());
            assertEquals(s, split.findStruct("ebpf4j_module_state").orElseThrow().id());
            byte[] expected = run("bpftool", "-B", VMLINUX.toString(), "btf", "dump", "file", file.toString());
            assertSameListing(expected, BtfDump.raw(split).getBytes(StandardCharsets.UTF_8), "split on vmlinux");
        } finally {
            Files.delete(file);
        }
    }
}
