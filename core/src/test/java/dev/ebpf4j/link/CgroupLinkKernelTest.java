package dev.ebpf4j.link;

import dev.ebpf4j.AttachType;
import dev.ebpf4j.BpfArgumentException;
import dev.ebpf4j.BpfException;
import dev.ebpf4j.BpfMap;
import dev.ebpf4j.Errno;
import dev.ebpf4j.LinkType;
import dev.ebpf4j.Program;
import dev.ebpf4j.ProgramSpec;
import dev.ebpf4j.ProgramType;
import dev.ebpf4j.asm.Asm;
import dev.ebpf4j.internal.sys.ObjectPins;
import dev.ebpf4j.testkit.KernelTest;
import dev.ebpf4j.testkit.Shell;
import dev.ebpf4j.testkit.TestCgroup;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.ebpf4j.asm.Register.R0;
import static dev.ebpf4j.link.PacketPrograms.*;
import static org.junit.jupiter.api.Assertions.*;

@KernelTest
class CgroupLinkKernelTest {
    private static final String PING = "ping -c 3 -i 0.2 -W 1 127.0.0.1";

    /** Runs ping in the cgroup; true when it could create its socket. */
    private static Shell.Result pingInside(TestCgroup cg) {
        return cg.runInside(PING + " 2>&1");
    }

    @Test
    void sockCreateLinkDeniesSocketsUntilClosed() throws Exception {
        try (TestCgroup cg = TestCgroup.create();
             BpfMap counts = counters("cg_deny");
             Program deny = cgroupCounter(counts, AttachType.CGROUP_INET_SOCK_CREATE, 0, "deny_sock")) {
            assertEquals(0, pingInside(cg).exitCode(), "ping works before attaching");
            try (CgroupLink link = CgroupLink.attach(deny, cg.path(), AttachType.CGROUP_INET_SOCK_CREATE)) {
                assertTrue(link.usesLink());
                assertEquals("cgroup_inet_sock_create on cgroup " + cg.path() + " → program 'deny_sock' (cgroup_sock)",
                        link.describe());
                LinkInfo info = link.info().orElseThrow();
                assertEquals(LinkType.CGROUP, info.type());
                assertEquals(deny.id(), info.programId());
                assertEquals(AttachType.CGROUP_INET_SOCK_CREATE, info.attachType().orElseThrow());
                assertEquals(Files.getAttribute(cg.path(), "unix:ino"), info.details().get("cgroup_id"));

                Shell.Result r = pingInside(cg);
                assertNotEquals(0, r.exitCode(), r.output());
                assertTrue(r.output().contains("Operation not permitted"), r.output());
                assertTrue(read(counts, 0) >= 1, "the program ran");

                AttachedPrograms q = CgroupLink.query(cg.path(), AttachType.CGROUP_INET_SOCK_CREATE);
                assertEquals(List.of(deny.id()), q.programIds());
                assertTrue(CgroupLink.queryEffective(cg.path(), AttachType.CGROUP_INET_SOCK_CREATE).programIds()
                        .contains(deny.id()));
            }
            long after = read(counts, 0);
            assertEquals(0, pingInside(cg).exitCode(), "closing the link detaches the program");
            assertEquals(after, read(counts, 0));
            assertTrue(CgroupLink.query(cg.path(), AttachType.CGROUP_INET_SOCK_CREATE).programIds().isEmpty());
        }
    }

    @Test
    void pinnedLinkKeepsWorkingAfterClose() throws Exception {
        Path pin = uniquePin("cg");
        try (TestCgroup cg = TestCgroup.create();
             BpfMap counts = counters("cg_pin");
             Program deny = cgroupCounter(counts, AttachType.CGROUP_INET_SOCK_CREATE, 0, "deny_pin")) {
            CgroupLink link = CgroupLink.attach(deny, cg.path(), AttachType.CGROUP_INET_SOCK_CREATE);
            link.pin(pin);
            link.close();
            assertNotEquals(0, pingInside(cg).exitCode(), "the pin keeps the program attached");
            new LinkFd(ObjectPins.open(pin, 0, "link"), "pinned cgroup link").detach();
            assertEquals(0, pingInside(cg).exitCode());
        } finally {
            Files.deleteIfExists(pin);
        }
    }

    @Test
    void progAttachFallbackCountsEgressAndDetachesOnClose() {
        try (TestCgroup cg = TestCgroup.create();
             BpfMap counts = counters("cg_egress");
             Program count = cgroupCounter(counts, AttachType.CGROUP_INET_EGRESS, 1, "egress_cnt")) {
            CgroupLink link = CgroupLink.attachWithProgAttach(count, cg.path(), AttachType.CGROUP_INET_EGRESS);
            try {
                assertFalse(link.usesLink());
                assertTrue(link.info().isEmpty());
                assertTrue(link.describe().contains("(BPF_PROG_ATTACH)"), link.describe());
                AttachedPrograms q = CgroupLink.query(cg.path(), AttachType.CGROUP_INET_EGRESS);
                assertEquals(List.of(count.id()), q.programIds());
                assertEquals(CgroupLink.BPF_F_ALLOW_MULTI, q.attachFlags());
                assertThrows(BpfException.class, () -> link.pin(uniquePin("cgpa")));

                Shell.Result r = pingInside(cg);
                assertEquals(0, r.exitCode(), r.output());
                assertTrue(read(counts, 0) >= 3, "three echo requests left the cgroup: " + read(counts, 0));
            } finally {
                link.close();
            }
            long seen = read(counts, 0);
            assertTrue(CgroupLink.query(cg.path(), AttachType.CGROUP_INET_EGRESS).programIds().isEmpty());
            assertEquals(0, pingInside(cg).exitCode());
            assertEquals(seen, read(counts, 0), "no counting after close");
            link.close(); // idempotent
        }
    }

