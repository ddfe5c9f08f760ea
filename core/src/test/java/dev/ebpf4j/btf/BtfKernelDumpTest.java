package dev.ebpf4j.btf;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.BufferedWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.ebpf4j.btf.BtfTestSupport.VMLINUX;
import static dev.ebpf4j.btf.BtfTestSupport.assertSameListing;
import static dev.ebpf4j.btf.BtfTestSupport.onPath;
import static dev.ebpf4j.btf.BtfTestSupport.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The running kernel's BTF (vmlinux and every module) parses and lists exactly as bpftool lists it. */
class BtfKernelDumpTest {

    static byte[] dump(Btf btf) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 20);
        try (Writer w = new BufferedWriter(new OutputStreamWriter(bytes, StandardCharsets.UTF_8), 1 << 16)) {
            BtfDump.raw(btf, w);
        }
        return bytes.toByteArray();
    }

    private static void assumeKernelBtfAndBpftool() {
        assumeTrue(Files.isReadable(VMLINUX), "no kernel BTF at " + VMLINUX);
        assumeTrue(onPath("bpftool"), "bpftool (the oracle) is not installed; ./run-tests installs it");
    }

    @Test
    void vmlinuxListsLikeBpftool() throws IOException {
        assumeKernelBtfAndBpftool();
        Btf btf = Btf.vmlinux();
        assertEquals(1, btf.firstTypeId());
        assertTrue(btf.typeCount() > 10_000, "vmlinux has many types: " + btf.typeCount());
        assertSameListing(run("bpftool", "btf", "dump", "file", VMLINUX.toString()), dump(btf), "vmlinux");
    }

    @TestFactory
    List<DynamicTest> everyModuleParsesSplitOnVmlinuxAndListsLikeBpftool() {
        assumeKernelBtfAndBpftool();
        List<DynamicTest> tests = new ArrayList<>();
        for (String module : Btf.moduleNames()) {
            tests.add(DynamicTest.dynamicTest(module, () -> {
                Btf btf = Btf.module(module);
                assertSame(Btf.vmlinux(), btf.base().orElseThrow());
                assertEquals(Btf.vmlinux().typeCount(), btf.firstTypeId());
                byte[] expected = run("bpftool", "-B", VMLINUX.toString(), "btf", "dump", "file",
                        "/sys/kernel/btf/" + module);
                assertSameListing(expected, dump(btf), module);
            }));
        }
        return tests;
    }

    @Test
    void vmlinuxIsParsedOnceEvenWhenAskedConcurrently() throws Exception {
        assumeTrue(Files.isReadable(VMLINUX), "no kernel BTF at " + VMLINUX);
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            List<Callable<Btf>> tasks = new ArrayList<>();
            for (int i = 0; i < 16; i++) tasks.add(Btf::vmlinux);
            Btf first = Btf.vmlinux();
            for (Future<Btf> f : pool.invokeAll(tasks)) assertSame(first, f.get());
        }
    }

    @Test
    void vmlinuxHoldsTheFileContentsWhetherMappedOrRead() throws IOException {
        assumeTrue(Files.isReadable(VMLINUX), "no kernel BTF at " + VMLINUX);
        byte[] file = Files.readAllBytes(VMLINUX);
        byte[] held = Btf.vmlinux().bytes().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
        assertTrue(java.util.Arrays.equals(file, held), "same bytes (" + (Btf.vmlinux().bytes().isNative()
                ? "mapped" : "read") + ")");
        assertEquals(Btf.read(VMLINUX).typeCount(), Btf.vmlinux().typeCount());
    }

    @Test
    void moduleNamesExcludeVmlinux() {
        assertTrue(Btf.moduleNames().stream().noneMatch("vmlinux"::equals));
    }
}
