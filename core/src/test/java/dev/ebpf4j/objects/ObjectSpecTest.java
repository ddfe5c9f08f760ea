package dev.ebpf4j.objects;

import dev.ebpf4j.AttachType;
import dev.ebpf4j.BpfArgumentException;
import dev.ebpf4j.MapFlags;
import dev.ebpf4j.MapSpec;
import dev.ebpf4j.MapType;
import dev.ebpf4j.ObjectFormatException;
import dev.ebpf4j.ObjectSpec;
import dev.ebpf4j.ProgramFlags;
import dev.ebpf4j.ProgramSpec;
import dev.ebpf4j.ProgramType;
import dev.ebpf4j.VariableSpec;
import dev.ebpf4j.asm.Instruction;
import dev.ebpf4j.asm.Instructions;
import dev.ebpf4j.btf.BtfCoreRelo;
import dev.ebpf4j.btf.BtfCoreReloKind;
import dev.ebpf4j.btf.BtfFuncInfo;
import dev.ebpf4j.btf.BtfLineInfo;
import dev.ebpf4j.elf.ElfFile;
import dev.ebpf4j.internal.loader.ExternSpec;
import dev.ebpf4j.internal.loader.LinkedProgram;
import dev.ebpf4j.internal.loader.MapDefinition;
import dev.ebpf4j.internal.loader.ObjectModel;
import dev.ebpf4j.internal.loader.ObjectParser;
import dev.ebpf4j.internal.loader.ProgramDefinition;
import dev.ebpf4j.testkit.TestObjects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;

/** Parsing the loader corpus into specs, without a kernel. */
class ObjectSpecTest {

    static List<String> corpus() {
        return Corpus.names();
    }

    private static ObjectModel model(Path p) {
        return ObjectParser.parse(ElfFile.read(p), p.getFileName().toString());
    }

    private static ProgramDefinition definition(ObjectModel m, String name) {
        return m.programs().stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
    }

    private static MapDefinition mapDefinition(ObjectModel m, String name) {
        return m.maps().stream().filter(d -> d.name().equals(name)).findFirst().orElseThrow();
    }

    @ParameterizedTest
    @MethodSource("corpus")
    void everyObjectParsesWithBothClangVersionsAndLinksConsistently(String name) {
        for (Path p : List.of(Corpus.path(name), Corpus.clang14(name))) {
            ObjectSpec spec = ObjectSpec.read(p);
            ObjectModel m = model(p);
            assertFalse(spec.programs().isEmpty(), p + " has programs");
            assertEquals("GPL", spec.license());
            for (ProgramDefinition d : m.programs()) {
                assertNotNull(d.match(), d.describe() + " has a known section");
                checkLinked(d.describe() + " of " + p, d.code());
            }
            for (ProgramSpec ps : spec.programs()) {
                assertNotEquals(ProgramType.UNSPEC, ps.type());
                assertNotNull(ps.btf(), ps.describe() + " carries func/line info");
                assertEquals(ps.btf().funcInfoCount(), definition(m, ps.name()).code().functions().size());
            }
        }
    }

    /** Calls and callback loads point at function starts; func_info marks each function; line_info ascends from 0. */
    private static void checkLinked(String what, LinkedProgram code) {
        List<Instruction> insns = code.instructions();
        int[] slots = Instructions.slotOffsets(insns);
        Map<String, Integer> starts = new HashMap<>();
        for (BtfFuncInfo f : code.funcInfos()) assertEquals(0, f.insnOffset() % 8);
        assertEquals(code.functions().size(), code.funcInfos().size(), what + ": one func_info per function");
        assertEquals(0, code.funcInfos().getFirst().insnOffset(), what);
        for (int i = 0; i < code.functions().size(); i++) {
            starts.put(code.functions().get(i), code.funcInfos().get(i).insnOffset() / 8);
        }
        for (int i = 0; i < insns.size(); i++) {
            Instruction insn = insns.get(i);
            boolean call = insn.opcode() == 0x85 && insn.src() == 1;
            boolean callback = insn.isWide() && insn.src() == 4;
            if (!call && !callback) continue;
            Integer start = starts.get(insn.reference());
            assertNotNull(start, what + ": call at " + i + " names a placed function, not " + insn.reference());
            assertEquals((long) start, slots[i] + (long) insn.imm() + 1, what + ": call at " + i + " lands on "
                    + insn.reference());
        }
        int previous = -1;
        for (BtfLineInfo l : code.lineInfos()) {
            assertTrue(l.insnOffset() > previous, what + ": line info ascends");
            assertTrue(l.insnOffset() / 8 < slots[insns.size()], what + ": line info inside the program");
            previous = l.insnOffset();
        }
        if (!code.lineInfos().isEmpty()) assertEquals(0, code.lineInfos().getFirst().insnOffset());
    }

