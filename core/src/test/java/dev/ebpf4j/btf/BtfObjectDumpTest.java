package dev.ebpf4j.btf;

import dev.ebpf4j.testkit.TestObjects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;

import static dev.ebpf4j.btf.BtfTestSupport.assertSameListing;
import static dev.ebpf4j.btf.BtfTestSupport.onPath;
import static dev.ebpf4j.btf.BtfTestSupport.run;
import static dev.ebpf4j.btf.BtfTestSupport.section;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The .BTF of clang-compiled test objects (src/test/bpf/btf_*.bpf.c) parses and lists exactly as bpftool lists it. */
class BtfObjectDumpTest {

    @ParameterizedTest
    @ValueSource(strings = {"btf_kinds", "btf_core"})
    void objectBtfListsLikeBpftool(String name) throws IOException {
        assumeTrue(onPath("bpftool"), "bpftool (the oracle) is not installed; ./run-tests installs it");
        Path object = TestObjects.bpf(name);
        Btf btf = Btf.parse(section(object, ".BTF"));
        byte[] expected = run("bpftool", "btf", "dump", "file", object.toString());
        assertSameListing(expected, BtfDump.raw(btf).getBytes(StandardCharsets.UTF_8), name);
    }

    @Test
    void rawSectionFileListsLikeTheObject() throws IOException {
        assumeTrue(onPath("bpftool"), "bpftool (the oracle) is not installed; ./run-tests installs it");
        Path raw = Files.createTempFile("btf_kinds", ".btf");
        try {
            Files.write(raw, section(TestObjects.bpf("btf_kinds"), ".BTF"));
            Btf btf = Btf.read(raw);
            assertSameListing(run("bpftool", "btf", "dump", "file", raw.toString()),
                    BtfDump.raw(btf).getBytes(StandardCharsets.UTF_8), "raw .BTF file");
        } finally {
            Files.delete(raw);
        }
    }

    @Test
    void kindsObjectUsesEveryKind() {
        Btf btf = Btf.parse(section(TestObjects.bpf("btf_kinds"), ".BTF"));
        Set<BtfKind> seen = EnumSet.noneOf(BtfKind.class);
        for (BtfType t : btf.types()) seen.add(t.kind());
        Set<BtfKind> all = EnumSet.allOf(BtfKind.class);
        all.remove(BtfKind.VOID);
        assertEquals(all, seen);
    }
}
