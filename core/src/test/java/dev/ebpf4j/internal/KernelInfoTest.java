package dev.ebpf4j.internal;

import dev.ebpf4j.testkit.KernelTest;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class KernelInfoTest {

    @Test
    @KernelTest
    void kallsymsResolvesKernelFunctions() {
        Kallsyms k = Kallsyms.get();
        assertTrue(k.contains("bpf_prog_put"));
        assertTrue(k.address("bpf_prog_put").orElseThrow() != 0);
        assertTrue(k.address("ebpf4j_no_such_symbol").isEmpty());
    }

    @Test
    void kernelConfigParsesSetUnsetAndStrings() throws Exception {
        Map<String, String> m = KernelConfig.parse(new ByteArrayInputStream(
                "CONFIG_BPF=y\n# CONFIG_KPROBES is not set\nCONFIG_HZ=250\nCONFIG_LOCALVERSION=\"-x\"\n"
                        .getBytes(StandardCharsets.UTF_8)));
        assertEquals("y", m.get("CONFIG_BPF"));
        assertEquals("n", m.get("CONFIG_KPROBES"));
        assertEquals("250", m.get("CONFIG_HZ"));
        assertEquals("-x", m.get("CONFIG_LOCALVERSION"));
    }

    @Test
    void versionCodesFollowKernelVersionMacro() {
        assertEquals((6 << 16) + (18 << 8) + 44, KernelConfig.versionCode("6.18.44-fc-v595"));
        assertEquals((5 << 16) + (4 << 8) + 255, KernelConfig.versionCode("5.4.300"));
        assertEquals((6 << 16) + (1 << 8), KernelConfig.versionCode("6.1"));
        assertTrue(KernelConfig.running().value("CONFIG_BPF_SYSCALL").isPresent() || KernelConfig.running().source().equals("none"));
    }
}
