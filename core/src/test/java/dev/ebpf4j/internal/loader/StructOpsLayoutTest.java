package dev.ebpf4j.internal.loader;

import dev.ebpf4j.BpfException;
import dev.ebpf4j.NotSupportedException;
import dev.ebpf4j.btf.Btf;
import dev.ebpf4j.btf.BtfArray;
import dev.ebpf4j.btf.BtfBuilder;
import dev.ebpf4j.btf.BtfFuncProto;
import dev.ebpf4j.btf.BtfIntEncoding;
import dev.ebpf4j.btf.BtfMember;
import dev.ebpf4j.btf.BtfParam;
import dev.ebpf4j.btf.BtfStruct;
import dev.ebpf4j.elf.ElfFile;
import dev.ebpf4j.internal.sys.Fd;
import dev.ebpf4j.testkit.TestObjects;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The struct_ops value layout against made-up kernels (no kernel needed): the object's {@code tcp_congestion_ops}
 * (loader_tcp_cc.h: name, undo_cwnd, cong_avoid, flags, init, ssthresh) translated member by member, by name, into a
 * kernel {@code bpf_struct_ops_tcp_congestion_ops} whose {@code tcp_congestion_ops} has another order, other members
 * and sits at another offset; libbpf's rules for members the kernel lacks, size and kind mismatches, and types only a
 * module has.
 */
class StructOpsLayoutTest {
    /** The kernel members, in order: name → kind ("fn", "name16", "name8", "u32", "u64"). */
    private static final List<String[]> STANDARD = List.of(new String[]{"ssthresh", "fn"},
            new String[]{"cong_avoid", "fn"}, new String[]{"set_state", "fn"}, new String[]{"undo_cwnd", "fn"},
            new String[]{"name", "name16"}, new String[]{"flags", "u32"}, new String[]{"key", "u32"},
            new String[]{"init", "fn"});

    /** Builds BTF holding tcp_congestion_ops with {@code members} and, unless {@code withValue} is false, its wrapper. */
    private static Btf kernel(List<String[]> members, boolean withValue, Btf base) {
        BtfBuilder b = base == null ? new BtfBuilder() : new BtfBuilder(base);
        int u32 = b.addInt("unsigned int", 4, BtfIntEncoding.NONE);
        int u64 = b.addInt("long long unsigned int", 8, BtfIntEncoding.NONE);
        int chr = b.addInt("char", 1, BtfIntEncoding.SIGNED);
        int sock = b.add(new BtfStruct("sock", 8, List.of()));
        int proto = b.add(new BtfFuncProto(u32, List.of(new BtfParam("", b.addPtr(sock))), false));
        int fn = b.addPtr(proto);
        int name16 = b.add(new BtfArray(chr, u32, 16));
        int name8 = b.add(new BtfArray(chr, u32, 8));
        List<BtfMember> ms = new ArrayList<>();
        int offset = 0;
        for (String[] m : members) {
            int type = switch (m[1]) {
                case "fn" -> fn;
                case "name16" -> name16;
                case "name8" -> name8;
                case "u32" -> u32;
                default -> u64;
            };
            int size = switch (m[1]) {
                case "fn", "u64" -> 8;
                case "name16" -> 16;
                case "name8" -> 8;
                default -> 4;
            };
            ms.add(new BtfMember(m[0], type, offset * 8, 0));
            offset += size;
        }
        int ops = b.add(new BtfStruct("tcp_congestion_ops", (offset + 7) / 8 * 8, ms));
        if (withValue) {
            int common = b.add(new BtfStruct("bpf_struct_ops_common_value", 8,
                    List.of(new BtfMember("refcnt", u32, 0, 0), new BtfMember("state", u32, 32, 0))));
            b.add(new BtfStruct("bpf_struct_ops_tcp_congestion_ops", 64 + (offset + 7) / 8 * 8,
                    List.of(new BtfMember("common", common, 0, 0), new BtfMember("data", ops, 64 * 8, 0))));
        }
        b.add(new BtfStruct("unrelated", 8, List.of(new BtfMember("x", u64, 0, 0))));
        return b.build();
    }

