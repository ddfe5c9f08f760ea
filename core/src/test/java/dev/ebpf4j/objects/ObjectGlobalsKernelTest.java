package dev.ebpf4j.objects;

import dev.ebpf4j.BpfArgumentException;
import dev.ebpf4j.BpfException;
import dev.ebpf4j.BpfObject;
import dev.ebpf4j.MapFlags;
import dev.ebpf4j.ObjectSpec;
import dev.ebpf4j.Program;
import dev.ebpf4j.TestRun;
import dev.ebpf4j.Variable;
import dev.ebpf4j.VerifierException;
import dev.ebpf4j.testkit.KernelTest;
import org.junit.jupiter.api.Test;

import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.*;

/** Global data (loader_globals.bpf.c): .rodata constants, .data/.bss variables, custom sections, strings. */
@KernelTest
class ObjectGlobalsKernelTest {

    private static void compute(BpfObject obj, long input) {
        obj.program("compute").testRun(TestRun.withContext(Corpus.u64(input)));
    }

    @Test
    void variablesAreWrittenBeforeLoadReadAfterAndSharedWithTheProgram() {
        try (BpfObject obj = BpfObject.load(Corpus.spec("loader_globals"))) {
            compute(obj, 10);
            assertEquals(10 * 2 + 7 + 11, obj.variable("last_result").getLong(), "input × multiplier + custom values");
            assertEquals(1, obj.variable("bss_counter").getLong());
            assertEquals(101, obj.variable("data_counter").getLong());
            assertEquals(1, obj.variable("static_counter_copy").getInt(), "a static variable in .bss");
            assertEquals(13, obj.variable("message_length").getLong(), "bpf_strncmp against a .rodata.str literal");
            assertEquals("hello, ebpf4j", new String(obj.variable("greeting").get(), StandardCharsets.US_ASCII)
                    .replace("\0", ""));

            obj.variable("increment").setInt(5);
            obj.variable("data_counter").setLong(1000);
            compute(obj, 1);
            assertEquals(6, obj.variable("bss_counter").getLong(), "the program sees the new increment");
            assertEquals(1001, obj.variable("data_counter").getLong());
            assertEquals(2, obj.variable("static_counter_copy").getInt());

            Variable custom = obj.variable("custom_value");
            assertEquals(7, custom.segment().get(ValueLayout.JAVA_INT_UNALIGNED, 0));
            custom.segment().set(ValueLayout.JAVA_INT_UNALIGNED, 0, 100);
            compute(obj, 0);
            assertEquals(100 + 11, obj.variable("last_result").getLong(), "writes through segment() reach the program");

            Variable multiplier = obj.variable("multiplier");
            assertEquals(2, multiplier.getInt());
            assertTrue(multiplier.segment().isReadOnly());
            BpfArgumentException frozen = assertThrows(BpfArgumentException.class, () -> multiplier.setInt(3));
            assertTrue(frozen.getMessage().contains("frozen") && frozen.getMessage().contains("withVariable"),
                    frozen.getMessage());
            assertThrows(BpfException.class, () -> obj.map(".rodata").update(Corpus.u32(0),
                    new byte[obj.map(".rodata").valueSize()]), "the .rodata map is frozen");
            assertThrows(BpfArgumentException.class, () -> obj.variable("bss_counter").getInt(), "size checked");
        }
    }

    @Test
    void globalDataMapsHaveTheirSectionNamesAndFlags() {
        try (BpfObject obj = BpfObject.load(Corpus.spec("loader_globals"))) {
            assertEquals(".rodata", obj.map(".rodata").info().name());
            assertEquals(MapFlags.RDONLY_PROG | MapFlags.MMAPABLE, obj.map(".rodata").flags());
            assertEquals(".data.custom", obj.map(".data.custom").info().name());
            assertEquals(1, obj.map(".bss").maxEntries());
            assertTrue(obj.maps().keySet().stream().anyMatch(n -> n.startsWith(".rodata.str")), obj.maps().toString());
            assertTrue(obj.program("compute").info().btfId() > 0, "the object's BTF was loaded");
            assertTrue(obj.map(".data").info().btfId() > 0, "global data maps have BTF values");
        }
    }

    @Test
    void rodataConstantsSetBeforeLoadChangeTheResult() {
        ObjectSpec spec = Corpus.spec("loader_globals").withVariable("multiplier", 7).withVariable("custom_const", 100)
                .withVariable("data_counter", 500L);
        try (BpfObject obj = BpfObject.load(spec)) {
            compute(obj, 10);
            assertEquals(10 * 7 + 7 + 100, obj.variable("last_result").getLong());
            assertEquals(501, obj.variable("data_counter").getLong());
        }
    }

    @Test
    void aRodataConstantDecidesWhetherTheVerifierSeesInvalidCode() {
        ObjectSpec spec = Corpus.spec("loader_globals").withVariable("use_invalid_access", true);
        VerifierException e = assertThrows(VerifierException.class, () -> BpfObject.load(spec));
        assertTrue(e.getMessage().startsWith("object 'loader_globals.bpf.o': program 'compute' (syscall)"),
                e.getMessage());
        assertTrue(e.log().contains("invalid mem access"), e.log());
    }

    @Test
    void closingReleasesEverything() {
        BpfObject obj = BpfObject.load(Corpus.spec("loader_globals"));
        Program p = obj.program("compute");
        obj.close();
        assertTrue(p.isClosed());
        assertThrows(dev.ebpf4j.ClosedException.class, () -> obj.map(".data"));
        obj.close();
    }
}
