package dev.ebpf4j.internal.loader;

import dev.ebpf4j.BpfException;
import dev.ebpf4j.btf.Btf;
import dev.ebpf4j.btf.BtfBuilder;
import dev.ebpf4j.btf.BtfFunc;
import dev.ebpf4j.btf.BtfFuncProto;
import dev.ebpf4j.btf.BtfFwd;
import dev.ebpf4j.btf.BtfIntEncoding;
import dev.ebpf4j.btf.BtfLinkage;
import dev.ebpf4j.btf.BtfParam;
import dev.ebpf4j.btf.BtfStruct;
import dev.ebpf4j.btf.BtfVar;
import dev.ebpf4j.elf.ElfFile;
import dev.ebpf4j.internal.sys.Fd;
import dev.ebpf4j.testkit.TestObjects;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.*;

/** Extern resolution against a made-up kernel: libbpf's kconfig value rules and ksym lookups. */
class ExternResolverTest {

    /** A kernel whose configuration, symbols and BTF the test chooses. */
    private static final class FakeKernel implements KernelView {
        final Map<String, String> config = new HashMap<>();
        final Map<String, Long> symbols = new HashMap<>();
        final Map<String, Btf> modules = new HashMap<>();
        final List<Fd> opened = new java.util.ArrayList<>();
        Btf btf = kernelBtf(true);

        @Override public int versionCode() { return 0x060c05; }
        @Override public Optional<String> config(String name) { return Optional.ofNullable(config.get(name)); }
        @Override public boolean hasBpfCookie() { return true; }
        @Override public boolean hasSyscallWrapper() { return false; }
        @Override public Btf vmlinux() { return btf; }
        @Override public List<String> moduleNames() { return List.copyOf(modules.keySet()); }

        @Override
        public Btf module(String name) {
            Btf m = modules.get(name);
            if (m == null) throw new BpfException("no module " + name);
            return m;
        }

        @Override
        public Fd moduleBtfFd(String name) {
            module(name);
            Fd fd = Fd.duplicate(1, "BTF of module " + name);   // any open fd stands in for the module's BTF object
            opened.add(fd);
            return fd;
        }

        @Override
        public OptionalLong symbolAddress(String name) {
            Long a = symbols.get(name);
            return a == null ? OptionalLong.empty() : OptionalLong.of(a);
        }
    }

    private static Btf kernelBtf(boolean withPerCpuVar) {
        BtfBuilder b = new BtfBuilder();
        int i = b.addInt("int", 4, BtfIntEncoding.SIGNED);
        if (withPerCpuVar) b.add(new BtfVar("bpf_prog_active", i, BtfLinkage.GLOBAL));
        int task = b.add(new BtfStruct("task_struct", 8, List.of()));
        int ptr = b.addPtr(task);
        int proto = b.add(new BtfFuncProto(ptr, List.of(new BtfParam("pid", i)), false));
        b.add(new BtfFunc("bpf_task_from_pid", proto, BtfLinkage.STATIC));
        int release = b.add(new BtfFuncProto(0, List.of(new BtfParam("p", ptr)), false));
        b.add(new BtfFunc("bpf_task_release", release, BtfLinkage.STATIC));
        b.add(new BtfFunc("bpf_task_acquire", b.add(new BtfFuncProto(ptr, List.of(new BtfParam("p", ptr)), false)),
                BtfLinkage.STATIC));
        return b.build();
    }

    private static ObjectModel model(String name) {
        return ObjectParser.parse(ElfFile.read(TestObjects.bpf(name)), name + ".bpf.o");
    }

    private static FakeKernel typicalKernel() {
        FakeKernel k = new FakeKernel();
        k.config.putAll(Map.of("CONFIG_BPF_SYSCALL", "y", "CONFIG_BPF_JIT", "y", "CONFIG_KPROBES", "n",
                "CONFIG_HZ", "250", "CONFIG_DEFAULT_HOSTNAME", "(none)"));
        k.symbols.put("bpf_prog_put", 0xffffffff81234560L);
        return k;
    }

