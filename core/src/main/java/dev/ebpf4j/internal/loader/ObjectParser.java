package dev.ebpf4j.internal.loader;

import dev.ebpf4j.BpfException;
import dev.ebpf4j.MapFlags;
import dev.ebpf4j.MapSpec;
import dev.ebpf4j.MapType;
import dev.ebpf4j.ObjectFormatException;
import dev.ebpf4j.ProgramSections;
import dev.ebpf4j.VariableSpec;
import dev.ebpf4j.btf.BtfLineInfo;
import dev.ebpf4j.btf.BtfType;
import dev.ebpf4j.elf.ElfFile;
import dev.ebpf4j.elf.ElfSection;

import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Parses a BPF object into an {@link ObjectModel}: reads the ELF file, finds functions, externs, maps and global
 * data, applies relocations, links every program with its subprograms, completes the BTF. Any malformation raises
 * {@link ObjectFormatException} naming the section and offset.
 *
 * <pre>{@code
 * ObjectModel m = ObjectParser.parse(ElfFile.read(Path.of("x.bpf.o")), "x.bpf.o");
 * }</pre>
 */
public final class ObjectParser {
    /** Map types created without key/value BTF (the kernel rejects or ignores it for them), as libbpf does. */
    private static final Set<MapType> NO_BTF = EnumSet.of(MapType.PERF_EVENT_ARRAY, MapType.CGROUP_ARRAY,
            MapType.STACK_TRACE, MapType.ARRAY_OF_MAPS, MapType.HASH_OF_MAPS, MapType.DEVMAP, MapType.DEVMAP_HASH,
            MapType.CPUMAP, MapType.XSKMAP, MapType.SOCKMAP, MapType.SOCKHASH, MapType.QUEUE, MapType.STACK,
            MapType.PROG_ARRAY, MapType.RINGBUF, MapType.USER_RINGBUF, MapType.ARENA, MapType.STRUCT_OPS);

    private ObjectParser() {
    }

    /** Parses {@code elf}; {@code name} names the object in messages. */
    public static ObjectModel parse(ElfFile elf, String name) {
        ObjectFile f = ElfObjectReader.read(elf, name);
        FunctionTable functions = FunctionTable.build(f);
        ExternCollector.Result externs = ExternCollector.collect(f);
        List<MapDefinition> maps = new ArrayList<>(BtfMapParser.parse(f, functions));
        maps.addAll(LegacyMapParser.parse(f));
        GlobalDataMaps.Result data = GlobalDataMaps.collect(f);
        maps.addAll(data.maps());
        if (!externs.kconfig().isEmpty()) maps.add(kconfigMap(externs));
        List<StructOpsDefinition> structOps = StructOpsParser.parse(f, functions);
        for (StructOpsDefinition d : structOps) maps.add(structOpsMap(d));
        ArenaVariables.Result arena = ArenaVariables.collect(f, maps);
        Set<String> names = new HashSet<>();
        for (MapDefinition d : maps) {
            if (!names.add(d.name())) {
                throw new ObjectFormatException(d.section(), d.offset(), "map name '" + d.name() + "' is used twice");
            }
        }
        RelocationApplier.apply(f, functions, maps, externs.byName(), arena.data());
        SubprogramLinker linker = new SubprogramLinker(functions, f.btfExt());
        List<ProgramDefinition> programs = new ArrayList<>();
        for (FunctionSymbol entry : functions.programs()) {
            ProgramSections.Match match = ProgramSections.match(entry.section()).orElse(null);
            boolean autoload = match != null ? match.autoload() : !entry.section().startsWith("?");
            programs.add(new ProgramDefinition(entry.name(), entry.section(), match, linker.link(entry), autoload));
        }
        programs = StructOpsAutoload.adjust(programs, structOps);
        List<BtfType> types = null;
        BtfBlob blob = null;
        if (f.btf() != null) {
            types = ObjectBtfFixer.fix(f, externs);
            Set<String> strings = new LinkedHashSet<>();
            for (ProgramDefinition p : programs) {
                for (BtfLineInfo l : p.code().lineInfos()) {
                    strings.add(l.fileName());
                    strings.add(l.line());
                }
            }
            try {
                blob = BtfBlob.encode(types, strings);
            } catch (IllegalArgumentException e) {
                throw new ObjectFormatException(".BTF", -1, "the object's BTF cannot be re-encoded: " + e.getMessage(),
                        e);
            }
            List<MapDefinition> withBtf = new ArrayList<>();
            for (MapDefinition d : maps) withBtf.add(withBtf(d, blob));
            maps = withBtf;
        }
        List<VariableSpec> variables = new ArrayList<>(data.variables());
        variables.addAll(arena.variables());
        return new ObjectModel(name, license(f), kernelVersion(f), f.btf(), types, blob, programs, maps,
                variables, externs.byName(), structOps, arena.data());
    }

