package dev.ebpf4j.perf;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class TraceEventTest {
    @Test
    void parsesTheUsualBpfTracePrintkLine() {
        TraceEvent e = TraceEvent.parse("            java-4242    [001] d..31   517.123456: bpf_trace_printk: hello 7");
        assertEquals("java", e.task());
        assertEquals(4242, e.pid());
        assertEquals(1, e.cpu());
        assertEquals("d..31", e.flags());
        assertEquals(517_123_456_000L, e.timestampNanos());
        assertEquals("bpf_trace_printk", e.event());
        assertEquals("hello 7", e.message());
    }

    @Test
    void handlesTasksWithDashesSpacesUnknownNamesAndTgidColumns() {
        TraceEvent dashed = TraceEvent.parse(" kworker/u4:2-my-12 [000] .N..  1.5: bpf_trace_printk: x - 5 [1] y 2.0: z");
        assertEquals("kworker/u4:2-my", dashed.task());
        assertEquals(12, dashed.pid());
        assertEquals(1_500_000_000L, dashed.timestampNanos());
        assertEquals("x - 5 [1] y 2.0: z", dashed.message());

        TraceEvent unknown = TraceEvent.parse("           <...>-77      [003] ....  10.000001: bpf_trace_printk: m");
        assertEquals("<...>", unknown.task());
        assertEquals(77, unknown.pid());
        assertEquals(3, unknown.cpu());

        TraceEvent tgid = TraceEvent.parse("              sh-100  (     99) [000] d..2.  3.000000002: bpf_trace_printk: t");
        assertEquals(100, tgid.pid());
        assertEquals(0, tgid.cpu());
        assertEquals(3_000_000_002L, tgid.timestampNanos());
        assertEquals("t", tgid.message());

        TraceEvent spaced = TraceEvent.parse("   Web Content-555 [001] ..... 8.000000: bpf_trace_printk: s");
        assertEquals("Web Content", spaced.task());
        assertEquals(555, spaced.pid());
    }

    @Test
    void keepsOtherLinesAsTheyAre() {
        TraceEvent e = TraceEvent.parse("CPU:1 [LOST 12 EVENTS]");
        assertEquals(-1, e.pid());
        assertEquals(-1, e.cpu());
        assertEquals("CPU:1 [LOST 12 EVENTS]", e.message());
        assertEquals("CPU:1 [LOST 12 EVENTS]", e.line());
    }
}