    private static long at(byte[] kconfig, ExternSpec e) {
        ByteBuffer b = ByteBuffer.wrap(kconfig).order(ByteOrder.nativeOrder());
        return switch (e.size()) {
            case 1 -> b.get(e.offset());
            case 2 -> b.getShort(e.offset());
            case 4 -> b.getInt(e.offset());
            default -> b.getLong(e.offset());
        };
    }

    @Test
    void kconfigValuesFollowTheDeclaredTypes() {
        ObjectModel m = model("loader_externs");
        FakeKernel k = typicalKernel();
        k.config.put("CONFIG_HZ", "0x40");
        k.config.put("CONFIG_BPF_JIT", "m");
        k.config.put("CONFIG_DEFAULT_HOSTNAME", "a-very-long-host-name");
        try (ResolvedExterns r = ExternResolver.resolve(m, k)) {
            Map<String, ExternSpec> e = m.externs();
            assertEquals(0x060c05, at(r.kconfig(), e.get("LINUX_KERNEL_VERSION")));
            assertEquals(1, at(r.kconfig(), e.get("LINUX_HAS_BPF_COOKIE")));
            assertEquals(0, at(r.kconfig(), e.get("LINUX_HAS_SYSCALL_WRAPPER")));
            assertEquals(1, at(r.kconfig(), e.get("CONFIG_BPF_SYSCALL")));
            assertEquals(2, at(r.kconfig(), e.get("CONFIG_BPF_JIT")), "tristate m");
            assertEquals(0, at(r.kconfig(), e.get("CONFIG_KPROBES")), "tristate n");
            assertEquals(64, at(r.kconfig(), e.get("CONFIG_HZ")), "hexadecimal");
            assertEquals(0, at(r.kconfig(), e.get("CONFIG_EBPF4J_NO_SUCH_OPTION")), "weak and absent");
            ExternSpec host = e.get("CONFIG_DEFAULT_HOSTNAME");
            String s = new String(r.kconfig(), host.offset(), host.size(), StandardCharsets.US_ASCII);
            assertEquals("a-very-long-hos\0", s, "truncated to 15 bytes and a NUL");
            assertEquals(0xffffffff81234560L, r.targets().get("bpf_prog_put").address());
            assertFalse(r.targets().get("ebpf4j_no_such_symbol").found());
            ResolvedExterns.Target active = r.targets().get("bpf_prog_active");
            assertTrue(active.found());
            assertEquals(k.btf.findId("bpf_prog_active", dev.ebpf4j.btf.BtfKind.VAR).getAsInt(), active.btfId());
            assertEquals(0, active.btfObjFd(), "vmlinux");
            assertEquals(0, r.fdArray().length);
        }
    }

    @Test
    void valuesThatDoNotSuitTheTypeAreErrors() {
        ObjectModel m = model("loader_externs");
        FakeKernel k = typicalKernel();
        k.config.put("CONFIG_BPF_SYSCALL", "m");
        BpfException e = assertThrows(BpfException.class, () -> ExternResolver.resolve(m, k));
        assertTrue(e.getMessage().contains("CONFIG_BPF_SYSCALL") && e.getMessage().contains("a bool cannot hold 'm'"),
                e.getMessage());
        FakeKernel k2 = typicalKernel();
        k2.config.put("CONFIG_HZ", "99999999999");
        e = assertThrows(BpfException.class, () -> ExternResolver.resolve(m, k2));
        assertTrue(e.getMessage().contains("does not fit signed 32 bits"), e.getMessage());
        FakeKernel k3 = typicalKernel();
        k3.config.put("CONFIG_HZ", "lots");
        e = assertThrows(BpfException.class, () -> ExternResolver.resolve(m, k3));
        assertTrue(e.getMessage().contains("not a number"), e.getMessage());
    }