    private record Kernel(Btf vmlinux, Map<String, Btf> modules) implements KernelView {
        @Override public int versionCode() { return 0x061200; }
        @Override public Optional<String> config(String name) { return Optional.empty(); }
        @Override public boolean hasBpfCookie() { return true; }
        @Override public boolean hasSyscallWrapper() { return true; }
        @Override public List<String> moduleNames() { return List.copyOf(modules.keySet()); }

        @Override
        public Btf module(String name) {
            Btf m = modules.get(name);
            if (m == null) throw new BpfException("no module " + name);
            return m;
        }

        @Override public Fd moduleBtfFd(String name) { throw new UnsupportedOperationException(); }
        @Override public OptionalLong symbolAddress(String name) { return OptionalLong.empty(); }
    }

    private static final ObjectModel MODEL = ObjectParser.parse(
            ElfFile.read(TestObjects.bpf("loader_struct_ops")), "loader_struct_ops.bpf.o");

    private static StructOpsDefinition cc() {
        return MODEL.structOps("ebpf4j_cc");
    }

    private static StructOpsLayout.Plan plan(StructOpsDefinition d, Btf vmlinux) {
        return StructOpsLayout.plan(d, MODEL.btf(), new Kernel(vmlinux, Map.of()));
    }

    private static String string(byte[] b, int off, int len) {
        int n = 0;
        while (n < len && b[off + n] != 0) n++;
        return new String(b, off, n, StandardCharsets.US_ASCII);
    }

    @Test
    void theObjectsStructIsItsOwnSubsetInItsOwnOrder() {
        StructOpsDefinition d = cc();
        assertEquals("tcp_congestion_ops", d.typeName());
        assertEquals(List.of("name", "undo_cwnd", "cong_avoid", "flags", "init", "ssthresh"),
                d.members().stream().map(StructOpsDefinition.Member::name).toList());
        assertEquals(List.of("ebpf4j_undo_cwnd", "ebpf4j_cong_avoid", "ebpf4j_init", "ebpf4j_ssthresh"), d.programs());
        assertNull(d.member("flags").program());
        assertFalse(d.member("flags").functionPointer());
        assertTrue(d.member("init").functionPointer());
        assertEquals("ebpf4j_cc", string(d.data(), d.member("name").offset(), 16));
        byte[] ptr = Arrays.copyOfRange(d.data(), d.member("ssthresh").offset(), d.member("ssthresh").offset() + 8);
        assertArrayEquals(new byte[8], ptr, "function pointer slots are zero: the program names stand in for them");
        assertFalse(d.link());
        assertTrue(d.autocreate());
    }

    @Test
    void membersMoveToTheKernelsOffsetsByName() {
        Btf k = kernel(STANDARD, true, null);
        StructOpsLayout.Plan p = plan(cc(), k);
        assertEquals(k.findId("tcp_congestion_ops", dev.ebpf4j.btf.BtfKind.STRUCT).orElseThrow(), p.kernelTypeId());
        assertEquals(k.findId("bpf_struct_ops_tcp_congestion_ops", dev.ebpf4j.btf.BtfKind.STRUCT).orElseThrow(),
                p.valueTypeId());
        assertNull(p.module());
        assertEquals(64 + 64, p.valueSize(), "the wrapper: common value, then the kernel struct at byte 64");
        byte[] v = p.value();
        assertEquals("ebpf4j_cc", string(v, 64 + 32, 16), "name: object offset 0, kernel offset 32");
        assertEquals(0, ByteBuffer.wrap(v).order(ByteOrder.nativeOrder()).getInt(64 + 48), "flags");
        assertEquals(List.of(
                        new StructOpsLayout.Slot("ebpf4j_undo_cwnd", "undo_cwnd", 3, 64 + 24),
                        new StructOpsLayout.Slot("ebpf4j_cong_avoid", "cong_avoid", 1, 64 + 8),
                        new StructOpsLayout.Slot("ebpf4j_init", "init", 7, 64 + 56),
                        new StructOpsLayout.Slot("ebpf4j_ssthresh", "ssthresh", 0, 64)),
                p.slots(), "member index = the kernel's (the programs' expected attach type)");
        assertTrue(p.dropped().isEmpty());
        byte[] expected = new byte[v.length];
        System.arraycopy("ebpf4j_cc".getBytes(StandardCharsets.US_ASCII), 0, expected, 64 + 32, 9);
        assertArrayEquals(expected, v, "nothing else is written; the program slots stay zero until load");
    }

