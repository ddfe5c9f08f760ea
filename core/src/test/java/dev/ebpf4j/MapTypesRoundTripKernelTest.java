package dev.ebpf4j;

import dev.ebpf4j.asm.Asm;
import dev.ebpf4j.asm.HelperFunction;
import dev.ebpf4j.internal.PageSize;
import dev.ebpf4j.internal.sys.CallScratch;
import dev.ebpf4j.internal.sys.Fd;
import dev.ebpf4j.internal.sys.Libc;
import dev.ebpf4j.internal.sys.PerfEvents;
import dev.ebpf4j.internal.sys.SyscallNumbers;
import dev.ebpf4j.link.CgroupLink;
import dev.ebpf4j.link.TracepointLink;
import dev.ebpf4j.testkit.KernelTest;
import dev.ebpf4j.testkit.TestCgroup;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.util.List;

import static dev.ebpf4j.MapKernelTest.le32;
import static dev.ebpf4j.MapKernelTest.le64;
import static dev.ebpf4j.MapKernelTest.readLe64;
import static dev.ebpf4j.asm.Register.*;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.junit.jupiter.api.Assertions.*;

/**
 * A round trip through every map type this kernel offers whose elements user space can write: fd-valued maps take
 * file descriptors and answer ids or cookies, local-storage maps are keyed by a pidfd, socket, file or cgroup fd,
 * cgroup storage is filled by an attached program, stack traces by a tracepoint program. Ring buffers, user ring
 * buffers, queues, stacks and bloom filters have their own tests; XSKMAP needs an AF_XDP socket and struct_ops maps
 * a struct_ops program, so those two are only created (see MapKernelTest).
 */
@KernelTest
class MapTypesRoundTripKernelTest {
    private static final int AF_INET = 2;
    private static final int SOCK_DGRAM = 2;
    private static final int SOL_SOCKET = 1;
    private static final int SO_REUSEPORT = 15;

    static int readLe32(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt();
    }