    @Test
    void globalDataSectionsBecomeMapsAndVariables() {
        ObjectSpec spec = Corpus.spec("loader_globals");
        ProgramSpec compute = spec.program("compute");
        assertEquals(ProgramType.SYSCALL, compute.type());
        assertEquals(ProgramFlags.SLEEPABLE, compute.flags() & ProgramFlags.SLEEPABLE);
        MapSpec rodata = spec.map(".rodata");
        assertEquals(MapType.ARRAY, rodata.type());
        assertEquals(1, rodata.maxEntries());
        assertEquals(MapFlags.RDONLY_PROG | MapFlags.MMAPABLE, rodata.flags());
        assertTrue(rodata.freeze());
        assertEquals(MapFlags.MMAPABLE, spec.map(".data").flags());
        assertFalse(spec.map(".data").freeze());
        assertTrue(spec.map(".bss").contents().isEmpty(), ".bss starts zeroed");
        assertEquals(MapFlags.RDONLY_PROG | MapFlags.MMAPABLE, spec.map(".rodata.custom").flags());
        assertEquals(4, spec.map(".data.custom").valueSize());
        assertTrue(spec.maps().stream().anyMatch(m -> m.name().startsWith(".rodata.str")), "string literals: "
                + spec.maps());
        assertNotNull(spec.map(".data").btf(), "global data maps carry their DATASEC as value type");
        assertEquals(0, spec.map(".data").btf().keyTypeId());

        VariableSpec multiplier = spec.variable("multiplier");
        assertEquals(".rodata", multiplier.section());
        assertEquals(4, multiplier.size());
        assertTrue(multiplier.readOnly());
        assertTrue(multiplier.btfTypeId() > 0);
        assertEquals(2, Corpus.asInt(spec.initialValue("multiplier")));
        assertEquals(100, Corpus.asLong(spec.initialValue("data_counter")));
        assertEquals(7, Corpus.asInt(spec.initialValue("custom_value")));
        assertEquals(".data.custom", spec.variable("custom_value").section());
        assertEquals(".rodata.custom", spec.variable("custom_const").section());
        assertEquals(0, Corpus.asLong(spec.initialValue("bss_counter")));
        assertTrue(spec.variables().stream().anyMatch(v -> v.name().contains("static_counter")));

        ObjectSpec edited = spec.withVariable("multiplier", 5).withVariable("bss_counter", 9L)
                .withVariable("use_invalid_access", true);
        assertEquals(5, Corpus.asInt(edited.initialValue("multiplier")));
        assertEquals(9, Corpus.asLong(edited.initialValue("bss_counter")));
        assertEquals(1, edited.initialValue("use_invalid_access")[0]);
        assertEquals(2, Corpus.asInt(spec.initialValue("multiplier")), "specs are immutable");
        assertTrue(edited.map(".rodata").freeze());
        BpfArgumentException tooBig = assertThrows(BpfArgumentException.class,
                () -> spec.withVariable("multiplier", 1L << 40));
        assertTrue(tooBig.getMessage().contains("does not fit"), tooBig.getMessage());
        assertThrows(BpfArgumentException.class, () -> spec.withVariable("multiplier", new byte[3]));
        BpfArgumentException unknown = assertThrows(BpfArgumentException.class, () -> spec.variable("nope"));
        assertTrue(unknown.getMessage().contains("multiplier"), unknown.getMessage());

        long dataLoads = compute.instructions().stream().filter(i -> i.isWide() && i.src() == 2).count();
        assertTrue(dataLoads >= 5, "global data loads are map value loads: " + dataLoads);
        Set<String> referenced = compute.instructions().stream().filter(i -> i.isWide() && i.src() == 2)
                .map(Instruction::reference).collect(Collectors.toSet());
        assertTrue(referenced.containsAll(Set.of(".rodata", ".data", ".bss", ".data.custom", ".rodata.custom")),
                referenced.toString());
    }

