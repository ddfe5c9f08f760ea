package dev.ebpf4j;

import dev.ebpf4j.btf.Btf;
import dev.ebpf4j.elf.ElfFile;
import dev.ebpf4j.internal.loader.MapDefinition;
import dev.ebpf4j.internal.loader.ObjectModel;
import dev.ebpf4j.internal.loader.ObjectParser;
import dev.ebpf4j.internal.loader.ProgramDefinition;
import dev.ebpf4j.internal.loader.ProgramSpecs;
import dev.ebpf4j.internal.loader.StructOpsAutoload;
import dev.ebpf4j.internal.loader.StructOpsDefinition;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A parsed BPF object file (what clang {@code -target bpf -g -O2 -c} produces), independent of the running kernel:
 * its programs (each linked with the subprograms it calls), maps (BTF-defined {@code .maps}, legacy {@code maps},
 * global data sections, {@code .kconfig}, struct_ops variables), global variables (also {@code __arena} ones),
 * struct_ops variables ({@link #structOps()}), license and BTF. Immutable: the {@code with*} methods
 * return edited copies. {@link BpfObject#load(ObjectSpec)} turns it into live kernel objects.
 *
 * <p>Malformed files raise {@link ObjectFormatException} naming the section and byte offset. Programs in sections
 * whose name is not a known {@code SEC()} pattern are kept with type {@link ProgramType#UNSPEC}; loading them fails
 * with the closest known names.
 *
 * <pre>{@code
 * ObjectSpec spec = ObjectSpec.read(Path.of("execsnoop.bpf.o"))
 *         .withVariable("min_duration_ns", 1_000_000L)      // a const volatile in .rodata
 *         .withMaxEntries("events", 1 << 20)
 *         .withAutoload("debug_probe", false)
 *         .withPinDirectory(Path.of("/sys/fs/bpf/execsnoop"));
 * for (ProgramSpec p : spec.programs()) System.out.println(p.name() + " " + p.sectionName());
 * try (BpfObject obj = BpfObject.load(spec)) { ... }
 * }</pre>
 */
public final class ObjectSpec {
    private final ObjectModel model;
    private volatile List<ProgramSpec> programSpecs;

    private ObjectSpec(ObjectModel model) {
        this.model = model;
    }

    /** Reads and parses the object file at {@code path}. */
    public static ObjectSpec read(Path path) {
        String name = path.getFileName() == null ? path.toString() : path.getFileName().toString();
        try {
            return new ObjectSpec(ObjectParser.parseSafely(ElfFile.read(path), name));
        } catch (BpfException e) {
            throw e.withContext("object '" + name + "'");
        }
    }

    /** Parses an object held in {@code data}; {@code name} identifies it in messages. */
    public static ObjectSpec parse(byte[] data, String name) {
        try {
            return new ObjectSpec(ObjectParser.parseSafely(ElfFile.parse(data.clone(), name), name));
        } catch (BpfException e) {
            throw e.withContext("object '" + name + "'");
        }
    }

    /** The internal model (for the loader in this package). */
    ObjectModel model() {
        return model;
    }

    // ---- properties -------------------------------------------------------------------------------------------

    /** The object's name (its file name). */
    public String name() {
        return model.name();
    }

    /** The {@code license} section's string, "" when the object has none (GPL-only helpers then fail to verify). */
    public String license() {
        return model.license();
    }

    /** The {@code version} section's kernel version code, 0 when absent. */
    public int kernelVersion() {
        return model.kernelVersion();
    }

    /** The object's BTF as compiled (type ids match {@code .BTF.ext} and CO-RE relocations), when it has any. */
    public Optional<Btf> btf() {
        return Optional.ofNullable(model.btf());
    }

    // ---- programs ---------------------------------------------------------------------------------------------

    /**
     * Every program, in section order. Instructions are linked (subprograms appended) and refer to maps by name
     * ({@link dev.ebpf4j.asm.Instruction#reference()}); kernel-specific values (map fds, kernel symbol ids, CO-RE
     * offsets) are filled in by {@link BpfObject#load}.
     */
    public List<ProgramSpec> programs() {
        List<ProgramSpec> p = programSpecs;
        if (p == null) {
            List<ProgramSpec> out = new ArrayList<>();
            for (ProgramDefinition d : model.programs()) out.add(toSpec(d));
            programSpecs = p = List.copyOf(out);
        }
        return p;
    }

    /** The program named {@code name}; unknown names raise {@link BpfArgumentException} listing the known ones. */
    public ProgramSpec program(String name) {
        int i = programIndex(name);
        return programs().get(i);
    }

    /** Whether {@link BpfObject#load} loads program {@code name} (false for '?' sections unless switched on). */
    public boolean autoload(String name) {
        return model.programs().get(programIndex(name)).autoload();
    }

    /** Names of the programs that will be loaded. */
    public List<String> autoloadedPrograms() {
        return model.programs().stream().filter(ProgramDefinition::autoload).map(ProgramDefinition::name).toList();
    }

    private int programIndex(String name) {
        List<ProgramDefinition> ps = model.programs();
        for (int i = 0; i < ps.size(); i++) if (ps.get(i).name().equals(name)) return i;
        throw new BpfArgumentException("object '" + name() + "' has no program '" + name + "'; its programs are "
                + ps.stream().map(ProgramDefinition::name).toList());
    }

    private ProgramSpec toSpec(ProgramDefinition d) {
        return ProgramSpecs.of(model, d, model.btfBlob()).build();
    }

    // ---- maps and variables -------------------------------------------------------------------------------------

    /** Every map: BTF-defined and legacy maps, then global data maps (named after their section) and .kconfig. */
    public List<MapSpec> maps() {
        return model.maps().stream().map(MapDefinition::spec).toList();
    }

    /** The map named {@code name} (".rodata", ".data.custom" for global data). */
    public MapSpec map(String name) {
        return definition(name).spec();
    }

    private MapDefinition definition(String name) {
        for (MapDefinition d : model.maps()) if (d.name().equals(name)) return d;
        throw new BpfArgumentException("object '" + name() + "' has no map '" + name + "'; its maps are "
                + model.maps().stream().map(MapDefinition::name).toList());
    }

    // ---- struct_ops and arena ----------------------------------------------------------------------------------

    /** The struct_ops variables ({@code .struct_ops}, {@code .struct_ops.link}), in section order. */
    public List<StructOpsSpec> structOps() {
        return model.structOps().stream().map(ObjectSpec::toSpec).toList();
    }

    /** The struct_ops variable named {@code name}. */
    public StructOpsSpec structOps(String name) {
        return toSpec(structOpsDefinition(name));
    }

    private StructOpsDefinition structOpsDefinition(String name) {
        StructOpsDefinition d = model.structOps(name);
        if (d == null) {
            throw new BpfArgumentException("object '" + name() + "' has no struct_ops variable '" + name + "'; its "
                    + "struct_ops variables are " + model.structOps().stream().map(StructOpsDefinition::name).toList());
        }
        return d;
    }

    private static StructOpsSpec toSpec(StructOpsDefinition d) {
        List<StructOpsSpec.Member> members = d.members().stream()
                .map(m -> new StructOpsSpec.Member(m.name(), m.offset(), m.size(), m.program())).toList();
        return new StructOpsSpec(d.name(), d.typeName(), d.section(), d.link(), d.autocreate(), d.data(), members);
    }

    /**
     * A copy where data member {@code member} of struct_ops variable {@code map} holds {@code bytes} (at most the
     * member's size; shorter values are zero-padded, so a string such as a congestion control's {@code name} can be
     * given as its characters). Function pointer members name programs and cannot be set this way.
     */
    public ObjectSpec withStructOpsMember(String map, String member, byte[] bytes) {
        StructOpsDefinition d = structOpsDefinition(map);
        StructOpsDefinition.Member m = d.member(member);
        if (m == null) {
            throw new BpfArgumentException("struct_ops variable '" + map + "' (struct " + d.typeName() + ") has no "
                    + "member '" + member + "'; its members are " + d.members().stream()
                    .map(StructOpsDefinition.Member::name).toList());
        }
        if (m.functionPointer()) {
            throw new BpfArgumentException("member '" + member + "' of struct_ops variable '" + map + "' is a function "
                    + "pointer; it names a program in the C source and cannot be set as bytes");
        }
        if (bytes.length > m.size()) {
            throw new BpfArgumentException("member '" + member + "' of struct_ops variable '" + map + "' is "
                    + m.size() + " bytes, got " + bytes.length);
        }
        byte[] data = d.data();
        Arrays.fill(data, m.offset(), m.offset() + m.size(), (byte) 0);
        System.arraycopy(bytes, 0, data, m.offset(), bytes.length);
        return withStructOps(d.withData(data));
    }

    /**
     * A copy where struct_ops variable {@code map} is (or is not) created and its programs loaded, as libbpf's
     * {@code bpf_map__set_autocreate} (ebpf4j offers it for struct_ops variables only): the programs it points to
     * are loaded exactly when some created struct_ops variable points to them.
     */
    public ObjectSpec withAutocreate(String map, boolean autocreate) {
        if (model.structOps(map) == null && model.maps().stream().anyMatch(d -> d.name().equals(map))) {
            throw new BpfArgumentException("map '" + map + "' of object '" + name() + "' is not a struct_ops variable; "
                    + "only those can be left uncreated (the object's programs need its other maps)");
        }
        return withStructOps(structOpsDefinition(map).withAutocreate(autocreate));
    }

    private ObjectSpec withStructOps(StructOpsDefinition changed) {
        List<StructOpsDefinition> all = new ArrayList<>();
        for (StructOpsDefinition d : model.structOps()) all.add(d.name().equals(changed.name()) ? changed : d);
        ObjectModel m = model.withStructOps(all);
        if (changed.autocreate() != model.structOps(changed.name()).autocreate()) {
            m = m.withPrograms(StructOpsAutoload.adjust(m.programs(), all));
        }
        return new ObjectSpec(m);
    }

    /** The global variables, in section order. */
    public List<VariableSpec> variables() {
        return model.variables();
    }

    /** The global variable named {@code name}. */
    public VariableSpec variable(String name) {
        for (VariableSpec v : model.variables()) if (v.name().equals(name)) return v;
        throw new BpfArgumentException("object '" + name() + "' has no global variable '" + name + "'; its variables "
                + "are " + model.variables().stream().map(VariableSpec::name).toList());
    }

    /** The initial bytes of variable {@code name} (zeros for {@code .bss}), as they will be written at load. */
    public byte[] initialValue(String name) {
        VariableSpec v = variable(name);
        byte[] section = isArena(v) ? model.arena().bytes() : sectionBytes(definition(v.section()).spec());
        return Arrays.copyOfRange(section, v.offset(), v.offset() + v.size());
    }

    private static byte[] sectionBytes(MapSpec data) {
        return data.contents().isEmpty() ? new byte[data.valueSize()] : data.contents().getFirst().value().clone();
    }

    // ---- edits ------------------------------------------------------------------------------------------------

    /** A copy where program {@code name} is (or is not) loaded by {@link BpfObject#load}. */
    public ObjectSpec withAutoload(String name, boolean autoload) {
        int i = programIndex(name);
        List<ProgramDefinition> ps = new ArrayList<>(model.programs());
        ps.set(i, ps.get(i).withAutoload(autoload));
        return new ObjectSpec(model.withPrograms(ps));
    }

    /**
     * A copy that loads exactly the named programs (and the maps, as always): how a program is verified on its own,
     * as veristat does.
     */
    public ObjectSpec withAutoloadOnly(String... names) {
        Set<String> wanted = Set.of(names);
        for (String n : wanted) programIndex(n);
        List<ProgramDefinition> ps = new ArrayList<>();
        for (ProgramDefinition d : model.programs()) ps.add(d.withAutoload(wanted.contains(d.name())));
        return new ObjectSpec(model.withPrograms(ps));
    }

    /**
     * A copy where program {@code name} loads with the program type and expected attach type of section name
     * {@code type} ("xdp", "tracepoint", "cgroup/skb", ...; a bare prefix such as "kprobe" also matches "kprobe/"),
     * whatever its own section says; its attach target still comes from its own section. This is bpftool's
     * {@code prog load OBJ PATH type TYPE}, for objects whose section names do not tell the type. Unknown names raise
     * {@link ObjectFormatException} naming the closest known ones.
     */
    public ObjectSpec withProgramType(String name, String type) {
        int i = programIndex(name);
        ProgramSections.Match m = ProgramSections.match(type)
                .or(() -> ProgramSections.match(type + "/"))
                .orElseGet(() -> ProgramSections.require(type));
        ProgramDefinition d = model.programs().get(i);
        String target = d.match() == null ? "" : d.match().target();
        List<ProgramDefinition> ps = new ArrayList<>(model.programs());
        ps.set(i, new ProgramDefinition(d.name(), d.section(),
                new ProgramSections.Match(d.section(), m.definition(), target, d.autoload()), d.code(), d.autoload()));
        return new ObjectSpec(model.withPrograms(ps));
    }

    /** A copy where the map with {@code map}'s name is replaced by {@code map} (sizes, flags, pinning, contents). */
    public ObjectSpec withMap(MapSpec map) {
        definition(map.name());
        List<MapDefinition> ms = new ArrayList<>();
        for (MapDefinition d : model.maps()) ms.add(d.name().equals(map.name()) ? d.withSpec(map) : d);
        return new ObjectSpec(model.withMaps(ms));
    }

    /** A copy where map {@code name} has {@code maxEntries} entries. */
    public ObjectSpec withMaxEntries(String name, int maxEntries) {
        return withMap(map(name).withMaxEntries(maxEntries));
    }

    /**
     * A copy where every map declared {@code __uint(pinning, LIBBPF_PIN_BY_NAME)} is pinned (or reused when a
     * compatible map is pinned there already) under {@code directory} instead of {@code /sys/fs/bpf}.
     */
    public ObjectSpec withPinDirectory(Path directory) {
        List<MapDefinition> ms = new ArrayList<>();
        for (MapDefinition d : model.maps()) {
            MapSpec s = d.spec();
            ms.add(s.pinning().isPinned() ? d.withSpec(s.withPinning(MapSpec.Pinning.byName(directory, s.name()))) : d);
        }
        return new ObjectSpec(model.withMaps(ms));
    }

    /**
     * A copy where global variable {@code name} starts as {@code value}: a constant for {@code .rodata} variables
     * (the verifier sees it and prunes code it disables), the initial value otherwise. The value is stored in the
     * variable's size (1, 2, 4 or 8 bytes) and must fit it (as a signed or unsigned number).
     */
    public ObjectSpec withVariable(String name, long value) {
        VariableSpec v = variable(name);
        int size = v.size();
        if (size != 1 && size != 2 && size != 4 && size != 8) {
            throw new BpfArgumentException("variable '" + name + "' is " + size + " bytes; set it with "
                    + "withVariable(name, byte[])");
        }
        if (size < 8) {
            long max = 1L << (size * 8);
            if (value < -(max / 2) || value >= max) {
                throw new BpfArgumentException("variable '" + name + "' is " + size + " bytes; " + value
                        + " does not fit");
            }
        }
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putLong(value);
        byte[] bytes = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? Arrays.copyOf(b.array(), size)
                : Arrays.copyOfRange(b.array(), 8 - size, 8);
        return withVariable(name, bytes);
    }

    /** A copy where boolean global variable {@code name} starts as {@code value}. */
    public ObjectSpec withVariable(String name, boolean value) {
        return withVariable(name, value ? 1L : 0L);
    }

    /** A copy where global variable {@code name} starts with {@code bytes} (exactly its size). */
    public ObjectSpec withVariable(String name, byte[] bytes) {
        VariableSpec v = variable(name);
        if (bytes.length != v.size()) {
            throw new BpfArgumentException("variable '" + name + "' is " + v.size() + " bytes, got " + bytes.length);
        }
        if (isArena(v)) {
            byte[] arena = model.arena().bytes();
            System.arraycopy(bytes, 0, arena, v.offset(), bytes.length);
            return new ObjectSpec(model.withArena(model.arena().withBytes(arena)));
        }
        MapSpec data = definition(v.section()).spec();
        byte[] section = sectionBytes(data);
        System.arraycopy(bytes, 0, section, v.offset(), bytes.length);
        return withMap(data.withContents(List.of(new MapSpec.MapEntry(new byte[4], section))));
    }

    /** True for {@code __arena} variables, which live in the arena map rather than a global data map. */
    private boolean isArena(VariableSpec v) {
        return model.arena() != null && v.section().equals(model.arena().section());
    }

    @Override
    public String toString() {
        return "ObjectSpec[" + name() + ", " + model.programs().size() + " programs, " + model.maps().size()
                + " maps, " + model.variables().size() + " variables]";
    }
}
