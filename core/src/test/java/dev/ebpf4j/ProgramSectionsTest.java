package dev.ebpf4j;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class ProgramSectionsTest {

    @Test
    void matchesTargetsAndFlags() {
        ProgramSections.Match m = ProgramSections.require("tracepoint/syscalls/sys_enter_openat");
        assertEquals(ProgramType.TRACEPOINT, m.definition().programType());
        assertEquals("syscalls/sys_enter_openat", m.target());
        assertTrue(m.autoload());

        m = ProgramSections.require("?uprobe.s//usr/lib/libc.so.6:malloc");
        assertFalse(m.autoload());
        assertTrue(m.sleepable());
        assertEquals("/usr/lib/libc.so.6:malloc", m.target());
        assertEquals(ProgramFlags.SLEEPABLE, m.programFlags());

        assertEquals(AttachType.TCX_INGRESS, ProgramSections.require("tcx/ingress").definition().attachType());
        assertEquals(ProgramFlags.XDP_HAS_FRAGS, ProgramSections.require("xdp.frags").programFlags());
        assertEquals(AttachType.XDP_DEVMAP, ProgramSections.require("xdp/devmap").definition().attachType());
        assertEquals(ProgramType.XDP, ProgramSections.require("xdp").definition().programType());
        assertEquals(ProgramType.SYSCALL, ProgramSections.require("syscall").definition().programType());
        assertEquals(ProgramType.NETFILTER, ProgramSections.require("netfilter").definition().programType());
        assertEquals("task", ProgramSections.require("iter/task").target());
        assertEquals("", ProgramSections.require("kprobe").target());
        assertEquals(AttachType.TRACE_KPROBE_MULTI, ProgramSections.require("kprobe.multi/do_*").definition().attachType());
        assertEquals(SectionDef.AttachKind.KSYSCALL, ProgramSections.require("ksyscall/openat").definition().attachKind());
        assertEquals(SectionDef.AttachKind.USDT, ProgramSections.require("usdt/libc.so.6:libc:setjmp").definition().attachKind());
        assertEquals(ProgramType.STRUCT_OPS, ProgramSections.require("struct_ops/tcp_init").definition().programType());
        assertEquals(AttachType.CGROUP_INET4_CONNECT, ProgramSections.require("cgroup/connect4").definition().attachType());
        assertEquals(ProgramType.LSM, ProgramSections.require("lsm.s/file_open").definition().programType());
    }

    @Test
    void plusPatternsNeedASlashSeparator() {
        assertTrue(ProgramSections.match("kprobex").isEmpty());
        assertTrue(ProgramSections.match("xdp_foo").isEmpty());
        assertTrue(ProgramSections.match("kprobe/").isPresent());
    }

    @Test
    void unknownSectionsNameTheNearMisses() {
        ObjectFormatException e = assertThrows(ObjectFormatException.class,
                () -> ProgramSections.require("tracepont/sched/sched_switch"));
        assertTrue(e.getMessage().contains("unknown program section name 'tracepont/sched/sched_switch'"), e.getMessage());
        assertTrue(e.getMessage().contains("tracepoint+"), e.getMessage());
        assertEquals("xdp", ProgramSections.suggestions("xpd").getFirst());
        assertTrue(ProgramSections.suggestions("cgroup/conect4").contains("cgroup/connect4"));
    }
}