    @Test
    void btfMapsOfEveryShape() {
        ObjectSpec spec = Corpus.spec("loader_maps");
        MapSpec pairs = spec.map("pairs");
        assertEquals(MapType.HASH, pairs.type());
        assertEquals(4, pairs.keySize());
        assertEquals(16, pairs.valueSize());
        assertEquals(64, pairs.maxEntries());
        assertNotNull(pairs.btf());
        assertTrue(pairs.btf().keyTypeId() > 0 && pairs.btf().valueTypeId() > 0);
        MapSpec sized = spec.map("sized");
        assertEquals(List.of(4, 8, 4), List.of(sized.keySize(), sized.valueSize(), sized.maxEntries()));
        assertNull(sized.btf(), "sizes only: no BTF types");
        assertEquals(MapFlags.NO_COMMON_LRU, spec.map("lru").flags());
        assertEquals(MapFlags.NUMA_NODE, spec.map("numa").flags());
        assertEquals(0, spec.map("numa").numaNode());
        MapSpec bloom = spec.map("bloom");
        assertEquals(MapType.BLOOM_FILTER, bloom.type());
        assertEquals(3, bloom.mapExtra());
        assertEquals(0, bloom.keySize());
        assertEquals(16384, spec.map("events").maxEntries());
        assertEquals(MapType.RINGBUF, spec.map("events").type());
        assertNull(spec.map("events").btf());
        assertEquals(MapType.PERF_EVENT_ARRAY, spec.map("perf_events").type());
        MapSpec outer = spec.map("outer");
        assertEquals(MapType.ARRAY_OF_MAPS, outer.type());
        assertEquals(4, outer.valueSize());
        assertNotNull(outer.innerMap());
        assertEquals(MapType.ARRAY, outer.innerMap().type());
        assertEquals("outer.inner", outer.innerMap().name());
        assertEquals(MapType.HASH, spec.map("outer_hash").innerMap().type());
        assertEquals(8, spec.map("outer_hash").innerMap().valueSize());

        ObjectModel m = model(Corpus.path("loader_maps"));
        assertEquals(List.of(new MapDefinition.SlotReference(0, "inner_a", false),
                new MapDefinition.SlotReference(2, "inner_b", false)), mapDefinition(m, "outer").initialReferences());
        assertEquals(1 << 20, spec.withMaxEntries("pairs", 1 << 20).map("pairs").maxEntries());
        assertEquals(64, spec.map("pairs").maxEntries());
    }

    @Test
    void progArrayInitialValuesReferToPrograms() {
        ObjectModel m = model(Corpus.path("loader_tailcalls"));
        MapDefinition table = mapDefinition(m, "jump_table");
        assertEquals(MapType.PROG_ARRAY, table.spec().type());
        assertEquals(4, table.spec().valueSize());
        assertEquals(List.of(new MapDefinition.SlotReference(1, "tail_one", true),
                new MapDefinition.SlotReference(3, "tail_three", true)), table.initialReferences());
    }

    @Test
    void legacyMapsSection() {
        ObjectSpec spec = Corpus.spec("loader_legacy");
        MapSpec counts = spec.map("legacy_counts");
        assertEquals(List.of(MapType.ARRAY, 4, 8, 2), List.of(counts.type(), counts.keySize(), counts.valueSize(),
                counts.maxEntries()));
        assertEquals(MapType.HASH, spec.map("legacy_hash").type());
        List<String> refs = spec.program("legacy_prog").instructions().stream()
                .filter(i -> i.isWide() && i.src() == 1).map(Instruction::reference).toList();
        assertEquals(List.of("legacy_counts", "legacy_hash"), refs);
    }

    @Test
    void subprogramsAreLinkedIntoEveryCaller() {
        ObjectModel m = model(Corpus.path("loader_subprogs"));
        assertEquals(List.of("first", "second", "arm_timer"), m.programs().stream().map(ProgramDefinition::name)
                .toList(), "only entry points are programs");
        assertEquals(Set.of("first", "add_square", "square", "loop_step"),
                Set.copyOf(definition(m, "first").code().functions()));
        assertEquals(Set.of("second", "square", "add_square", "sum_value"),
                Set.copyOf(definition(m, "second").code().functions()));
        assertEquals(List.of("arm_timer", "timer_callback"), definition(m, "arm_timer").code().functions());
        LinkedProgram first = definition(m, "first").code();
        assertEquals("first", first.functions().getFirst(), "the entry comes first");
        assertTrue(first.instructions().stream().anyMatch(i -> i.isWide() && i.src() == 4
                && "loop_step".equals(i.reference())), "bpf_loop's callback is a BPF_PSEUDO_FUNC load");
    }

    @Test
    void staticFunctionInAProgramSectionIsASubprogram() {
        ObjectModel m = model(Corpus.path("loader_section_static"));
        assertEquals(List.of("uses_section_static"), m.programs().stream().map(ProgramDefinition::name).toList());
        assertEquals(List.of("uses_section_static", "triple"), definition(m, "uses_section_static").code().functions());
    }

