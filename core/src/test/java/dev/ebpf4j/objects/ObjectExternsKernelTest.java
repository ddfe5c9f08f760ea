package dev.ebpf4j.objects;

import dev.ebpf4j.BpfException;
import dev.ebpf4j.BpfObject;
import dev.ebpf4j.ObjectSpec;
import dev.ebpf4j.TestRun;
import dev.ebpf4j.VerifierException;
import dev.ebpf4j.features.Features;
import dev.ebpf4j.features.MiscFeature;
import dev.ebpf4j.internal.Kallsyms;
import dev.ebpf4j.internal.KernelConfig;
import dev.ebpf4j.testkit.KernelTest;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.*;

/** __kconfig and __ksym externs and kfunc calls (loader_externs.bpf.c, loader_kfuncs.bpf.c). */
@KernelTest
class ObjectExternsKernelTest {

    @Test
    void kconfigAndUntypedKsymExternsHoldTheRunningKernelsValues() {
        try (BpfObject obj = BpfObject.load(Corpus.spec("loader_externs"))) {
            obj.program("read_config").testRun(TestRun.withContext(new byte[8]));
            ByteBuffer seen = ByteBuffer.wrap(obj.variable("seen").get()).order(ByteOrder.nativeOrder());
            KernelConfig config = KernelConfig.running();
            assertEquals(KernelConfig.versionCode(), seen.getLong(0), "LINUX_KERNEL_VERSION");
            assertEquals(Features.misc(MiscFeature.BPF_COOKIE).available() ? 1 : 0, seen.getLong(8));
            assertEquals(config.value("CONFIG_ARCH_HAS_SYSCALL_WRAPPER").orElse("n").equals("y") ? 1 : 0,
                    seen.getLong(16), "LINUX_HAS_SYSCALL_WRAPPER");
            assertEquals(1, seen.getLong(24), "CONFIG_BPF_SYSCALL=y as bool");
            assertEquals(tristate(config.value("CONFIG_BPF_JIT").orElse("n")), seen.getLong(32));
            assertEquals(tristate(config.value("CONFIG_KPROBES").orElse("n")), seen.getLong(40));
            assertEquals(Long.parseLong(config.value("CONFIG_HZ").orElseThrow()), seen.getLong(48));
            assertEquals(0, seen.getLong(56), "weak missing bool");
            assertEquals(0, seen.getLong(64), "weak missing number");
            assertEquals(Kallsyms.get().address("bpf_prog_put").orElseThrow(), seen.getLong(72), "untyped ksym");
            assertEquals(0, seen.getLong(80), "weak missing ksym");
            String hostname = new String(obj.variable("seen").get(), 96, 16, StandardCharsets.US_ASCII)
                    .replace("\0", "");
            assertEquals(config.value("CONFIG_DEFAULT_HOSTNAME").orElse(""), hostname);
            assertTrue(obj.map(".kconfig").info().btfId() > 0);
            assertThrows(BpfException.class, () -> obj.map(".kconfig").update(Corpus.u32(0),
                    new byte[obj.map(".kconfig").valueSize()]), "frozen");
        }
    }

    private static long tristate(String v) {
        return switch (v) {
            case "y" -> 1;
            case "m" -> 2;
            default -> 0;
        };
    }

    @Test
    void typedPerCpuKsymNeedsTheVariableInKallsyms() {
        ObjectSpec spec = Corpus.spec("loader_externs").withAutoload("read_percpu", true);
        if (Kallsyms.get().contains("bpf_prog_active")) {
            try (BpfObject obj = BpfObject.load(spec)) {
                obj.program("read_percpu").testRun(TestRun.withContext(new byte[8]));
                assertEquals(2, Corpus.asLong(java.util.Arrays.copyOfRange(obj.variable("seen").get(), 88, 96)));
            }
        } else {
            // CONFIG_KALLSYMS_ALL is off: the BTF id resolves, but the kernel cannot find the variable's address.
            VerifierException e = assertThrows(VerifierException.class, () -> BpfObject.load(spec));
            assertTrue(e.getMessage().contains("program 'read_percpu'"), e.getMessage());
            assertTrue(e.log().contains("failed to find the address for kernel symbol 'bpf_prog_active'"), e.log());
        }
    }

    @Test
    void kfuncCallsAndWeakKfuncs() {
        ObjectSpec spec = Corpus.spec("loader_kfuncs").withVariable("target_pid", Corpus.pid());
        try (BpfObject obj = BpfObject.load(spec)) {
            obj.program("find_tasks").testRun(TestRun.withContext(new byte[8]));
            assertEquals(1, obj.variable("found_target").getLong(), "bpf_task_from_pid found this process");
            assertEquals(0, obj.variable("found_impossible").getLong());
            assertEquals(1, obj.variable("acquire_exists").getLong(), "weak kfunc the kernel has");
            assertEquals(0, obj.variable("missing_exists").getLong(), "weak kfunc the kernel lacks");
            assertEquals(77, obj.variable("missing_result").getLong(), "its poisoned call was never reached");
        }
    }
}
