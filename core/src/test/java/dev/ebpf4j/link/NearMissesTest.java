package dev.ebpf4j.link;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class NearMissesTest {
    @Test
    void ranksByEditDistance() {
        List<String> names = List.of("sched_switch", "sched_wakeup", "sched_waking", "sys_enter", "irq_handler_entry");
        assertEquals(List.of("sched_switch"), NearMisses.find("sched_swich", names, 5));
        assertEquals(List.of("sched_wakeup", "sched_waking"), NearMisses.find("sched_wakin", names, 5).stream()
                .sorted().toList());
        assertEquals(List.of(), NearMisses.find("completely_different", names, 5));
        assertEquals("", NearMisses.hint("zzz", names));
        assertEquals("; similar names: sys_enter", NearMisses.hint("sys_entr", names));
        assertEquals(3, NearMisses.distance("kitten", "sitting"));
    }
}