    @Test
    void externsAreClassifiedAndKconfigLaidOut() {
        ObjectModel m = model(Corpus.path("loader_externs"));
        Map<String, ExternSpec> e = m.externs();
        assertEquals(ExternSpec.Kind.KCONFIG, e.get("CONFIG_HZ").kind());
        assertEquals(ExternSpec.KconfigType.INT, e.get("CONFIG_HZ").kconfigType());
        assertEquals(ExternSpec.KconfigType.BOOL, e.get("CONFIG_BPF_SYSCALL").kconfigType());
        assertEquals(ExternSpec.KconfigType.TRISTATE, e.get("CONFIG_BPF_JIT").kconfigType());
        assertEquals(ExternSpec.KconfigType.CHAR_ARRAY, e.get("CONFIG_DEFAULT_HOSTNAME").kconfigType());
        assertTrue(e.get("CONFIG_EBPF4J_NO_SUCH_OPTION").weak());
        assertFalse(e.get("CONFIG_HZ").weak());
        assertEquals(ExternSpec.Kind.KSYM, e.get("bpf_prog_put").kind());
        assertEquals(ExternSpec.Kind.KSYM, e.get("bpf_prog_active").kind());
        for (ExternSpec x : e.values()) {
            if (x.kind() != ExternSpec.Kind.KCONFIG) continue;
            int align = Math.min(x.size() >= 8 ? 8 : Integer.highestOneBit(Math.max(1, x.size())), 8);
            if (x.kconfigType() != ExternSpec.KconfigType.CHAR_ARRAY) {
                assertEquals(0, x.offset() % align, x.name() + " aligned");
            }
        }
        MapSpec kconfig = ObjectSpec.read(Corpus.path("loader_externs")).map(".kconfig");
        assertTrue(kconfig.freeze());
        assertEquals(MapFlags.RDONLY_PROG | MapFlags.MMAPABLE, kconfig.flags());
        int end = e.values().stream().filter(x -> x.kind() == ExternSpec.Kind.KCONFIG)
                .mapToInt(x -> x.offset() + x.size()).max().orElseThrow();
        assertEquals(end, kconfig.valueSize());

        ObjectModel k = model(Corpus.path("loader_kfuncs"));
        assertEquals(ExternSpec.Kind.KFUNC, k.externs().get("bpf_task_from_pid").kind());
        assertTrue(k.externs().get("bpf_ebpf4j_no_such_kfunc").weak());
        List<Instruction> insns = definition(k, "find_tasks").code().instructions();
        assertTrue(insns.stream().anyMatch(i -> i.opcode() == 0x85 && i.src() == 2
                && "bpf_task_from_pid".equals(i.reference())), "kfunc calls are BPF_PSEUDO_KFUNC_CALL");
        assertTrue(insns.stream().anyMatch(i -> i.isWide() && "bpf_task_acquire".equals(i.reference())),
                "bpf_ksym_exists loads the kfunc's address");
    }

    @Test
    void sectionNamesGiveTypesAttachTypesTargetsAndFlags() {
        ObjectSpec spec = Corpus.spec("loader_tracing");
        ProgramSpec btf = spec.program("on_tp_btf");
        assertEquals(ProgramType.TRACING, btf.type());
        assertEquals(AttachType.TRACE_RAW_TP, btf.expectedAttachType());
        assertEquals("sys_enter", btf.attachTo());
        assertEquals(ProgramType.TRACEPOINT, spec.program("on_tracepoint").type());
        assertEquals("syscalls/sys_enter_getppid", spec.program("on_tracepoint").attachTo());
        assertEquals(ProgramType.RAW_TRACEPOINT, spec.program("on_raw_tp").type());
        ProgramSpec sleepy = spec.program("on_uprobe_sleepable");
        assertEquals(ProgramType.KPROBE, sleepy.type());
        assertEquals(ProgramFlags.SLEEPABLE, sleepy.flags());
        assertEquals("libc.so.6:getsid", sleepy.attachTo());
        assertEquals(0, spec.program("on_uprobe").flags());
        assertEquals(AttachType.TRACE_ITER, spec.program("count_tasks").expectedAttachType());
        assertEquals(ProgramType.PERF_EVENT, spec.program("on_sample").type());
        assertFalse(spec.autoload("on_fentry"), "'?' sections are not loaded by default");
        assertTrue(spec.autoload("on_kprobe"));
        assertEquals(AttachType.TRACE_FENTRY, spec.program("on_fentry").expectedAttachType());
        assertEquals(AttachType.TCX_INGRESS, Corpus.spec("loader_tcx").program("count_tcx").expectedAttachType());
        assertEquals(AttachType.CGROUP_INET_EGRESS,
                Corpus.spec("loader_net").program("count_egress").expectedAttachType());
    }

