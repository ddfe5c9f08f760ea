package dev.ebpf4j.link;

import dev.ebpf4j.BpfArgumentException;
import dev.ebpf4j.BpfException;
import dev.ebpf4j.BpfMap;
import dev.ebpf4j.LinkType;
import dev.ebpf4j.NotSupportedException;
import dev.ebpf4j.Program;
import dev.ebpf4j.ProgramType;
import dev.ebpf4j.internal.sys.Fd;
import dev.ebpf4j.internal.sys.ObjectPins;
import dev.ebpf4j.testkit.KernelTest;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static dev.ebpf4j.asm.Register.*;
import static dev.ebpf4j.link.LinkTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

@KernelTest
class TracepointLinkKernelTest {

    /** Counts sys_enter_getpid of this thread and records the tracepoint's __syscall_nr field (offset 8). */
    private static Program getpidCounter(BpfMap map) {
        return load(ProgramType.TRACEPOINT, "tp_getpid", counting(map, currentTid(), a -> a.ldxw(R7, R6, 8)));
    }

    @Test
    void countsTracepointHitsAndReadsTheRecord() {
        try (BpfMap map = counters(); Program prog = getpidCounter(map)) {
            TracepointLink link = TracepointLink.attach(prog, "syscalls", "sys_enter_getpid");
            try (link) {
                getpid(25);
                assertEquals(25, slot(map, 0));
                assertEquals(25L * SYS_GETPID, slot(map, 1), "__syscall_nr of every hit is getpid's number");
                assertTrue(link.usesBpfLink(), "Linux 6.18 has perf_event bpf_links");
                assertEquals("tracepoint syscalls/sys_enter_getpid → program 'tp_getpid' (tracepoint) via bpf_link",
                        link.describe());
                LinkInfo info = link.info().orElseThrow();
                assertEquals(LinkType.PERF_EVENT, info.type());
                assertEquals(prog.id(), info.programId());
                assertEquals("tracepoint", info.details().get("event_type"));
                assertEquals("sys_enter_getpid", info.details().get("tracepoint"));
            }
            getpid(10);
            assertEquals(25, slot(map, 0), "no hits after close");
        }
    }

    @Test
    void categorySlashNameFormAttachesToo() {
        try (BpfMap map = counters(); Program prog = getpidCounter(map);
             TracepointLink link = TracepointLink.attach(prog, "syscalls/sys_enter_getpid")) {
            getpid(3);
            assertEquals(3, slot(map, 0));
            assertEquals("syscalls", link.category());
            assertEquals("sys_enter_getpid", link.name());
        }
    }

    @Test
    void ioctlFallbackAttachesWithoutALink() {
        try (BpfMap map = counters(); Program prog = getpidCounter(map)) {
            TracepointLink link = TracepointLink.attach(prog, "syscalls", "sys_enter_getpid", true);
            try (link) {
                getpid(7);
                assertEquals(7, slot(map, 0));
                assertFalse(link.usesBpfLink());
                assertTrue(link.describe().endsWith("via perf event ioctl"), link.describe());
                assertTrue(link.info().isEmpty());
                NotSupportedException e = assertThrows(NotSupportedException.class,
                        () -> link.pin(pinPath("tp-ioctl")));
                assertTrue(e.getMessage().contains("only bpf_links can be pinned"), e.getMessage());
            }
            getpid(5);
            assertEquals(7, slot(map, 0), "closing the perf event detaches the program");
        }
    }