    @Test
    void strongExternsTheKernelLacksAreErrorsNamingTheWayOut() {
        ObjectModel m = model("loader_externs");
        FakeKernel k = typicalKernel();
        k.config.remove("CONFIG_HZ");
        BpfException e = assertThrows(BpfException.class, () -> ExternResolver.resolve(m, k));
        assertTrue(e.getMessage().startsWith("extern 'CONFIG_HZ' (__kconfig)"), e.getMessage());
        assertTrue(e.getMessage().contains("__weak"), e.getMessage());
        FakeKernel k2 = typicalKernel();
        k2.symbols.clear();
        e = assertThrows(BpfException.class, () -> ExternResolver.resolve(m, k2));
        assertTrue(e.getMessage().contains("no symbol 'bpf_prog_put'"), e.getMessage());
        FakeKernel k3 = typicalKernel();
        k3.btf = kernelBtf(false);
        e = assertThrows(BpfException.class, () -> ExternResolver.resolve(m, k3));
        assertTrue(e.getMessage().contains("no variable 'bpf_prog_active'"), e.getMessage());
    }

    @Test
    void kfuncsResolveToFuncIdsAndMissingWeakOnesArePoisoned() {
        ObjectModel m = model("loader_kfuncs");
        FakeKernel k = typicalKernel();
        try (ResolvedExterns r = ExternResolver.resolve(m, k)) {
            int id = k.btf.findId("bpf_task_from_pid", dev.ebpf4j.btf.BtfKind.FUNC).getAsInt();
            assertEquals(id, r.targets().get("bpf_task_from_pid").btfId());
            ResolvedExterns.Target missing = r.targets().get("bpf_ebpf4j_no_such_kfunc");
            assertFalse(missing.found());
            assertTrue(missing.poison() >= ExternResolver.POISON_CALL_KFUNC_BASE);
            List<dev.ebpf4j.asm.Instruction> insns = ReferenceResolver.resolve("p",
                    m.programs().getFirst().code().instructions(), Map.of(".bss", 3, ".rodata", 4, ".data", 5), r);
            assertTrue(insns.stream().anyMatch(i -> i.opcode() == 0x85 && i.src() == 2 && i.imm() == id));
            assertTrue(insns.stream().anyMatch(i -> i.opcode() == 0x85 && i.src() == 0
                    && i.imm() == missing.poison()), "the call to the missing kfunc is poisoned");
            assertTrue(insns.stream().anyMatch(i -> i.isWide() && i.src() == 3
                    && "bpf_task_acquire".equals(i.reference())), "bpf_ksym_exists of a present kfunc: BTF id load");
            assertTrue(insns.stream().anyMatch(i -> i.isWide() && i.src() == 0 && i.constant() == 0
                    && "bpf_ebpf4j_no_such_kfunc".equals(i.reference())), "of a missing one: 0");
        }
    }