    @Test
    void autoloadEdits() {
        ObjectSpec spec = Corpus.spec("loader_lineinfo");
        assertEquals(List.of("checked_lookup"), spec.autoloadedPrograms());
        assertEquals(List.of("unchecked_lookup", "checked_lookup"), spec.withAutoload("unchecked_lookup", true)
                .autoloadedPrograms());
        assertEquals(List.of(), spec.withAutoload("checked_lookup", false).autoloadedPrograms());
        assertEquals(List.of("unchecked_lookup"), spec.withAutoloadOnly("unchecked_lookup").autoloadedPrograms());
        BpfArgumentException e = assertThrows(BpfArgumentException.class, () -> spec.withAutoload("nope", true));
        assertTrue(e.getMessage().contains("[unchecked_lookup, checked_lookup]"), e.getMessage());
    }

    @Test
    void programTypeEditsKeepTheTarget() {
        ObjectSpec spec = Corpus.spec("loader_net");
        String name = spec.programs().getFirst().name();
        ObjectSpec socket = spec.withProgramType(name, "socket");
        assertEquals(ProgramType.SOCKET_FILTER, socket.program(name).type());
        assertEquals(spec.program(name).sectionName(), socket.program(name).sectionName());
        // a bare prefix of a section that takes a target ("kprobe" for "kprobe/")
        assertEquals(ProgramType.KPROBE, spec.withProgramType(name, "kprobe").program(name).type());
        ObjectFormatException e = assertThrows(ObjectFormatException.class, () -> spec.withProgramType(name, "xpd"));
        assertTrue(e.getMessage().contains("unknown program section name 'xpd'; closest known: "), e.getMessage());
    }

    @Test
    void pinnedMapsGoToTheirPinDirectory() {
        ObjectSpec spec = Corpus.spec("loader_pinning");
        assertEquals(Path.of("/sys/fs/bpf/loader_pinned"), spec.map("loader_pinned").pinning().path());
        assertFalse(spec.map("loader_private").pinning().isPinned());
        ObjectSpec moved = spec.withPinDirectory(Path.of("/sys/fs/bpf/app"));
        assertEquals(Path.of("/sys/fs/bpf/app/loader_pinned"), moved.map("loader_pinned").pinning().path());
        assertFalse(moved.map("loader_private").pinning().isPinned());
    }

    @Test
    void coreRelocationsAreRebasedToTheLinkedProgram() {
        ObjectModel m = model(Corpus.path("loader_core"));
        for (String name : List.of("on_switch", "on_wakeup")) {
            LinkedProgram p = definition(m, name).code();
            assertEquals(List.of(name, "record"), p.functions());
            int[] slots = Instructions.slotOffsets(p.instructions());
            Set<Integer> starts = java.util.Arrays.stream(slots).boxed().collect(Collectors.toSet());
            assertFalse(p.coreRelos().isEmpty());
            int recordStart = p.funcInfos().get(1).insnOffset();
            for (BtfCoreRelo r : p.coreRelos()) {
                assertTrue(starts.contains(r.insnOffset() / 8) && r.insnOffset() % 8 == 0, "on an instruction");
                assertTrue(r.insnOffset() >= recordStart, "the relocations are in the shared subprogram");
            }
            assertEquals(Set.of(BtfCoreReloKind.FIELD_BYTE_OFFSET, BtfCoreReloKind.FIELD_EXISTS,
                    BtfCoreReloKind.TYPE_SIZE), p.coreRelos().stream().map(BtfCoreRelo::kind).collect(Collectors.toSet()));
        }
    }

    @Test
    void bigEndianObjectsAreRejectedOnLittleEndianHosts() {
        ObjectFormatException e = assertThrows(ObjectFormatException.class,
                () -> ObjectSpec.read(TestObjects.bpf("asm_bigendian")));
        assertTrue(e.getMessage().contains("big-endian"), e.getMessage());
        assertTrue(e.getMessage().contains("-target bpf"), e.getMessage());
        assertEquals("ELF header", e.section());
    }

    @Test
    void clang14AndClang19ObjectsHaveTheSamePrograms() {
        for (String name : Corpus.names()) {
            ObjectSpec a = ObjectSpec.read(Corpus.path(name));
            ObjectSpec b = ObjectSpec.read(Corpus.clang14(name));
            assertEquals(a.programs().stream().map(ProgramSpec::name).toList(),
                    b.programs().stream().map(ProgramSpec::name).toList(), name);
            assertEquals(a.maps().stream().map(MapSpec::name).collect(Collectors.toSet()),
                    b.maps().stream().map(MapSpec::name).collect(Collectors.toSet()), name);
        }
    }
}
