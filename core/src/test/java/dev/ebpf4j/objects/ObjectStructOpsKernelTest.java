package dev.ebpf4j.objects;

import dev.ebpf4j.BpfArgumentException;
import dev.ebpf4j.BpfException;
import dev.ebpf4j.BpfMap;
import dev.ebpf4j.BpfObject;
import dev.ebpf4j.MapFlags;
import dev.ebpf4j.MapType;
import dev.ebpf4j.ObjectSpec;
import dev.ebpf4j.Program;
import dev.ebpf4j.ProgramType;
import dev.ebpf4j.btf.Btf;
import dev.ebpf4j.btf.BtfKind;
import dev.ebpf4j.btf.BtfStruct;
import dev.ebpf4j.internal.fs.KernelFilesystems;
import dev.ebpf4j.link.Link;
import dev.ebpf4j.link.LinkInfo;
import dev.ebpf4j.link.StructOpsLink;
import dev.ebpf4j.testkit.KernelTest;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assertions.*;

/**
 * struct_ops maps on the real kernel: a BPF TCP congestion control (loader_tcp_cc.h) registered by a plain
 * {@code .struct_ops} map update and through a {@code .struct_ops.link} bpf_link, seen in
 * tcp_available_congestion_control, chosen for a loopback TCP connection with setsockopt(TCP_CONGESTION) and running
 * there (its programs count their calls), and gone again when unregistered. Every registration gets a unique name
 * (tests of other checkouts may run at the same time).
 */
@KernelTest
class ObjectStructOpsKernelTest {
    private static final Path AVAILABLE = Path.of("/proc/sys/net/ipv4/tcp_available_congestion_control");

    /** A congestion control name no other test uses: at most 15 characters (TCP_CA_NAME_MAX - 1). */
    private static String uniqueName(String prefix) {
        String suffix = Long.toString(ProcessHandle.current().pid() % 1296, 36)
                + Integer.toString(ThreadLocalRandom.current().nextInt(46656), 36);
        return (prefix + suffix).substring(0, Math.min(15, prefix.length() + suffix.length()));
    }

    private static List<String> available() throws IOException {
        return Arrays.asList(Files.readString(AVAILABLE).trim().split("\\s+"));
    }