    @Test
    void unknownTracepointNamesTheNearMisses() {
        try (Program prog = trivial(ProgramType.TRACEPOINT)) {
            NotSupportedException e = assertThrows(NotSupportedException.class,
                    () -> TracepointLink.attach(prog, "syscalls", "sys_enter_getpidd"));
            assertTrue(e.getMessage().contains("no tracepoint 'sys_enter_getpidd' in category 'syscalls'"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("similar names: sys_enter_getpid"), e.getMessage());

            NotSupportedException c = assertThrows(NotSupportedException.class,
                    () -> TracepointLink.attach(prog, "syscals", "sys_enter_getpid"));
            assertTrue(c.getMessage().contains("no tracepoint category 'syscals'"), c.getMessage());
            assertTrue(c.getMessage().contains("syscalls"), c.getMessage());
        }
    }

    @Test
    void argumentsAreChecked() {
        try (Program xdp = trivial(ProgramType.XDP); Program tp = trivial(ProgramType.TRACEPOINT)) {
            BpfArgumentException wrong = assertThrows(BpfArgumentException.class,
                    () -> TracepointLink.attach(xdp, "syscalls", "sys_enter_getpid"));
            assertEquals("TracepointLink needs a program of type tracepoint, got xdp (program 'trivial' (xdp))",
                    wrong.getMessage());
            assertThrows(BpfArgumentException.class, () -> TracepointLink.attach(tp, "..", "x"));
            assertThrows(BpfArgumentException.class, () -> TracepointLink.attach(tp, "syscalls", "a/b"));
            assertThrows(BpfArgumentException.class, () -> TracepointLink.attach(tp, "", "x"));
            assertThrows(BpfArgumentException.class, () -> TracepointLink.attach(tp, "syscalls"));
        }
    }

    @Test
    void aProgramReadingPastTheRecordFailsToAttachWithoutLeaking() {
        // sys_enter_getpid's record is 12 bytes; reading at 200 verifies (perf tracepoint contexts allow it) but
        // the kernel refuses the attachment.
        try (BpfMap map = counters();
             Program prog = load(ProgramType.TRACEPOINT, "too_far", counting(map, NO_FILTER, a -> a.ldxdw(R7, R6, 200)))) {
            BpfException first = assertThrows(BpfException.class,
                    () -> TracepointLink.attach(prog, "syscalls", "sys_enter_getpid"));
            assertTrue(first.getMessage().contains("reads past the end of this event's context"), first.getMessage());
            dev.ebpf4j.testkit.OpenFiles.Snapshot before = dev.ebpf4j.testkit.OpenFiles.snapshot();
            for (int i = 0; i < 20; i++) {
                assertThrows(BpfException.class, () -> TracepointLink.attach(prog, "syscalls", "sys_enter_getpid"));
                assertThrows(NotSupportedException.class, () -> TracepointLink.attach(prog, "syscalls", "nope"));
            }
            assertEquals(java.util.Map.of(), before.openedSince(), "failing attaches must not leak descriptors");
        }
    }

    @Test
    void aPinnedLinkOutlivesItsObjectUntilUnpinned() throws Exception {
        Path pin = pinPath("tp");
        try (BpfMap map = counters(); Program prog = getpidCounter(map)) {
            TracepointLink link = TracepointLink.attach(prog, "syscalls", "sys_enter_getpid");
            link.pin(pin);
            link.close();
            getpid(4);
            assertEquals(4, slot(map, 0), "the pin keeps the program attached");
            try (Fd fd = ObjectPins.open(pin, 0, "pinned tracepoint link")) {
                LinkInfo info = LinkInfoReader.read(fd.get(), "pinned link");
                assertEquals("sys_enter_getpid", info.details().get("tracepoint"));
                assertEquals(prog.id(), info.programId());
            }
            Files.delete(pin);
            assertTrue(eventually(Duration.ofSeconds(10), () -> {
                long before = slot(map, 0);
                getpid(1);
                return slot(map, 0) == before;
            }), "removing the pin detaches the program");
        } finally {
            Files.deleteIfExists(pin);
        }
    }

    @Test
    void detachStopsEvenAPinnedLink() throws Exception {
        Path pin = pinPath("tp-detach");
        try (BpfMap map = counters(); Program prog = getpidCounter(map)) {
            TracepointLink link = TracepointLink.attach(prog, "syscalls", "sys_enter_getpid");
            link.pin(pin);
            assertTrue(Files.exists(pin));
            link.detach();
            assertFalse(Files.exists(pin), "detach removes this object's pin");
            assertTrue(eventually(Duration.ofSeconds(10), () -> {
                long before = slot(map, 0);
                getpid(1);
                return slot(map, 0) == before;
            }));
            link.close(); // idempotent after detach
        } finally {
            Files.deleteIfExists(pin);
        }
    }
}
