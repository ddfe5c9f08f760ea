package dev.ebpf4j.link;

import dev.ebpf4j.BpfArgumentException;
import dev.ebpf4j.BpfMap;
import dev.ebpf4j.BpfObject;
import dev.ebpf4j.LinkType;
import dev.ebpf4j.MapSpec;
import dev.ebpf4j.MapType;
import dev.ebpf4j.NotSupportedException;
import dev.ebpf4j.Program;
import dev.ebpf4j.ProgramType;
import dev.ebpf4j.link.usdt.UsdtProbe;
import dev.ebpf4j.testkit.KernelTest;
import dev.ebpf4j.testkit.TestObjects;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * USDT probes of the native test binary usdt_target and library libusdt_lib, attached with {@link UsdtLink} to the
 * programs of usdt_probes.bpf.c (libbpf's usdt.bpf.h): exact argument values of every size, sign and location, both
 * sites of an inlined probe, semaphores, the pid filter, shared libraries, spec ids, pins and errors. Every test
 * filters events by the pid of the process it started, so runs elsewhere do not interfere.
 */
@KernelTest
class UsdtLinkKernelTest {
    private static final String[] PROBES = {"zero", "one", "two", "three", "four", "memory", "stack", "six", "twelve",
            "inlined", "gated"};
    private static final int ENOENT = 2;

    private static BpfObject load() {
        return BpfObject.load(TestObjects.bpf("usdt_probes"));
    }

    private static UsdtSpecMaps maps(BpfObject obj) {
        return UsdtSpecMaps.of(obj.map(UsdtSpecMaps.SPECS_MAP), obj.map(UsdtSpecMaps.IP_TO_SPEC_ID_MAP));
    }

    private static UsdtLink.Options probe(String name) {
        return UsdtLink.Options.probe(UsdtTargetProcess.binary(), "ebpf4j", name);
    }

    /** What usdt_target passes to probe {@code name} in iteration {@code i} (see usdt_target.c). */
    static List<Long> expected(String name, int i) {
        return switch (name) {
            case "zero" -> List.of();
            case "one" -> List.of(-5L - i);
            case "two" -> List.of(200L + i, -1234L - i);
            case "three" -> List.of(60000L + i, -123456L - i, 4_000_000_000L + i);
            case "four" -> List.of(-1234567890123L - i, 0xfedcba9876543210L + i, 5L, -7L);
            case "memory" -> List.of(-42L - i, 0x1122334455667788L + i, -300L - i);
            case "stack" -> List.of(-77L - i, 3_000_000_000L + i);
            case "six" -> List.of(-1L, 255L, -2L, 65535L, -3L, (long) i);
            case "twelve" -> LongStream.rangeClosed(1, 12).map(k -> k + i).boxed().toList();
            case "gated" -> List.of((long) i);
            default -> throw new IllegalArgumentException(name);
        };
    }

    private static void assertSlots(UsdtEvent e, String what) {
        for (int s = 0; s < UsdtEvent.SLOTS; s++) {
            if (s < e.argCount()) {
                assertEquals(0, e.rc()[s], what + ": bpf_usdt_arg(" + s + ") succeeds");
            } else {
                assertEquals(-ENOENT, e.rc()[s], what + ": bpf_usdt_arg(" + s + ") past the count is -ENOENT");
                assertEquals(0, e.args()[s], what + ": and leaves 0");
            }
        }
    }

    @Test
    void everyProbeDeliversItsArgumentsExactly() {
        int n = 3;
        try (BpfObject obj = load()) {
            Program record = obj.program("record");
            UsdtSpecMaps maps = maps(obj);
            List<UsdtLink> links = new ArrayList<>();
            try (UsdtTargetProcess p = UsdtTargetProcess.start(n, true, false)) {
                List<Long> sites = new ArrayList<>();
                for (int k = 0; k < PROBES.length; k++) {
                    UsdtLink l = UsdtLink.attach(record, maps, probe(PROBES[k]).pid(p.pid).cookie(1000 + k));
                    links.add(l);
                    sites.add(UsdtTargets.runtimeAddress(p.pid, l.binary(), l.probes().get(0).fileOffset()));
                }
                UsdtTargetProcess.Result r = p.release();
                assertEquals(n, r.gated(), "the gated probe was enabled by its attachment");
                assertEquals(1, r.semaphore());
                List<UsdtEvent> all = UsdtEvent.drain(obj.map("events"));
                for (int k = 0; k < PROBES.length; k++) {
                    String name = PROBES[k];
                    List<UsdtEvent> events = UsdtEvent.of(all, p.pid, 1000 + k);
                    UsdtLink link = links.get(k);
                    if (name.equals("inlined")) {
                        assertEquals(2 * n, events.size(), "both call sites, every iteration");
                        Set<Long> siteA = new HashSet<>();
                        Set<Long> siteB = new HashSet<>();
                        for (int i = 0; i < n; i++) {
                            assertEquals(List.of(1000L + i), events.get(2 * i).arguments());
                            assertEquals(List.of(2000L + i), events.get(2 * i + 1).arguments());
                            siteA.add(events.get(2 * i).ip());
                            siteB.add(events.get(2 * i + 1).ip());
                        }
                        assertEquals(1, siteA.size());
                        assertEquals(1, siteB.size());
                        assertNotEquals(siteA, siteB);
                        assertTrue(siteA.contains(sites.get(k)) || siteB.contains(sites.get(k)));
                        assertEquals(2, link.uprobes().size());
                        assertEquals(1, link.specIds().size(), "the two sites share one spec");
                        for (UsdtEvent e : events) assertSlots(e, name);
                        continue;
                    }
                    assertEquals(n, events.size(), name + ": one event per iteration");
                    long site = sites.get(k);
                    for (int i = 0; i < n; i++) {
                        UsdtEvent e = events.get(i);
                        assertEquals(expected(name, i), e.arguments(), name + " iteration " + i);
                        assertEquals(expected(name, i).size(), e.argCount(), name);
                        assertEquals(site, e.ip(), name + ": PT_REGS_IP is the probe site");
                        assertSlots(e, name);
                    }
                }
            } finally {
                for (UsdtLink l : links) l.close();
            }
        }
    }

    @Test
    void bpfUsdtMacroProgramsGetTypedArguments() {
        try (BpfObject obj = load();
             UsdtTargetProcess p = UsdtTargetProcess.start(4, true, false);
             UsdtLink l = UsdtLink.attach(obj.program("on_three"), maps(obj), probe("three").pid(p.pid))) {
            p.release();
            long sum = 0;
            for (int i = 0; i < 4; i++) for (long v : expected("three", i)) sum += v;
            assertEquals(4, obj.variable("three_hits").getLong());
            assertEquals(sum, obj.variable("three_sum").getLong(), "unsigned short + int + unsigned int, 4 times");
            assertEquals(LinkType.PERF_EVENT, l.info().orElseThrow().type());
            assertEquals("uprobe", l.info().orElseThrow().details().get("event_type"));
        }
    }

    @Test
    void semaphoreGatedProbesFireOnlyWhileAttachedAndTheKernelCountsAttachments() {
        try (BpfObject obj = load()) {
            Program record = obj.program("record");
            UsdtSpecMaps maps = maps(obj);
            UsdtTargetProcess.Result before = UsdtTargetProcess.run(2, false);
            assertEquals(0, before.gated(), "not attached: the semaphore is 0 and the probe is skipped");
            assertEquals(0, before.semaphore());
            try (UsdtLink one = UsdtLink.attach(record, maps, probe("gated").cookie(1))) {
                assertTrue(one.probes().get(0).hasSemaphore());
                assertTrue(one.describe().contains("(1 site, semaphore)"), one.describe());
                UsdtTargetProcess.Result r1 = UsdtTargetProcess.run(2, false);
                assertEquals(2, r1.gated());
                assertEquals(1, r1.semaphore());
                try (UsdtLink two = UsdtLink.attach(record, maps, probe("gated").cookie(2))) {
                    UsdtTargetProcess.Result r2 = UsdtTargetProcess.run(3, false);
                    assertEquals(1, r2.semaphore(), "the kernel keeps one uprobe per site, however many links share it");
                    assertEquals(3, r2.gated());
                    List<UsdtEvent> all = UsdtEvent.drain(obj.map("events"));
                    assertEquals(2, UsdtEvent.of(all, r1.pid(), 1).size());
                    assertEquals(3, UsdtEvent.of(all, r2.pid(), 1).size());
                    assertEquals(3, UsdtEvent.of(all, r2.pid(), 2).size(), "each link sees its own cookie");
                    assertEquals(List.of(2L), UsdtEvent.of(all, r2.pid(), 2).get(2).arguments());
                }
                UsdtTargetProcess.Result r3 = UsdtTargetProcess.run(1, false);
                assertEquals(1, r3.gated(), "the first link still holds the semaphore");
            }
            UsdtTargetProcess.Result after = UsdtTargetProcess.run(2, false);
            assertEquals(0, after.gated(), "closed: the semaphore is back to 0");
            assertEquals(0, after.semaphore());
        }
    }

    @Test
    void aPidFilterLimitsTheProbeAndItsSemaphoreToThatProcess() {
        try (BpfObject obj = load();
             UsdtTargetProcess a = UsdtTargetProcess.start(3, true, false);
             UsdtTargetProcess b = UsdtTargetProcess.start(3, true, false)) {
            Program record = obj.program("record");
            UsdtSpecMaps maps = maps(obj);
            try (UsdtLink one = UsdtLink.attach(record, maps, probe("one").pid(a.pid).cookie(7));
                 UsdtLink gated = UsdtLink.attach(record, maps, probe("gated").pid(a.pid).cookie(8))) {
                assertEquals(a.pid, one.options().pid());
                assertTrue(one.describe().contains(" pid " + a.pid + " "), one.describe());
                UsdtTargetProcess.Result ra = a.release();
                UsdtTargetProcess.Result rb = b.release();
                assertEquals(3, ra.gated());
                assertEquals(1, ra.semaphore());
                assertEquals(0, rb.gated(), "the other process's semaphore was not touched");
                assertEquals(0, rb.semaphore());
                List<UsdtEvent> all = UsdtEvent.drain(obj.map("events"));
                assertEquals(3, UsdtEvent.of(all, a.pid, 7).size());
                assertEquals(3, UsdtEvent.of(all, a.pid, 8).size());
                assertEquals(0, UsdtEvent.of(all, b.pid, 7).size());
            }
        }
    }

    @Test
    void probesInASharedLibraryWithItsSemaphore() {
        Path lib = UsdtTargetProcess.library();
        try (BpfObject obj = load()) {
            Program record = obj.program("record");
            UsdtSpecMaps maps = maps(obj);
            // Every process that maps the library, by path.
            try (UsdtLink fired = UsdtLink.attach(record, maps, UsdtLink.Options.probe(lib, "ebpf4j_lib", "fired")
                    .cookie(1));
                 UsdtLink gated = UsdtLink.attach(record, maps, UsdtLink.Options.probe(lib, "ebpf4j_lib", "gated")
                         .cookie(2))) {
                UsdtTargetProcess.Result r = UsdtTargetProcess.run(3, true);
                List<UsdtEvent> all = UsdtEvent.drain(obj.map("events"));
                List<UsdtEvent> f = UsdtEvent.of(all, r.pid(), 1);
                List<UsdtEvent> g = UsdtEvent.of(all, r.pid(), 2);
                assertEquals(3, f.size());
                assertEquals(3, g.size(), "the library's semaphore was incremented where it is mapped");
                for (int i = 0; i < 3; i++) {
                    assertEquals(List.of(7000L + i, 0xabcdef0000000000L + i), f.get(i).arguments());
                    assertEquals(List.of((long) -i), g.get(i).arguments());
                }
            }
            // One process, the library found by name among its mappings.
            try (UsdtTargetProcess p = UsdtTargetProcess.start(2, true, true);
                 UsdtLink byName = UsdtLink.attach(record, maps, UsdtLink.Options.probe("libusdt_lib", "ebpf4j_lib",
                         "fired").pid(p.pid).cookie(3))) {
                assertEquals(lib.toRealPath(), byName.binary().toRealPath());
                long site = UsdtTargets.runtimeAddress(p.pid, lib, byName.probes().get(0).fileOffset());
                p.release();
                List<UsdtEvent> events = UsdtEvent.of(UsdtEvent.drain(obj.map("events")), p.pid, 3);
                assertEquals(2, events.size());
                assertEquals(site, events.get(0).ip());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    @Test
    void specsAreWrittenAtTheirIdsAndIdsAreReusedAfterClose() {
        try (BpfObject obj = load()) {
            Program record = obj.program("record");
            UsdtSpecMaps maps = maps(obj);
            assertEquals(256, maps.capacity(), "BPF_USDT_MAX_SPEC_CNT");
            assertEquals(12, maps.maxArguments(), "BPF_USDT_MAX_ARG_CNT");
            assertEquals(UsdtSpecMaps.Lookup.COOKIE, maps.lookup());
            UsdtLink four = UsdtLink.attach(record, maps, probe("four").cookie(0x1234_5678_9abcL));
            int id = four.specIds().get(0);
            assertEquals(255, maps.freeSpecIds());
            byte[] spec = obj.map(UsdtSpecMaps.SPECS_MAP).lookup(le32(id)).orElseThrow();
            ByteBuffer b = ByteBuffer.wrap(spec).order(ByteOrder.nativeOrder());
            UsdtProbe p = four.probes().get(0);
            for (int i = 0; i < 4; i++) {
                var a = p.arguments().get(i);
                assertEquals(a.valueOffset(), b.getLong(16 * i), "val_off of " + a.text());
                assertEquals(a.kind().abiValue(), b.getInt(16 * i + 8), "arg_type of " + a.text());
                assertEquals(a.registerOffset(), b.getShort(16 * i + 12), "reg_off of " + a.text());
                assertEquals(a.signed() ? 1 : 0, b.get(16 * i + 14), "arg_signed of " + a.text());
                assertEquals(a.bitShift(), b.get(16 * i + 15), "arg_bitshift of " + a.text());
            }
            assertEquals(0x1234_5678_9abcL, b.getLong(192), "usdt_cookie");
            assertEquals(4, b.getShort(200), "arg_cnt");
            UsdtLink three = UsdtLink.attach(record, maps, probe("three"));
            assertNotEquals(id, three.specIds().get(0));
            four.close();
            four.close();
            assertEquals(255, maps.freeSpecIds(), "closing twice frees once");
            UsdtLink again = UsdtLink.attach(record, maps, probe("two"));
            assertEquals(id, again.specIds().get(0), "a freed id is handed out again");
            again.close();
            three.close();
            assertEquals(256, maps.freeSpecIds());
        }
    }

    private static byte[] le32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(v).array();
    }

    @Test
    void runningOutOfSpecIdsSaysHowManyAreInUse() {
        try (BpfObject obj = load();
             BpfMap specs = BpfMap.create(MapSpec.builder(MapType.ARRAY).name("small_specs").keySize(4)
                     .valueSize(208).maxEntries(2).build())) {
            UsdtSpecMaps small = UsdtSpecMaps.of(specs, null, UsdtSpecMaps.Lookup.COOKIE);
            Program record = obj.program("record");
            try (UsdtLink a = UsdtLink.attach(record, small, probe("one"));
                 UsdtLink b = UsdtLink.attach(record, small, probe("two"))) {
                BpfArgumentException e = assertThrows(BpfArgumentException.class,
                        () -> UsdtLink.attach(record, small, probe("three")));
                assertTrue(e.getMessage().contains(": needs 1 USDT spec ids but only 0 of 2 are free in map "
                        + "'small_specs'; close other USDT links or define BPF_USDT_MAX_SPEC_CNT larger"),
                        e.getMessage());
                assertEquals(List.of(0), a.specIds());
                assertEquals(List.of(1), b.specIds());
            }
            assertEquals(2, small.freeSpecIds());
        }
    }

    @Test
    void pinnedUsdtLinksOutliveTheirObjectUntilUnpinned() throws Exception {
        Path dir = LinkTestSupport.pinPath("usdt");
        try (BpfObject obj = load()) {
            UsdtSpecMaps maps = maps(obj);
            UsdtLink l = UsdtLink.attach(obj.program("record"), maps, probe("inlined").cookie(5));
            l.pin(dir);
            assertTrue(Files.exists(dir.resolve("site0")) && Files.exists(dir.resolve("site1")));
            l.close();
            assertEquals(255, maps.freeSpecIds(), "the pinned uprobes still use their spec");
            UsdtTargetProcess.Result r = UsdtTargetProcess.run(1, false);
            assertEquals(2, UsdtEvent.of(UsdtEvent.drain(obj.map("events")), r.pid(), 5).size());
            l.unpin();
            assertFalse(Files.exists(dir));
            assertEquals(256, maps.freeSpecIds());
            // Removing the last pin releases the kernel link from a workqueue, a moment later: wait for it.
            int seen = -1;
            for (int attempt = 0; attempt < 50 && seen != 0; attempt++) {
                if (attempt > 0) Thread.sleep(100);
                UsdtTargetProcess.Result r2 = UsdtTargetProcess.run(1, false);
                seen = UsdtEvent.of(UsdtEvent.drain(obj.map("events")), r2.pid(), 5).size();
            }
            assertEquals(0, seen, "events still arrive 5 s after the last pin was removed");
        } finally {
            if (Files.exists(dir)) {
                for (String s : new String[] {"site0", "site1"}) Files.deleteIfExists(dir.resolve(s));
                Files.deleteIfExists(dir);
            }
        }
    }

    @Test
    void detachStopsEventsAtOnce() {
        try (BpfObject obj = load()) {
            UsdtSpecMaps maps = maps(obj);
            UsdtLink l = UsdtLink.attach(obj.program("record"), maps, probe("zero").cookie(9));
            l.detach();
            assertEquals(256, maps.freeSpecIds());
            UsdtTargetProcess.Result r = UsdtTargetProcess.run(1, false);
            assertEquals(0, UsdtEvent.of(UsdtEvent.drain(obj.map("events")), r.pid(), 9).size());
            l.close();
        }
    }

    @Test
    void badRequestsFailClearlyAndLeaveNothingBehind() {
        try (BpfObject obj = load()) {
            Program record = obj.program("record");
            UsdtSpecMaps maps = maps(obj);
            BpfArgumentException missing = assertThrows(BpfArgumentException.class,
                    () -> UsdtLink.attach(record, maps, probe("nope")));
            assertTrue(missing.getMessage().startsWith("usdt " + UsdtTargetProcess.binary() + ":ebpf4j:nope → program "
                    + "'record' (usdt): USDT probe ebpf4j:nope not found in "), missing.getMessage());
            BpfArgumentException noFile = assertThrows(BpfArgumentException.class,
                    () -> UsdtLink.attach(record, maps, UsdtLink.Options.probe("/nonexistent/bin", "p", "n")));
            assertEquals("UsdtLink: USDT binary /nonexistent/bin does not exist or is not a regular file",
                    noFile.getMessage());
            BpfArgumentException noName = assertThrows(BpfArgumentException.class,
                    () -> UsdtLink.attach(record, maps, UsdtLink.Options.probe("no-such-library-xyz.so.1", "p", "n")));
            assertTrue(noName.getMessage().startsWith("USDT binary 'no-such-library-xyz.so.1' not found; looked in "
                    + "LD_LIBRARY_PATH and the system library directories, /proc/self/maps"), noName.getMessage());
            BpfArgumentException pid = assertThrows(BpfArgumentException.class,
                    () -> UsdtLink.attach(record, maps, probe("one").pid(0)));
            assertEquals("UsdtLink: pid 0 is neither a process id nor -1 (all)", pid.getMessage());
            BpfArgumentException provider = assertThrows(BpfArgumentException.class,
                    () -> UsdtLink.attach(record, maps, UsdtLink.Options.probe(UsdtTargetProcess.binary(), "", "n")));
            assertEquals("UsdtLink: provider must not be empty", provider.getMessage());
            try (Program xdp = LinkTestSupport.trivial(ProgramType.XDP)) {
                BpfArgumentException type = assertThrows(BpfArgumentException.class,
                        () -> UsdtLink.attach(xdp, maps, probe("one")));
                assertTrue(type.getMessage().startsWith("UsdtLink needs a program of type kprobe, got xdp"),
                        type.getMessage());
            }
            NotSupportedException noPid = assertThrows(NotSupportedException.class, () -> UsdtLink.attach(record,
                    UsdtSpecMaps.of(maps.specs(), maps.ipToSpecId(), UsdtSpecMaps.Lookup.IP), probe("one")));
            assertTrue(noPid.getMessage().contains("is in a shared object (mapped at a different address in every "
                    + "process) and the program finds its spec by address; give the process id"), noPid.getMessage());
            assertEquals(256, maps.freeSpecIds(), "failed attachments free their spec ids");

            BpfArgumentException wrongMap = assertThrows(BpfArgumentException.class,
                    () -> UsdtSpecMaps.of(obj.map("events"), null));
            assertTrue(wrongMap.getMessage().startsWith("UsdtSpecMaps: map 'events' is not usdt.bpf.h's "
                    + "__bpf_usdt_specs (an ARRAY with 4-byte keys"), wrongMap.getMessage());
            BpfArgumentException wrongIp = assertThrows(BpfArgumentException.class,
                    () -> UsdtSpecMaps.of(maps.specs(), maps.specs()));
            assertTrue(wrongIp.getMessage().contains("is not usdt.bpf.h's __bpf_usdt_ip_to_spec_id"),
                    wrongIp.getMessage());
            BpfArgumentException ipNeeded = assertThrows(BpfArgumentException.class,
                    () -> UsdtSpecMaps.of(maps.specs(), null, UsdtSpecMaps.Lookup.IP));
            assertTrue(ipNeeded.getMessage().contains("needs the __bpf_usdt_ip_to_spec_id map"), ipNeeded.getMessage());
        }
    }

    @Test
    void probesOfAnotherArchitectureAreRefused() throws Exception {
        // An aarch64 executable with one probe (this machine is x86-64; on aarch64 the roles swap).
        var host = dev.ebpf4j.link.usdt.UsdtArchitecture.host().orElseThrow();
        int machine = host == dev.ebpf4j.link.usdt.UsdtArchitecture.X86_64 ? 183 : 62;
        var b = new dev.ebpf4j.elf.TestElfBuilder(ByteOrder.LITTLE_ENDIAN).type(2).machine(machine);
        int text = b.section(".text", 1, 6, new byte[0x40], 0, 0, 0, 0x401000);
        byte[] strings = "p\0n\0\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        ByteBuffer note = ByteBuffer.allocate(24 + 32).order(ByteOrder.LITTLE_ENDIAN);
        note.putInt(8).putInt(24 + strings.length).putInt(3).put("stapsdt\0".getBytes());
        note.position(24);
        note.putLong(0x401000).putLong(0).putLong(0).put(strings);
        b.section(".note.stapsdt", 7, 0, note.array());
        b.segment(1, 5, text, 0x401000, 0);
        Path file = Files.createTempFile("ebpf4j-usdt-foreign", "");
        try (BpfObject obj = load()) {
            Files.write(file, b.build());
            BpfArgumentException e = assertThrows(BpfArgumentException.class,
                    () -> UsdtLink.attach(obj.program("record"), maps(obj), UsdtLink.Options.probe(file, "p", "n")));
            assertTrue(e.getMessage().contains("USDT probe p:n at 0x401000"), e.getMessage());
            assertTrue(e.getMessage().endsWith(" is for " + (machine == 183 ? "aarch64" : "x86-64")
                    + ", but this machine is " + host), e.getMessage());
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
