package dev.ebpf4j.cli.prog;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** libbpf's map names (what bpftool's pinmaps pins under); ProgLoadCliKernelTest checks them against bpftool. */
class LibbpfMapNamesTest {
    @Test
    void globalDataMapsGetAnObjectPrefix() {
        assertEquals("loader_g.rodata", LibbpfMapNames.name("loader_globals.bpf.o", ".rodata"));
        assertEquals("loader_g.bss", LibbpfMapNames.name("/x/loader_globals.bpf.o", ".bss"));
        assertEquals("cli_xdp.rodata", LibbpfMapNames.name("cli_xdp.bpf.o", ".rodata"));
        assertEquals("loader_.kconfig", LibbpfMapNames.name("loader_externs.bpf.o", ".kconfig"));
        assertEquals(".data.custom", LibbpfMapNames.name("loader_globals.bpf.o", ".data.custom"));
        assertEquals(".rodata.str1.1", LibbpfMapNames.name("loader_globals.bpf.o", ".rodata.str1.1"));
        assertEquals("seen", LibbpfMapNames.name("cli_xdp.bpf.o", "seen"));
        assertEquals("loader_g_rodata", LibbpfMapNames.pinName("loader_globals.bpf.o", ".rodata"));
        assertEquals("_rodata_str1_1", LibbpfMapNames.pinName("loader_globals.bpf.o", ".rodata.str1.1"));
    }
}