    /** A UDP socket bound to 127.0.0.1 on a kernel-chosen port, optionally with SO_REUSEPORT. */
    static Fd udpSocket(boolean reuseport) {
        int fd = Libc.socket(AF_INET, SOCK_DGRAM, 0);
        assertTrue(fd >= 0, "socket: errno " + CallScratch.get().errno());
        Fd owned = Fd.adopt(fd, "test udp socket");
        try (Arena arena = Arena.ofConfined()) {
            if (reuseport) {
                MemorySegment one = arena.allocate(4);
                one.set(JAVA_INT, 0, 1);
                assertEquals(0, Libc.setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, one, 4));
            }
            MemorySegment addr = arena.allocate(16);
            addr.set(JAVA_SHORT, 0, (short) AF_INET);
            addr.set(JAVA_INT, 4, Integer.reverseBytes(0x7f000001));
            assertEquals(0, Libc.bind(fd, addr, 16), "bind: errno " + CallScratch.get().errno());
        }
        return owned;
    }

    static Fd openPath(String path, int flags) {
        int fd = Libc.open(CallScratch.get().cString(path), flags | Libc.O_CLOEXEC, 0);
        assertTrue(fd >= 0, "open " + path + ": errno " + CallScratch.get().errno());
        return Fd.adopt(fd, path);
    }

    static Program trivialProgram(ProgramType type) {
        return Program.load(ProgramSpec.builder(type).name("rt").instructions(new Asm().mov64(R0, 0).exit().build())
                .build());
    }

    @Test
    void lruHashEvictsInsteadOfFailing() {
        try (BpfMap m = BpfMap.create(MapSpec.builder(MapType.LRU_HASH).name("lru").keySize(4).valueSize(8)
                .maxEntries(64).build())) {
            for (int i = 0; i < 1000; i++) m.update(le32(i), le64(i));
            assertEquals(999, readLe64(m.lookup(le32(999)).orElseThrow()));
            assertTrue(m.keys().size() <= 64 + 2 * dev.ebpf4j.internal.sys.Cpus.possibleCount() * 8,
                    "LRU keeps about max_entries elements");
        }
    }

    @Test
    void lpmTrieMatchesTheLongestPrefix() {
        try (BpfMap m = BpfMap.create(MapSpec.builder(MapType.LPM_TRIE).name("lpm").keySize(8).valueSize(4)
                .maxEntries(16).flags(MapFlags.NO_PREALLOC).build())) {
            m.update(lpmKey(8, 10, 0, 0, 0), le32(1));
            m.update(lpmKey(24, 10, 1, 2, 0), le32(2));
            assertEquals(2, readLe32(m.lookup(lpmKey(32, 10, 1, 2, 3)).orElseThrow()));
            assertEquals(1, readLe32(m.lookup(lpmKey(32, 10, 9, 9, 9)).orElseThrow()));
            assertTrue(m.lookup(lpmKey(32, 11, 0, 0, 1)).isEmpty());
        }
    }

    private static byte[] lpmKey(int prefix, int a, int b, int c, int d) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(prefix)
                .put((byte) a).put((byte) b).put((byte) c).put((byte) d).array();
    }

    @Test
    void percpuArrayAndLruPercpuHash() {
        for (MapType t : List.of(MapType.PERCPU_ARRAY, MapType.LRU_PERCPU_HASH)) {
            try (BpfMap m = BpfMap.create(MapSpec.builder(t).name("pc").keySize(4).valueSize(8).maxEntries(4).build())) {
                int cpus = dev.ebpf4j.internal.sys.Cpus.possibleCount();
                List<byte[]> values = new java.util.ArrayList<>();
                for (int i = 0; i < cpus; i++) values.add(le64(1000L + i));
                m.updatePerCpu(le32(1), values, UpdateMode.ANY);
                List<byte[]> back = m.lookupPerCpu(le32(1)).orElseThrow();
                for (int i = 0; i < cpus; i++) assertEquals(1000L + i, readLe64(back.get(i)), t + " cpu " + i);
            }
        }
    }

    @Test
    void mapInMapValuesAreInnerMapFdsAndReadBackAsIds() {
        for (MapType t : List.of(MapType.ARRAY_OF_MAPS, MapType.HASH_OF_MAPS)) {
            try (BpfMap inner = BpfMap.create(MapSpec.array("inner", 4, 1));
                 BpfMap outer = BpfMap.create(MapSpec.builder(t).name("outer").keySize(4).valueSize(4).maxEntries(2)
                         .innerMap(MapSpec.array("tmpl", 4, 1)).build())) {
                outer.update(le32(0), le32(inner.fd()));
                assertEquals(inner.id(), readLe32(outer.lookup(le32(0)).orElseThrow()), t.toString());
                assertTrue(outer.delete(le32(0)));
            }
        }
    }

    @Test
    void progArrayTakesProgramFdsAndReadsBackIds() {
        try (Program p = trivialProgram(ProgramType.SOCKET_FILTER);
             BpfMap m = BpfMap.create(MapSpec.builder(MapType.PROG_ARRAY).name("progs").keySize(4).valueSize(4)
                     .maxEntries(4).build())) {
            m.update(le32(2), le32(p.fd()));
            assertEquals(p.id(), readLe32(m.lookup(le32(2)).orElseThrow()));
            assertTrue(m.delete(le32(2)));
        }
    }

    @Test
    void perfEventAndCgroupArraysTakeFds() throws IOException {
        try (BpfMap perf = BpfMap.create(MapSpec.perfEventArray("perf"));
             Fd event = PerfEvents.open(PerfEvents.Attr.software(PerfEvents.SW_BPF_OUTPUT)
                     .sampleType(PerfEvents.SAMPLE_RAW).wakeupEvents(1), -1, 0, -1, "bpf output cpu 0")) {
            perf.update(le32(0), le32(event.get()));
            assertTrue(perf.delete(le32(0)));
            assertFalse(perf.delete(le32(0)));
        }
        try (TestCgroup cg = TestCgroup.create(); Fd dir = openPath(cg.path().toString(), Libc.O_RDONLY | Libc.O_DIRECTORY);
             BpfMap cgArray = BpfMap.create(MapSpec.builder(MapType.CGROUP_ARRAY).name("cgs").keySize(4).valueSize(4)
                     .maxEntries(1).build())) {
            cgArray.update(le32(0), le32(dir.get()));
            assertTrue(cgArray.delete(le32(0)));
        }
    }

    @Test
    void devmapsAndCpumapHoldTheirValues() {
        for (MapType t : List.of(MapType.DEVMAP, MapType.DEVMAP_HASH)) {
            try (BpfMap m = BpfMap.create(MapSpec.builder(t).name("dev").keySize(4).valueSize(4).maxEntries(4).build())) {
                m.update(le32(1), le32(1)); // loopback's ifindex
                assertEquals(1, readLe32(m.lookup(le32(1)).orElseThrow()), t.toString());
            }
        }
        try (BpfMap m = BpfMap.create(MapSpec.builder(MapType.CPUMAP).name("cpu").keySize(4).valueSize(4)
                .maxEntries(1).build())) {
            m.update(le32(0), le32(192));
            assertEquals(192, readLe32(m.lookup(le32(0)).orElseThrow()));
            assertTrue(m.delete(le32(0)));
        }
    }

    @Test
    void sockmapSockhashAndReuseportArrayTakeSocketFds() {
        for (MapType t : List.of(MapType.SOCKMAP, MapType.SOCKHASH)) {
            try (Fd sock = udpSocket(false);
                 BpfMap m = BpfMap.create(MapSpec.builder(t).name("socks").keySize(4).valueSize(8).maxEntries(4).build())) {
                m.update(le32(3), le64(sock.get()));
                long cookie = readLe64(m.lookup(le32(3)).orElseThrow());
                assertNotEquals(0, cookie, t + " answers the socket's cookie");
                assertTrue(m.delete(le32(3)));
            }
        }
        try (Fd sock = udpSocket(true);
             BpfMap m = BpfMap.create(MapSpec.builder(MapType.REUSEPORT_SOCKARRAY).name("reuse").keySize(4)
                     .valueSize(8).maxEntries(2).build())) {
            m.update(le32(0), le64(sock.get()));
            assertNotEquals(0, readLe64(m.lookup(le32(0)).orElseThrow()));
            assertTrue(m.delete(le32(0)));
        }
    }

    @Test
    void localStorageMapsAreKeyedByFds() throws IOException {
        // task storage: keyed by a pidfd of this process
        long pidfd = Libc.syscall(SyscallNumbers.current().pidfdOpen(), ProcessHandle.current().pid(), 0, 0, 0, 0);
        assertTrue(pidfd >= 0, "pidfd_open");
        try (Fd task = Fd.adopt((int) pidfd, "pidfd");
             BpfMap m = BpfMap.create(MapSpec.builder(MapType.TASK_STORAGE).name("tasks").keySize(4).valueSize(8)
                     .build())) {
            m.update(le32(task.get()), le64(77));
            assertEquals(77, readLe64(m.lookup(le32(task.get())).orElseThrow()));
            assertTrue(m.delete(le32(task.get())));
        }
        try (Fd sock = udpSocket(false);
             BpfMap m = BpfMap.create(MapSpec.builder(MapType.SK_STORAGE).name("socks").keySize(4).valueSize(8).build())) {
            m.update(le32(sock.get()), le64(78));
            assertEquals(78, readLe64(m.lookup(le32(sock.get())).orElseThrow()));
        }
        try (TestCgroup cg = TestCgroup.create(); Fd dir = openPath(cg.path().toString(), Libc.O_RDONLY | Libc.O_DIRECTORY);
             BpfMap m = BpfMap.create(MapSpec.builder(MapType.CGRP_STORAGE).name("cgs").keySize(4).valueSize(8).build())) {
            m.update(le32(dir.get()), le64(79));
            assertEquals(79, readLe64(m.lookup(le32(dir.get())).orElseThrow()));
        }
        var file = Files.createTempFile("ebpf4j-inode", ".tmp");
        try (Fd f = openPath(file.toString(), Libc.O_RDONLY);
             BpfMap m = BpfMap.create(MapSpec.builder(MapType.INODE_STORAGE).name("inodes").keySize(4).valueSize(8)
                     .build())) {
            m.update(le32(f.get()), le64(80));
            assertEquals(80, readLe64(m.lookup(le32(f.get())).orElseThrow()));
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void stackTraceMapIsFilledByAProgram() {
        try (BpfMap stacks = BpfMap.create(MapSpec.builder(MapType.STACK_TRACE).name("stacks").keySize(4)
                .valueSize(8 * 127).maxEntries(64).build());
             BpfMap ids = BpfMap.create(MapSpec.array("ids", 8, 1))) {
            int pid = (int) ProcessHandle.current().pid();
            // if (current tgid == pid) { id = get_stackid(ctx, stacks, 0); ids[0] = id; }
            List<dev.ebpf4j.asm.Instruction> insns = new Asm()
                    .mov64(R6, R1)
                    .call(HelperFunction.GET_CURRENT_PID_TGID)
                    .rsh64(R0, 32)
                    .jne(R0, pid, "out")
                    .mov64(R1, R6).ldMapFd(R2, stacks.fd()).mov64(R3, 0)
                    .call(HelperFunction.GET_STACKID)
                    .stxdw(R10, -16, R0)
                    .stw(R10, -4, 0)
                    .ldMapFd(R1, ids.fd()).mov64(R2, R10).add64(R2, -4).mov64(R3, R10).add64(R3, -16).mov64(R4, 0)
                    .call(HelperFunction.MAP_UPDATE_ELEM)
                    .label("out").mov64(R0, 0).exit().build();
            try (Program p = Program.load(ProgramSpec.builder(ProgramType.TRACEPOINT).name("stk").instructions(insns)
                    .build());
                 var link = TracepointLink.attach(p, "syscalls", "sys_enter_getpid")) {
                Libc.getpid();
            }
            long id = readLe64(ids.lookup(le32(0)).orElseThrow());
            assertTrue(id >= 0, "get_stackid returned " + id);
            byte[] trace = stacks.lookup(le32((int) id)).orElseThrow();
            assertNotEquals(0, readLe64(trace), "the first frame is a kernel address");
        }
    }

    @Test
    void cgroupStorageIsCreatedByAttachAndWrittenByTheProgram() {
        for (MapType t : List.of(MapType.CGROUP_STORAGE, MapType.PERCPU_CGROUP_STORAGE)) {
            try (TestCgroup cg = TestCgroup.create();
                 BpfMap storage = BpfMap.create(MapSpec.builder(t).name("cgst").keySize(16).valueSize(8).build())) {
                // v = get_local_storage(map, 0); *v += 1 (atomically for the shared kind); return 1 (allow)
                Asm a = new Asm().ldMapFd(R1, storage.fd()).mov64(R2, 0).call(HelperFunction.GET_LOCAL_STORAGE)
                        .mov64(R1, 1);
                if (t == MapType.CGROUP_STORAGE) a.atomicAdd64(R0, 0, R1);
                else a.ldxdw(R2, R0, 0).add64(R2, 1).stxdw(R0, 0, R2);
                try (Program p = Program.load(ProgramSpec.builder(ProgramType.CGROUP_SKB).name("cnt")
                        .expectedAttachType(AttachType.CGROUP_INET_EGRESS)
                        .instructions(a.mov64(R0, 1).exit().build()).build());
                     var link = CgroupLink.attach(p, cg.path(), AttachType.CGROUP_INET_EGRESS)) {
                    cg.runInside("ping -c 2 -i 0.2 -W 1 127.0.0.1 >/dev/null 2>&1; true");
                    long ino = inode(cg.path()); // cgroup v2 id = the directory's inode number
                    byte[] key = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(ino)
                            .putInt(AttachType.CGROUP_INET_EGRESS.number()).putInt(0).array();
                    byte[] value = storage.lookup(key).orElseThrow();
                    long total = 0;
                    for (int off = 0; off + 8 <= value.length; off += 8) {
                        total += ByteBuffer.wrap(value, off, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
                    }
                    assertTrue(total >= 2, t + ": packets counted " + total);
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            }
        }
    }

    private static long inode(java.nio.file.Path p) throws IOException {
        return ((Number) Files.getAttribute(p, "unix:ino")).longValue();
    }

    @Test
    void arenaIsMappable() {
        try (BpfMap arena = BpfMap.create(MapSpec.builder(MapType.ARENA).name("arena").maxEntries(4)
                .flags(MapFlags.MMAPABLE).build())) {
            MemorySegment mem = arena.memory();
            assertEquals(4 * PageSize.get(), mem.byteSize());
            mem.set(JAVA_LONG, 8, 0x1234_5678_9abcL);
            assertEquals(0x1234_5678_9abcL, mem.get(JAVA_LONG, 8));
        }
    }
}
