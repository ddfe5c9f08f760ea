package dev.ebpf4j.objects;

import dev.ebpf4j.BpfArgumentException;
import dev.ebpf4j.MapFlags;
import dev.ebpf4j.MapSpec;
import dev.ebpf4j.MapType;
import dev.ebpf4j.ObjectSpec;
import dev.ebpf4j.ProgramType;
import dev.ebpf4j.StructOpsSpec;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** struct_ops variables in the spec layer (no kernel): parsing, maps, autoload and autocreate, member edits. */
class ObjectStructOpsSpecTest {
    private static ObjectSpec spec() {
        return Corpus.spec("loader_struct_ops_link");
    }

    private static String text(byte[] b) {
        int n = 0;
        while (n < b.length && b[n] != 0) n++;
        return new String(b, 0, n, StandardCharsets.US_ASCII);
    }

    @Test
    void structOpsVariablesAreParsedWithTheirProgramsAndData() {
        ObjectSpec spec = spec();
        assertEquals(List.of("ebpf4j_cc_link", "ebpf4j_cc_off"), spec.structOps().stream().map(StructOpsSpec::name)
                .toList());
        StructOpsSpec link = spec.structOps("ebpf4j_cc_link");
        assertEquals("tcp_congestion_ops", link.typeName());
        assertEquals(".struct_ops.link", link.section());
        assertTrue(link.link());
        assertTrue(link.autocreate());
        assertEquals(List.of("name", "undo_cwnd", "cong_avoid", "flags", "init", "ssthresh"),
                link.members().stream().map(StructOpsSpec.Member::name).toList());
        assertEquals("ebpf4j_init", link.program("init").orElseThrow());
        assertTrue(link.program("flags").isEmpty());
        assertEquals("ebpf4j_cc_link", text(link.memberValue("name")));
        assertEquals(16, link.member("name").size());

        StructOpsSpec off = spec.structOps("ebpf4j_cc_off");
        assertEquals("?.struct_ops", off.section());
        assertFalse(off.link());
        assertFalse(off.autocreate());
        assertEquals("ebpf4j_off_ssthresh", off.program("ssthresh").orElseThrow());
        assertTrue(off.program("init").isEmpty(), "not set in C");
    }

    @Test
    void eachVariableIsAStructOpsMapOfOneEntry() {
        MapSpec link = spec().map("ebpf4j_cc_link");
        assertEquals(MapType.STRUCT_OPS, link.type());
        assertEquals(4, link.keySize());
        assertEquals(spec().structOps("ebpf4j_cc_link").data().length, link.valueSize(),
                "the object's struct until the loader knows the kernel's");
        assertEquals(1, link.maxEntries());
        assertEquals(MapFlags.LINK, link.flags());
        assertEquals(0, spec().map("ebpf4j_cc_off").flags());
    }

    @Test
    void programsLoadExactlyWhenACreatedVariableNamesThem() {
        ObjectSpec spec = spec();
        for (String p : List.of("ebpf4j_init", "ebpf4j_ssthresh", "ebpf4j_cong_avoid", "ebpf4j_undo_cwnd")) {
            assertTrue(spec.autoload(p), p);
            assertEquals(ProgramType.STRUCT_OPS, spec.program(p).type());
        }
        assertFalse(spec.autoload("ebpf4j_off_ssthresh"), "only ?.struct_ops uses it");

        ObjectSpec swapped = spec.withAutocreate("ebpf4j_cc_off", true).withAutocreate("ebpf4j_cc_link", false);
        assertFalse(swapped.structOps("ebpf4j_cc_link").autocreate());
        assertTrue(swapped.structOps("ebpf4j_cc_off").autocreate());
        assertEquals(List.of("ebpf4j_cong_avoid", "ebpf4j_undo_cwnd", "ebpf4j_off_ssthresh"),
                swapped.autoloadedPrograms(), "init and ssthresh were only the link variable's");
        assertTrue(spec.withAutoload("ebpf4j_init", false).withAutocreate("ebpf4j_cc_off", false)
                .autoloadedPrograms().contains("ebpf4j_ssthresh"));
        BpfArgumentException data = assertThrows(BpfArgumentException.class, () -> spec.withAutocreate(".bss", false));
        assertTrue(data.getMessage().contains("map '.bss' of object 'loader_struct_ops_link.bpf.o' is not a struct_ops "
                + "variable"), data.getMessage());
    }

    @Test
    void dataMembersCanBeSetBeforeLoading() {
        ObjectSpec renamed = spec().withStructOpsMember("ebpf4j_cc_link", "name",
                "other".getBytes(StandardCharsets.US_ASCII));
        byte[] name = renamed.structOps("ebpf4j_cc_link").memberValue("name");
        assertEquals("other", text(name));
        assertTrue(Arrays.equals(new byte[16 - 5], Arrays.copyOfRange(name, 5, 16)), "zero-padded");
        assertEquals("ebpf4j_cc_link", text(spec().structOps("ebpf4j_cc_link").memberValue("name")), "a copy");

        BpfArgumentException pointer = assertThrows(BpfArgumentException.class,
                () -> spec().withStructOpsMember("ebpf4j_cc_link", "init", new byte[8]));
        assertTrue(pointer.getMessage().contains("is a function pointer"), pointer.getMessage());
        BpfArgumentException tooLong = assertThrows(BpfArgumentException.class,
                () -> spec().withStructOpsMember("ebpf4j_cc_link", "name", new byte[17]));
        assertTrue(tooLong.getMessage().endsWith("is 16 bytes, got 17"), tooLong.getMessage());
        BpfArgumentException member = assertThrows(BpfArgumentException.class,
                () -> spec().withStructOpsMember("ebpf4j_cc_link", "nmae", new byte[1]));
        assertTrue(member.getMessage().contains("has no member 'nmae'; its members are [name, undo_cwnd, "
                + "cong_avoid, flags, init, ssthresh]"), member.getMessage());
        BpfArgumentException map = assertThrows(BpfArgumentException.class, () -> spec().structOps("nope"));
        assertTrue(map.getMessage().contains("its struct_ops variables are [ebpf4j_cc_link, ebpf4j_cc_off]"),
                map.getMessage());
    }
}