    private static ObjectSpec named(String object, String map, String name) {
        return Corpus.spec(object).withStructOpsMember(map, "name", name.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void aStructOpsMapUpdateRegistersACongestionControlThatTcpUses() throws Exception {
        String cc = uniqueName("e4j_cc_");
        try (BpfObject obj = BpfObject.load(named("loader_struct_ops", "ebpf4j_cc", cc))) {
            BpfMap map = obj.map("ebpf4j_cc");
            assertEquals(MapType.STRUCT_OPS, map.type());
            BtfStruct value = (BtfStruct) Btf.vmlinux().type(Btf.vmlinux()
                    .findId("bpf_struct_ops_tcp_congestion_ops", BtfKind.STRUCT).orElseThrow());
            assertEquals(value.size(), map.valueSize(), "the kernel's value struct, not the object's 40 bytes");
            assertEquals(Btf.vmlinux().findId("bpf_struct_ops_tcp_congestion_ops", BtfKind.STRUCT).orElseThrow(),
                    map.info().btfVmlinuxValueTypeId());
            int ops = Btf.vmlinux().findId("tcp_congestion_ops", BtfKind.STRUCT).orElseThrow();
            for (String p : List.of("ebpf4j_init", "ebpf4j_ssthresh", "ebpf4j_cong_avoid", "ebpf4j_undo_cwnd")) {
                Program prog = obj.program(p);
                assertEquals(ProgramType.STRUCT_OPS, prog.type());
                assertEquals(ops, prog.info().attachBtfId(), p + " implements a tcp_congestion_ops member");
            }
            assertFalse(available().contains(cc), "loading does not register");

            List<Link> links = obj.attachAll();
            assertEquals(1, links.size());
            StructOpsLink l = assertInstanceOf(StructOpsLink.class, links.getFirst());
            assertFalse(l.usesBpfLink());
            assertTrue(l.info().isEmpty());
            assertSame(map, l.map());
            assertEquals("struct_ops tcp_congestion_ops 'ebpf4j_cc' via map update", l.describe());
            assertTrue(available().contains(cc), available().toString());

            try (LoopbackTcp tcp = new LoopbackTcp(cc)) {
                assertEquals(cc, tcp.clientCongestionControl());
                assertEquals(cc, tcp.serverCongestionControl());
                assertEquals(4 << 20, tcp.transfer(4 << 20));
            }
            assertEquals(2, obj.variable("init_calls").getLong(), "init ran once for each end of the connection");
            assertTrue(obj.variable("cong_avoid_calls").getLong() > 0, "cong_avoid ran on the ACKs of the transfer");

            l.close();
            assertFalse(available().contains(cc), "unregistered by deleting key 0");
            IllegalStateException gone = assertThrows(IllegalStateException.class, () -> new LoopbackTcp(cc).close());
            assertTrue(gone.getMessage().contains("errno 2"), gone.getMessage());   // ENOENT: no such algorithm
        }
    }

    @Test
    void aStructOpsLinkMapRegistersThroughABpfLinkThatCanBePinned() throws Exception {
        String cc = uniqueName("e4j_ln_");
        Path pin = KernelFilesystems.bpffs().resolve("ebpf4j-stops-" + ProcessHandle.current().pid() + "-"
                + ThreadLocalRandom.current().nextInt(1 << 20));
        try (BpfObject obj = BpfObject.load(named("loader_struct_ops_link", "ebpf4j_cc_link", cc))) {
            BpfMap map = obj.map("ebpf4j_cc_link");
            assertEquals(MapFlags.LINK, map.flags() & MapFlags.LINK);
            assertFalse(obj.maps().containsKey("ebpf4j_cc_off"), "?.struct_ops is not created");
            assertFalse(obj.programs().containsKey("ebpf4j_off_ssthresh"), "only the map that is off uses it");
            BpfArgumentException off = assertThrows(BpfArgumentException.class,
                    () -> obj.attachStructOps("ebpf4j_cc_off"));
            assertTrue(off.getMessage().contains("it was not created"), off.getMessage());

            StructOpsLink l = obj.attachStructOps("ebpf4j_cc_link");
            assertTrue(l.usesBpfLink());
            LinkInfo info = l.info().orElseThrow();
            assertEquals("struct_ops", info.typeName());
            assertEquals(map.id(), info.details().get("map_id"));
            assertTrue(available().contains(cc));
            l.pin(pin);
            try (LoopbackTcp tcp = new LoopbackTcp(cc)) {
                assertEquals(cc, tcp.clientCongestionControl());
                assertEquals(1 << 20, tcp.transfer(1 << 20));
            }
            assertEquals(2, obj.variable("init_calls").getLong());
            l.unpin();
            assertFalse(Files.exists(pin));
            l.close();
            assertFalse(available().contains(cc), "closing the bpf_link unregisters");
        } finally {
            Files.deleteIfExists(pin);
        }
    }

    @Test
    void aMapOffByDefaultCanBeSwitchedOnWithItsPrograms() throws Exception {
        String a = uniqueName("e4j_a_");
        String b = uniqueName("e4j_b_");
        ObjectSpec spec = named("loader_struct_ops_link", "ebpf4j_cc_link", a)
                .withStructOpsMember("ebpf4j_cc_off", "name", b.getBytes(StandardCharsets.US_ASCII))
                .withAutocreate("ebpf4j_cc_off", true);
        assertTrue(spec.autoload("ebpf4j_off_ssthresh"));
        try (BpfObject obj = BpfObject.load(spec)) {
            assertTrue(obj.programs().containsKey("ebpf4j_off_ssthresh"));
            List<Link> links = obj.attachAll();
            assertEquals(2, links.size(), "both struct_ops maps");
            assertTrue(available().containsAll(List.of(a, b)), available().toString());
            assertTrue(((StructOpsLink) links.get(0)).usesBpfLink());
            assertFalse(((StructOpsLink) links.get(1)).usesBpfLink());
        }
        assertFalse(available().contains(a) || available().contains(b), "closing the object unregisters both");
    }

    @Test
    void aNameTakenByAnotherCongestionControlIsNamed() throws IOException {
        String cc = uniqueName("e4j_dup_");
        ObjectSpec spec = named("loader_struct_ops", "ebpf4j_cc", cc);
        try (BpfObject first = BpfObject.load(spec); BpfObject second = BpfObject.load(spec)) {
            first.attachStructOps("ebpf4j_cc");
            BpfException e = assertThrows(BpfException.class, () -> second.attachStructOps("ebpf4j_cc"));
            assertTrue(e.getMessage().startsWith("object 'loader_struct_ops.bpf.o': registering struct_ops "
                    + "tcp_congestion_ops 'ebpf4j_cc': EEXIST"), e.getMessage());
            assertTrue(e.getMessage().contains("tcp_available_congestion_control"), e.getMessage());
            assertTrue(second.links().isEmpty());
            assertTrue(available().contains(cc));
        }
    }

    @Test
    void structOpsProgramsAreNotAttachedOnTheirOwn() {
        try (BpfObject obj = BpfObject.load(named("loader_struct_ops", "ebpf4j_cc", uniqueName("e4j_x_")))) {
            BpfArgumentException e = assertThrows(BpfArgumentException.class, () -> obj.attach("ebpf4j_ssthresh"));
            assertEquals("object 'loader_struct_ops.bpf.o': program 'ebpf4j_ssthresh' (struct_ops/ebpf4j_ssthresh) is "
                    + "a struct_ops program; the kernel calls it through its struct_ops map once that is registered: "
                    + "attachStructOps(\"ebpf4j_cc\")", e.getMessage());
            StructOpsLink plain = obj.attachStructOps("ebpf4j_cc");
            BpfArgumentException pin = assertThrows(BpfArgumentException.class,
                    () -> plain.pin(Path.of("/sys/fs/bpf/never")));
            assertTrue(pin.getMessage().contains("without a bpf_link to pin"), pin.getMessage());
        }
    }

    @Test
    void aStructOpsProgramLoadsOnItsOwnForVerification() {
        ObjectSpec spec = Corpus.spec("loader_struct_ops_link");
        try (BpfObject obj = BpfObject.load(spec.withAutoloadOnly("ebpf4j_off_ssthresh"))) {
            assertEquals(List.of("ebpf4j_off_ssthresh"), List.copyOf(obj.programs().keySet()),
                    "its only map is not created, yet the map tells which member it implements");
            assertEquals(Btf.vmlinux().findId("tcp_congestion_ops", BtfKind.STRUCT).orElseThrow(),
                    obj.program("ebpf4j_off_ssthresh").info().attachBtfId());
        }
    }
}