    @Test
    void kfuncsOfModulesGoThroughTheFdArrayAndTargetsCarryTheModuleFd() {
        BtfBuilder base = new BtfBuilder();
        int i = base.addInt("int", 4, BtfIntEncoding.SIGNED);
        int task = base.add(new BtfStruct("task_struct", 8, List.of()));
        int ptr = base.addPtr(task);
        base.add(new BtfFunc("bpf_task_from_pid", base.add(new BtfFuncProto(ptr, List.of(new BtfParam("pid", i)),
                false)), BtfLinkage.STATIC));
        base.add(new BtfFunc("bpf_task_acquire", base.add(new BtfFuncProto(ptr, List.of(new BtfParam("p", ptr)),
                false)), BtfLinkage.STATIC));
        base.add(new dev.ebpf4j.btf.BtfTypedef("btf_trace_sys_exit", i));
        Btf vmlinux = base.build();
        BtfBuilder mod = new BtfBuilder(vmlinux);
        int release = mod.add(new BtfFuncProto(0, List.of(new BtfParam("p", ptr)), false));
        mod.add(new BtfFunc("bpf_task_release", release, BtfLinkage.STATIC));
        mod.add(new dev.ebpf4j.btf.BtfTypedef("btf_trace_sys_enter", i));
        FakeKernel k = typicalKernel();
        k.btf = vmlinux;
        k.modules.put("fake_mod", mod.build());
        ObjectModel m = model("loader_kfuncs");
        try (ResolvedExterns r = ExternResolver.resolve(m, k)) {
            ResolvedExterns.Target t = r.targets().get("bpf_task_release");
            assertEquals(1, t.fdArrayIndex(), "slot 0 of fd_array stays unused");
            assertEquals(k.opened.getFirst().get(), t.btfObjFd());
            assertEquals(k.modules.get("fake_mod").findId("bpf_task_release", dev.ebpf4j.btf.BtfKind.FUNC).getAsInt(),
                    t.btfId());
            assertEquals(0, r.targets().get("bpf_task_from_pid").fdArrayIndex(), "vmlinux kfuncs need no slot");
            assertArrayEquals(new int[]{0, k.opened.getFirst().get()}, r.fdArray());
            List<dev.ebpf4j.asm.Instruction> insns = ReferenceResolver.resolve("p",
                    m.programs().getFirst().code().instructions(), Map.of(".bss", 3, ".rodata", 4, ".data", 5), r);
            assertTrue(insns.stream().anyMatch(x -> x.opcode() == 0x85 && x.src() == 2 && x.offset() == 1
                    && "bpf_task_release".equals(x.reference())), "module kfunc calls carry their fd_array slot");
        }
        assertTrue(k.opened.getFirst().isClosed(), "module fds are closed with the resolution");

        ObjectModel tracing = model("loader_tracing");
        ProgramDefinition tpBtf = tracing.programs().stream().filter(p -> p.name().equals("on_tp_btf")).findFirst()
                .orElseThrow();
        AttachTargetResolver.Target target = AttachTargetResolver.resolve(tpBtf, k);
        try (Fd fd = target.moduleFd()) {
            assertNotNull(fd, "btf_trace_sys_enter only exists in the module");
            assertEquals(k.modules.get("fake_mod").findId("btf_trace_sys_enter", dev.ebpf4j.btf.BtfKind.TYPEDEF)
                    .getAsInt(), target.btfId());
        }
        ProgramDefinition iter = tracing.programs().stream().filter(p -> p.name().equals("count_tasks")).findFirst()
                .orElseThrow();
        dev.ebpf4j.NotSupportedException e = assertThrows(dev.ebpf4j.NotSupportedException.class,
                () -> AttachTargetResolver.resolve(iter, k));
        assertTrue(e.getMessage().contains("no FUNC 'bpf_iter_task'") && e.getMessage().contains("no such BPF iterator"),
                e.getMessage());
    }

    @Test
    void aForwardDeclarationIsCompatibleWithTheDefinition() {
        BtfBuilder local = new BtfBuilder();
        int fwd = local.add(new BtfFwd("task_struct", false));
        int lptr = local.addPtr(fwd);
        int lproto = local.add(new BtfFuncProto(lptr, List.of(new BtfParam("p", lptr)), false));
        Btf l = local.build();
        Btf target = kernelBtf(true);
        int tproto = ((BtfFunc) target.type(target.findId("bpf_task_acquire", dev.ebpf4j.btf.BtfKind.FUNC)
                .getAsInt())).typeId();
        assertTrue(ExternResolver.compatible(l, lproto, target, tproto, 0));
        int release = ((BtfFunc) target.type(target.findId("bpf_task_release", dev.ebpf4j.btf.BtfKind.FUNC)
                .getAsInt())).typeId();
        assertFalse(ExternResolver.compatible(l, lproto, target, release, 0), "different return kinds");
    }
}