    @Test
    void everyCgroupAttachTypeAttachesAsALink() {
        List<String> failures = new ArrayList<>();
        try (TestCgroup cg = TestCgroup.create()) {
            for (AttachType type : AttachType.values()) {
                // LSM_CGROUP programs need BPF trampolines, which this machine's kernel blocks at load time.
                if (!type.isCgroup() || type == AttachType.LSM_CGROUP) continue;
                try (Program p = Program.load(ProgramSpec.builder(type.programType()).name("t" + type.number())
                        .expectedAttachType(type).instructions(new Asm().mov64(R0, 1).exit().build()).build());
                     CgroupLink link = CgroupLink.attach(p, cg.path(), type)) {
                    LinkInfo info = link.info().orElseThrow();
                    if (info.attachType().orElse(null) != type) failures.add(type + ": info says " + info.details());
                    if (!CgroupLink.query(cg.path(), type).programIds().contains(p.id())) {
                        failures.add(type + ": not listed by query");
                    }
                } catch (BpfException e) {
                    failures.add(type + ": " + e.getMessage());
                }
            }
        }
        assertEquals(List.of(), failures);
    }

    @Test
    void errorsNameTheCgroupAndTheMismatch() throws Exception {
        try (TestCgroup cg = TestCgroup.create();
             BpfMap counts = counters("cg_err");
             Program egress = cgroupCounter(counts, AttachType.CGROUP_INET_EGRESS, 1, "egress_err");
             Program bind4 = cgroupCounter(counts, AttachType.CGROUP_INET4_BIND, 1, "bind4")) {
            BpfArgumentException a = assertThrows(BpfArgumentException.class,
                    () -> CgroupLink.attach(egress, cg.path(), AttachType.XDP));
            assertTrue(a.getMessage().contains("xdp is not a cgroup attach type"), a.getMessage());
            a = assertThrows(BpfArgumentException.class,
                    () -> CgroupLink.attach(egress, cg.path(), AttachType.CGROUP_INET_SOCK_CREATE));
            assertTrue(a.getMessage().contains("runs cgroup_sock programs, this one is cgroup_skb"), a.getMessage());
            a = assertThrows(BpfArgumentException.class,
                    () -> CgroupLink.attach(bind4, cg.path(), AttachType.CGROUP_INET4_CONNECT));
            assertTrue(a.getMessage().contains("it was loaded for cgroup_inet4_bind"), a.getMessage());

            Path missing = cg.path().resolve("missing");
            BpfException e = assertThrows(BpfException.class,
                    () -> CgroupLink.attach(egress, missing, AttachType.CGROUP_INET_EGRESS));
            assertEquals(Errno.ENOENT, e.errno());
            assertTrue(e.getMessage().contains("there is no cgroup directory " + missing), e.getMessage());
            e = assertThrows(BpfException.class,
                    () -> CgroupLink.attach(egress, cg.path().resolve("cgroup.procs"), AttachType.CGROUP_INET_EGRESS));
            assertEquals(Errno.ENOTDIR, e.errno());
            Path notCgroup = Files.createTempDirectory("ebpf4j-not-a-cgroup");
            try {
                e = assertThrows(BpfException.class,
                        () -> CgroupLink.attach(egress, notCgroup, AttachType.CGROUP_INET_EGRESS));
                assertTrue(e.getMessage().contains("not a cgroup v2 directory"), e.getMessage());
                e = assertThrows(BpfException.class,
                        () -> CgroupLink.attachWithProgAttach(egress, notCgroup, AttachType.CGROUP_INET_EGRESS));
                assertTrue(e.getMessage().contains("not a cgroup v2 directory"), e.getMessage());

                for (int i = 0; i < 3; i++) failAll(egress, cg.path(), missing, notCgroup);
                dev.ebpf4j.testkit.OpenFiles.Snapshot before = dev.ebpf4j.testkit.OpenFiles.snapshot();
                for (int i = 0; i < 20; i++) failAll(egress, cg.path(), missing, notCgroup);
                assertEquals(java.util.Map.of(), before.openedSince(), "failing attaches must not leak descriptors");
            } finally {
                Files.deleteIfExists(notCgroup);
            }
        }
    }

    private static void failAll(Program egress, Path cg, Path missing, Path notCgroup) {
        assertThrows(BpfException.class, () -> CgroupLink.attach(egress, missing, AttachType.CGROUP_INET_EGRESS));
        assertThrows(BpfException.class, () -> CgroupLink.attach(egress, notCgroup, AttachType.CGROUP_INET_EGRESS));
        assertThrows(BpfException.class,
                () -> CgroupLink.attachWithProgAttach(egress, notCgroup, AttachType.CGROUP_INET_EGRESS));
        assertThrows(BpfException.class, () -> CgroupLink.attach(egress, cg, AttachType.CGROUP_SYSCTL));
        assertThrows(BpfException.class, () -> CgroupLink.query(missing, AttachType.CGROUP_INET_EGRESS));
    }
}
