package dev.ebpf4j.link;

import dev.ebpf4j.AttachOptions;
import dev.ebpf4j.BpfArgumentException;
import dev.ebpf4j.BpfMap;
import dev.ebpf4j.BpfObject;
import dev.ebpf4j.NotSupportedException;
import dev.ebpf4j.ObjectSpec;
import dev.ebpf4j.TestLoads;
import dev.ebpf4j.testkit.KernelTest;
import dev.ebpf4j.testkit.TestObjects;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * USDT without BPF cookies (kernels before 5.15): the object is loaded with {@code LINUX_HAS_BPF_COOKIE = false}, so
 * usdt.bpf.h finds the spec through {@code __bpf_usdt_ip_to_spec_id}, keyed by the probe's address in the process;
 * the link fills that map (from /proc/PID/maps for position-independent binaries) and empties it on close.
 */
@KernelTest
class UsdtAddressLookupKernelTest {
    private static BpfObject load() {
        return TestLoads.withoutBpfCookies(ObjectSpec.read(TestObjects.bpf("usdt_probes")));
    }

    private static byte[] le64(long v) {
        return ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putLong(v).array();
    }

    private static int u32(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.nativeOrder()).getInt();
    }

    private static AttachOptions probe(Path binary, String name) {
        return AttachOptions.NONE.usdt(binary.toString(), "ebpf4j", name);
    }

    @Test
    void theProgramIsBuiltWithoutCookies() {
        try (BpfObject obj = load()) {
            byte[] kconfig = obj.map(".kconfig").lookup(new byte[4]).orElseThrow();
            assertEquals(0, kconfig[0], "LINUX_HAS_BPF_COOKIE is false");
        }
    }

    @Test
    void specsAreFoundByTheProbesAddressInAPositionIndependentBinary() {
        Path bin = UsdtTargetProcess.binary();
        try (BpfObject obj = load(); UsdtTargetProcess p = UsdtTargetProcess.start(2, true, false)) {
            BpfMap ips = obj.map(UsdtSpecMaps.IP_TO_SPEC_ID_MAP);
            UsdtLink two = (UsdtLink) obj.attach("record", probe(bin, "two").pid(p.pid).usdtCookie(42));
            UsdtLink inlined = (UsdtLink) obj.attach("record", probe(bin, "inlined").pid(p.pid).usdtCookie(43));
            assertTrue(two.describe().endsWith(", spec by address"), two.describe());
            long site = UsdtTargets.runtimeAddress(p.pid, two.binary(), two.probes().get(0).fileOffset());
            assertEquals(two.specIds().get(0), u32(ips.lookup(le64(site)).orElseThrow()));
            assertEquals(3, ips.keys().size(), "one address per site: two's and inlined's two");
            for (var probe : inlined.probes()) {
                long a = UsdtTargets.runtimeAddress(p.pid, inlined.binary(), probe.fileOffset());
                assertEquals(inlined.specIds().get(0), u32(ips.lookup(le64(a)).orElseThrow()));
            }

            BpfArgumentException again = assertThrows(BpfArgumentException.class,
                    () -> obj.attach("record", probe(bin, "two").pid(p.pid)));
            assertTrue(again.getMessage().contains("already uses address 0x" + Long.toHexString(site)
                    + "; without BPF cookies a probe site can be attached once per address"), again.getMessage());
            assertEquals(3, ips.keys().size(), "the failed attachment left the map as it was");

            p.release();
            List<UsdtEvent> all = UsdtEvent.drain(obj.map("events"));
            List<UsdtEvent> twos = UsdtEvent.of(all, p.pid, 42);
            assertEquals(2, twos.size());
            assertEquals(List.of(200L, -1234L), twos.get(0).arguments());
            assertEquals(List.of(201L, -1235L), twos.get(1).arguments());
            assertEquals(site, twos.get(0).ip());
            List<UsdtEvent> inl = UsdtEvent.of(all, p.pid, 43);
            assertEquals(List.of(List.of(1000L), List.of(2000L), List.of(1001L), List.of(2001L)),
                    inl.stream().map(UsdtEvent::arguments).toList());

            two.close();
            inlined.close();
            assertEquals(List.of(), ips.keys(), "closing removes the addresses");
        }
    }

    @Test
    void positionIndependentBinariesNeedAPid() {
        try (BpfObject obj = load()) {
            NotSupportedException e = assertThrows(NotSupportedException.class,
                    () -> obj.attach("record", probe(UsdtTargetProcess.binary(), "one")));
            assertEquals("USDT probes in shared objects without BPF cookies", e.feature());
            assertTrue(e.getMessage().contains("give the process id (Options.pid)"), e.getMessage());
        }
    }

    @Test
    void fixedAddressExecutablesNeedNoPid() {
        Path bin = TestObjects.nativeBinary("usdt_target_nopie");
        try (BpfObject obj = load()) {
            UsdtLink four = (UsdtLink) obj.attach("record", probe(bin, "four").usdtCookie(7));
            assertFalse(four.probes().get(0).sharedObject());
            long address = four.probes().get(0).address();
            assertEquals(four.specIds().get(0),
                    u32(obj.map(UsdtSpecMaps.IP_TO_SPEC_ID_MAP).lookup(le64(address)).orElseThrow()));
            ProcessBuilder pb = new ProcessBuilder(bin.toString(), "1");
            Process proc = pb.start();
            proc.getInputStream().readAllBytes();
            assertEquals(0, proc.waitFor());
            List<UsdtEvent> events = UsdtEvent.of(UsdtEvent.drain(obj.map("events")), (int) proc.pid(), 7);
            assertEquals(1, events.size());
            assertEquals(address, events.get(0).ip(), "an ET_EXEC probe fires at its link-time address");
            assertEquals(List.of(-1234567890123L, 0xfedcba9876543210L, 5L, -7L), events.get(0).arguments());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