    @Test
    void unsetMembersTheKernelLacksAreDroppedSetOnesAreRefused() {
        List<String[]> noFlags = STANDARD.stream().filter(m -> !m[0].equals("flags")).toList();
        StructOpsLayout.Plan p = plan(cc(), kernel(noFlags, true, null));
        assertEquals(List.of("flags"), p.dropped());
        byte[] flags = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(1).array();
        byte[] data = cc().data();
        System.arraycopy(flags, 0, data, cc().member("flags").offset(), 4);
        NotSupportedException set = assertThrows(NotSupportedException.class,
                () -> plan(cc().withData(data), kernel(noFlags, true, null)));
        assertEquals("struct_ops member tcp_congestion_ops.flags", set.feature());
        assertTrue(set.getMessage().contains("struct_ops map 'ebpf4j_cc' (struct tcp_congestion_ops), member 'flags': "
                + "the kernel's struct tcp_congestion_ops has no such member, and it is set"), set.getMessage());

        List<String[]> noInit = STANDARD.stream().filter(m -> !m[0].equals("init")).toList();
        NotSupportedException prog = assertThrows(NotSupportedException.class,
                () -> plan(cc(), kernel(noInit, true, null)));
        assertTrue(prog.getMessage().contains("member 'init': the kernel's struct tcp_congestion_ops has no such "
                + "member, and it is set (to program 'ebpf4j_init')"), prog.getMessage());
    }

    @Test
    void sizeAndKindMismatchesAreNamed() {
        List<String[]> shortName = STANDARD.stream().map(m -> m[0].equals("name") ? new String[]{"name", "name8"} : m)
                .toList();
        BpfException size = assertThrows(BpfException.class, () -> plan(cc(), kernel(shortName, true, null)));
        assertTrue(size.getMessage().endsWith("member 'name': 16 bytes in the object, 8 bytes in the kernel's struct "
                + "tcp_congestion_ops"), size.getMessage());
        List<String[]> dataInit = STANDARD.stream().map(m -> m[0].equals("init") ? new String[]{"init", "u64"} : m)
                .toList();
        BpfException kind = assertThrows(BpfException.class, () -> plan(cc(), kernel(dataInit, true, null)));
        assertTrue(kind.getMessage().endsWith("member 'init': a function pointer in the object, but a int in the "
                + "kernel's struct tcp_congestion_ops"), kind.getMessage());
    }

    @Test
    void aKernelWithoutTheValueStructDoesNotOfferTheType() {
        NotSupportedException e = assertThrows(NotSupportedException.class,
                () -> plan(cc(), kernel(STANDARD, false, null)));
        assertEquals("struct_ops type tcp_congestion_ops", e.feature());
        assertTrue(e.getMessage().contains("has no struct bpf_struct_ops_tcp_congestion_ops, so this kernel does not "
                + "offer 'tcp_congestion_ops' to BPF struct_ops"), e.getMessage());
    }

    @Test
    void typesOfModulesComeWithTheModulesName() {
        BtfBuilder vb = new BtfBuilder();
        vb.addInt("int", 4, BtfIntEncoding.SIGNED);
        Btf vmlinux = vb.build();
        Btf module = kernel(STANDARD, true, vmlinux);
        StructOpsLayout.Plan p = StructOpsLayout.plan(cc(), MODEL.btf(), new Kernel(vmlinux,
                Map.of("tcp_ebpf4j", module)));
        assertEquals("tcp_ebpf4j", p.module());
        assertTrue(p.valueTypeId() >= module.firstTypeId());
        assertEquals(4, p.slots().size());
    }

    @Test
    void flavoredTypeNamesStandForTheKernelsType() {
        StructOpsDefinition d = cc();
        StructOpsDefinition flavored = new StructOpsDefinition(d.name(), d.section(), d.offset(), d.typeId(),
                "tcp_congestion_ops___v2", d.data(), d.members(), d.link(), d.autocreate());
        assertEquals("tcp_congestion_ops", flavored.kernelTypeName());
        assertEquals(4, plan(flavored, kernel(STANDARD, true, null)).slots().size());
    }
}