    /**
     * The map of a struct_ops variable as the object declares it: key 4 bytes, one entry, the local struct's size as
     * value size (the loader replaces it with the size of the kernel's value struct), BPF_F_LINK for
     * {@code .struct_ops.link}.
     */
    private static MapDefinition structOpsMap(StructOpsDefinition d) {
        MapSpec spec = new MapSpec(d.name(), MapType.STRUCT_OPS, 4, d.data().length, 1, d.link() ? MapFlags.LINK : 0,
                0, 0, 0, null, MapSpec.Pinning.NONE, null, List.of(), false);
        return new MapDefinition(spec, MapDefinition.Origin.STRUCT_OPS, d.section(), d.offset(), d.data().length, 0,
                d.typeId(), List.of());
    }

    private static MapDefinition kconfigMap(ExternCollector.Result externs) {
        int size = Math.max(1, externs.kconfigSize());
        MapSpec spec = new MapSpec(ExternCollector.KCONFIG, MapType.ARRAY, 4, size, 1,
                MapFlags.MMAPABLE | MapFlags.RDONLY_PROG, 0, 0, 0, null, MapSpec.Pinning.NONE, null, List.of(), true);
        return new MapDefinition(spec, MapDefinition.Origin.KCONFIG, ExternCollector.KCONFIG, 0, size, 0,
                externs.kconfigDatasecId(), List.of());
    }

    private static MapDefinition withBtf(MapDefinition d, BtfBlob blob) {
        MapSpec s = d.spec();
        if (NO_BTF.contains(s.type()) || (d.keyTypeId() == 0 && d.valueTypeId() == 0)) return d;
        return d.withSpec(s.toBuilder().btf(new MapSpec.MapBtf(blob.bytes(), d.keyTypeId(), d.valueTypeId(), 0))
                .build());
    }

    private static String license(ObjectFile f) {
        ElfSection s = f.elf().section("license").orElse(null);
        if (s == null || !s.hasFileData()) return "";
        byte[] b = f.elf().bytes(s);
        int n = 0;
        while (n < b.length && b[n] != 0) n++;
        return new String(b, 0, Math.min(n, 127), StandardCharsets.UTF_8);
    }

    private static int kernelVersion(ObjectFile f) {
        ElfSection s = f.elf().section("version").orElse(null);
        if (s == null || !s.hasFileData()) return 0;
        if (s.size() != 4) {
            throw new ObjectFormatException("version", 0, "the version section is " + s.size() + " bytes, expected 4 "
                    + "(a u32 kernel version code)");
        }
        return f.elf().data(s).get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(f.elf().byteOrder()), 0);
    }

    /** Wraps unexpected runtime errors from malformed input as format errors naming the object. */
    public static ObjectModel parseSafely(ElfFile elf, String name) {
        try {
            return parse(elf, name);
        } catch (BpfException e) {
            throw e;
        } catch (IllegalArgumentException | IndexOutOfBoundsException | ArithmeticException | ClassCastException
                 | NullPointerException | IllegalStateException e) {
            throw new ObjectFormatException("ELF file", -1, "malformed in a way ebpf4j does not name yet: " + e, e);
        }
    }
}
