package dev.ebpf4j.internal.loader;

import dev.ebpf4j.BpfArgumentException;
import dev.ebpf4j.BpfException;
import dev.ebpf4j.BpfMap;
import dev.ebpf4j.MapSpec;
import dev.ebpf4j.PermissionException;
import dev.ebpf4j.Program;
import dev.ebpf4j.ProgramSections;
import dev.ebpf4j.ProgramSpec;
import dev.ebpf4j.UpdateMode;
import dev.ebpf4j.asm.Instruction;
import dev.ebpf4j.asm.Instructions;
import dev.ebpf4j.btf.BtfType;
import dev.ebpf4j.btf.core.CoreRelocator;
import dev.ebpf4j.btf.core.CoreResult;
import dev.ebpf4j.internal.ProgramLoader;
import dev.ebpf4j.internal.fs.KernelFilesystems;
import dev.ebpf4j.internal.sys.BtfLoad;
import dev.ebpf4j.internal.sys.Fd;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Loads an {@link ObjectModel} into the kernel: the object's BTF once (sanitised for the kernel), externs resolved,
 * struct_ops variables laid out for the kernel ({@link StructOpsPlanner}), maps created (pinned maps reused when
 * compatible, global data written and .rodata frozen, struct_ops maps with the kernel's value type, arenas mapped
 * into this process with the {@code __arena} variables copied in, map-in-map slots filled), then every autoload
 * program with map fds, ksyms and kfuncs filled in, its CO-RE relocations applied (one relocator per load; it must
 * keep the program's length), func/line info, expected attach type and attach BTF id (a struct_ops member, a kernel
 * function, or a function of a target program for freplace); finally prog array slots and the struct_ops values
 * with their programs' fds. Everything created is closed again when a step fails; errors carry the object's and
 * program's names.
 *
 * <pre>{@code
 * ObjectLoader.Loaded parts = ObjectLoader.load(model, options, factory);
 * }</pre>
 */
public final class ObjectLoader {
    private ObjectLoader() {
    }

    /** Creates the live objects (their constructors are package-private in {@code dev.ebpf4j}). */
    public interface LiveFactory {
        BpfMap createMap(MapSpec spec, int btfFd, int keyTypeId, int valueTypeId);

        /** As above; {@code valueTypeBtfObjFd} (not -1) is the module BTF of a struct_ops map's value type. */
        default BpfMap createMap(MapSpec spec, int btfFd, int keyTypeId, int valueTypeId, int valueTypeBtfObjFd) {
            if (valueTypeBtfObjFd >= 0) {
                throw new BpfException("map '" + spec.name() + "': this factory cannot create maps with module value "
                        + "types");
            }
            return createMap(spec, btfFd, keyTypeId, valueTypeId);
        }

        Program adoptProgram(Fd fd, ProgramSpec spec, String log);
    }

    /**
     * How to load.
     *
     * @param logLevel   verifier log level kept for successful loads (0: none, 1, 2, 4 = statistics)
     * @param core       the CO-RE relocator (null: the running kernel's)
     * @param kernel     the kernel to resolve externs and attach targets against
     * @param btfSupport BTF kinds the kernel accepts (null: probe)
     * @param targets    loaded programs that programs of this object attach to (freplace), by program name
     */
    public record Options(int logLevel, CoreRelocator core, KernelView kernel, BtfSanitizer.Support btfSupport,
                          Map<String, AttachTargetResolver.ProgramTarget> targets) {
        public Options {
            targets = targets == null ? Map.of() : Map.copyOf(targets);
        }

        public Options(int logLevel, CoreRelocator core, KernelView kernel, BtfSanitizer.Support btfSupport) {
            this(logLevel, core, kernel, btfSupport, Map.of());
        }
    }

    /**
     * What was loaded: maps and programs by name (in object order), load durations, notes, the struct_ops values
     * ready to register (by map name) and where the {@code __arena} variables lie in the arena (-1 without any).
     */
    public record Loaded(Map<String, BpfMap> maps, Map<String, Program> programs, Map<String, Duration> loadTimes,
                         List<String> notes, Map<String, StructOpsValue> structOps, long arenaDataOffset) {
    }

    /**
     * A struct_ops map's value in the kernel's layout with its programs' fds filled in: what registering writes.
     *
     * @param map      the map's name
     * @param typeName the kernel struct ("tcp_congestion_ops")
     * @param value    the value bytes
     * @param link     true for {@code .struct_ops.link} maps (registered through a bpf_link)
     * @param missing  programs the value points to that were not loaded (their slots hold 0)
     */
    public record StructOpsValue(String map, String typeName, byte[] value, boolean link, List<String> missing) {
        public StructOpsValue {
            value = value.clone();
            missing = List.copyOf(missing);
        }

        @Override
        public byte[] value() {
            return value.clone();
        }
    }

    /** Loads {@code model}; on failure closes whatever it created and rethrows with context. */
    public static Loaded load(ObjectModel model, Options options, LiveFactory factory) {
        String object = "object '" + model.name() + "'";
        Run run = new Run(model, options, factory);
        try {
            run.execute();
            return new Loaded(Collections.unmodifiableMap(run.maps), Collections.unmodifiableMap(run.programs),
                    Map.copyOf(run.loadTimes), List.copyOf(run.notes), Collections.unmodifiableMap(
                    new LinkedHashMap<>(run.structOpsValues)), run.arenaDataOffset);
        } catch (BpfException e) {
            run.closeAll();
            throw e.withContext(object);
        } catch (RuntimeException e) {
            run.closeAll();
            throw new BpfException(object + ": " + e, e);
        } finally {
            run.closeTemporaries();
        }
    }

    /** One load in progress; owns what it created until handed over. */
    private static final class Run {
        private final ObjectModel model;
        private final Options options;
        private final LiveFactory factory;
        private final LinkedHashMap<String, BpfMap> maps = new LinkedHashMap<>();
        private final LinkedHashMap<String, Program> programs = new LinkedHashMap<>();
        private final Map<String, Duration> loadTimes = new HashMap<>();
        private final List<String> notes = new ArrayList<>();
        private final Set<String> reusedMaps = new HashSet<>();
        private final List<Path> pinnedHere = new ArrayList<>();
        private Fd btfFd;
        private BtfBlob blob;
        private boolean funcInfo;
        private ResolvedExterns externs;
        private final List<Fd> attachFds = new ArrayList<>();
        private CoreRelocator core;
        private StructOpsPlanner structOps;
        private final Map<String, Fd> moduleFds = new HashMap<>();
        private Map<String, StructOpsValue> structOpsValues = Map.of();
        private final Map<String, Long> valueOffsets = new HashMap<>();
        private long arenaDataOffset = -1;

        Run(ObjectModel model, Options options, LiveFactory factory) {
            this.model = model;
            this.options = options;
            this.factory = factory;
        }

        void execute() {
            for (String name : options.targets().keySet()) {
                if (model.programs().stream().noneMatch(p -> p.name().equals(name))) {
                    throw new BpfArgumentException("an attach target is given for program '" + name + "', which the "
                            + "object does not have; its programs are " + model.programs().stream()
                            .map(ProgramDefinition::name).toList());
                }
            }
            for (ProgramDefinition p : model.programs()) {
                if (p.autoload() && p.match() == null) {
                    try {
                        ProgramSections.require(p.section());
                    } catch (BpfException e) {
                        throw e.withContext(p.describe());
                    }
                }
            }
            loadBtf();
            externs = ExternResolver.resolve(model, options.kernel());
            structOps = StructOpsPlanner.plan(model, options.kernel(), notes);
            createMaps();
            mapArena();
            fillMapSlots();
            for (ProgramDefinition p : model.programs()) {
                if (p.autoload()) loadProgram(p);
            }
            fillProgramSlots();
            structOpsValues = structOps.values(model, programs, notes);
        }

        // ---- BTF --------------------------------------------------------------------------------------------

        private void loadBtf() {
            if (model.btfBlob() == null) return;
            BtfSanitizer.Support support = options.btfSupport() != null ? options.btfSupport()
                    : BtfSanitizer.Support.probe();
            List<BtfType> types = BtfSanitizer.sanitize(model.btfTypes(), support);
            blob = types == model.btfTypes() ? model.btfBlob()
                    : BtfBlob.encode(types, model.btfBlob().stringOffsets().keySet());
            if (types != model.btfTypes()) {
                notes.add("BTF sanitised for this kernel (it lacks some BTF kinds): " + support.kinds());
            }
            try {
                btfFd = BtfLoad.load(blob.bytes(), "object '" + model.name() + "'");
                funcInfo = support.funcInfo();
            } catch (PermissionException e) {
                throw e;
            } catch (BpfException e) {
                notes.add("the kernel rejected the object's BTF, loading without it (no func/line info, maps "
                        + "without key/value types): " + e.getMessage());
                blob = null;
            }
        }

        // ---- maps -------------------------------------------------------------------------------------------

        private void createMaps() {
            for (MapDefinition d : model.maps()) {
                if (d.origin() == MapDefinition.Origin.STRUCT_OPS) {
                    StructOpsLayout.Plan plan = structOps.plan(d.name());
                    if (plan != null) maps.put(d.name(), createStructOpsMap(d, plan));
                    continue;
                }
                MapSpec spec = d.spec();
                if (d.origin() == MapDefinition.Origin.KCONFIG && externs.kconfig() != null) {
                    spec = spec.withContents(List.of(new MapSpec.MapEntry(new byte[4], externs.kconfig())));
                }
                if (spec.pinning().isPinned()) preparePinDirectory(spec);
                boolean reused = spec.pinning().isPinned() && Files.exists(spec.pinning().path());
                BpfMap map = createMap(d, spec);
                maps.put(d.name(), map);
                if (reused) reusedMaps.add(d.name());
                else if (spec.pinning().isPinned()) pinnedHere.add(spec.pinning().path());
            }
        }

        private BpfMap createMap(MapDefinition d, MapSpec spec) {
            MapSpec.MapBtf b = spec.btf();
            if (b == null || btfFd == null) return factory.createMap(withoutBtf(spec), -1, 0, 0);
            try {
                return factory.createMap(spec, btfFd.get(), b.keyTypeId(), b.valueTypeId());
            } catch (PermissionException e) {
                throw e;
            } catch (BpfException e) {
                if (spec.pinning().isPinned() && Files.exists(spec.pinning().path())) throw e;
                BpfMap m = factory.createMap(withoutBtf(spec), -1, 0, 0);
                notes.add("map '" + d.name() + "' created without BTF key/value types (the kernel refused them: "
                        + e.getMessage().lines().findFirst().orElse("") + ")");
                return m;
            }
        }

        private BpfMap createStructOpsMap(MapDefinition d, StructOpsLayout.Plan plan) {
            if (btfFd == null) {
                throw new BpfException("struct_ops map '" + d.name() + "': the kernel needs the object's BTF with "
                        + "struct_ops maps, and it was not loaded (compile with clang -g; see the notes)");
            }
            MapSpec spec = d.spec().toBuilder().valueSize(plan.valueSize())
                    .btf(new MapSpec.MapBtf(null, 0, 0, plan.valueTypeId())).build();
            Fd module = plan.module() == null ? null : moduleFd(plan.module());
            try {
                return factory.createMap(spec, btfFd.get(), 0, 0, module == null ? -1 : module.get());
            } catch (BpfException e) {
                throw e.withContext("struct_ops map '" + d.name() + "' (struct " + plan.map() + ")");
            }
        }

        private Fd moduleFd(String module) {
            Fd fd = moduleFds.get(module);
            if (fd == null) {
                fd = options.kernel().moduleBtfFd(module);
                moduleFds.put(module, fd);
            }
            return fd;
        }

        // ---- arena ---------------------------------------------------------------------------------------------

        /**
         * Maps every arena into this process before any program loads (the kernel resolves arena addresses against
         * that mapping) and copies the {@code __arena} variables' initial bytes into the object's arena.
         */
        private void mapArena() {
            for (MapDefinition d : model.maps()) {
                if (d.spec().type() != dev.ebpf4j.MapType.ARENA || !maps.containsKey(d.name())) continue;
                MemorySegment mem;
                try {
                    mem = maps.get(d.name()).memory();
                } catch (BpfException e) {
                    throw e.withContext("arena map '" + d.name() + "'");
                }
                ArenaData data = model.arena();
                if (data == null || !data.map().equals(d.name())) continue;
                long offset;
                try {
                    offset = ArenaLayout.dataOffset(mem.byteSize(), data.size(), ArenaLayout.fullRangeOffsets());
                } catch (BpfException e) {
                    throw e.withContext("arena map '" + d.name() + "'");
                }
                if (!reusedMaps.contains(d.name())) {
                    MemorySegment.copy(data.bytes(), 0, mem, ValueLayout.JAVA_BYTE, offset, data.size());
                }
                arenaDataOffset = offset;
                valueOffsets.put(d.name(), offset);
            }
        }

        private static MapSpec withoutBtf(MapSpec spec) {
            return spec.btf() == null ? spec : spec.toBuilder().btf(null).build();
        }

        private static void preparePinDirectory(MapSpec spec) {
            Path dir = spec.pinning().path().toAbsolutePath().getParent();
            if (dir == null) return;
            if (dir.startsWith(KernelFilesystems.BPFFS)) KernelFilesystems.bpffs();
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new BpfException("cannot create the pin directory " + dir + " for map '" + spec.name() + "': "
                        + e.getMessage());
            }
        }

        private void fillMapSlots() {
            for (MapDefinition d : model.maps()) {
                if (reusedMaps.contains(d.name())) continue;
                for (MapDefinition.SlotReference r : d.initialReferences()) {
                    if (r.program()) continue;
                    BpfMap inner = maps.get(r.target());
                    update(d, r, inner.fd());
                }
            }
        }

        private void fillProgramSlots() {
            for (MapDefinition d : model.maps()) {
                if (reusedMaps.contains(d.name())) continue;
                for (MapDefinition.SlotReference r : d.initialReferences()) {
                    if (!r.program()) continue;
                    Program p = programs.get(r.target());
                    if (p == null) {
                        notes.add("map '" + d.name() + "' slot " + r.slot() + ": program '" + r.target()
                                + "' is not loaded, so the slot stays empty");
                        continue;
                    }
                    update(d, r, p.fd());
                }
            }
        }

        private void update(MapDefinition d, MapDefinition.SlotReference r, int fd) {
            byte[] key = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(r.slot()).array();
            byte[] value = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(fd).array();
            try {
                maps.get(d.name()).update(key, value, UpdateMode.ANY);
            } catch (BpfException e) {
                throw e.withContext("map '" + d.name() + "': setting slot " + r.slot() + " to "
                        + (r.program() ? "program '" : "map '") + r.target() + "'");
            }
        }

        // ---- programs ---------------------------------------------------------------------------------------

        private void loadProgram(ProgramDefinition p) {
            String what = p.describe();
            ProgramSpec spec;
            try {
                spec = prepare(p);
            } catch (BpfException e) {
                throw e.withContext(what);
            }
            int[] fdArray = externs.fdArray();
            try (Arena arena = Arena.ofConfined()) {
                long fdArrayAddress = 0;
                if (fdArray.length > 0) {
                    MemorySegment a = arena.allocate(ValueLayout.JAVA_INT, fdArray.length);
                    for (int i = 0; i < fdArray.length; i++) a.setAtIndex(ValueLayout.JAVA_INT, i, fdArray[i]);
                    fdArrayAddress = a.address();
                }
                long start = System.nanoTime();
                ProgramLoader.Result r = ProgramLoader.load(spec, options.logLevel(), fdArrayAddress,
                        btfFd != null && spec.btf() != null ? btfFd.get() : -1);
                loadTimes.put(p.name(), Duration.ofNanos(System.nanoTime() - start));
                Program program;
                try {
                    program = factory.adoptProgram(r.fd(), spec, r.log());
                } catch (RuntimeException e) {
                    r.fd().close();
                    throw e;
                }
                programs.put(p.name(), program);
            }
        }

        private ProgramSpec prepare(ProgramDefinition p) {
            Map<String, Integer> mapFds = new HashMap<>();
            for (Map.Entry<String, BpfMap> e : maps.entrySet()) mapFds.put(e.getKey(), e.getValue().fd());
            List<Instruction> insns = ReferenceResolver.resolve(p.describe(), p.code().instructions(), mapFds,
                    valueOffsets, externs);
            if (!p.code().coreRelos().isEmpty()) {
                if (core == null) core = options.core() != null ? options.core() : CoreRelocator.forRunningKernel();
                CoreResult r = core.apply(p.name(), insns, model.btf(), p.code().coreRelos());
                if (Instructions.slotCount(r.instructions()) != Instructions.slotCount(insns)) {
                    throw new BpfException(p.describe() + ": the CO-RE relocator changed the program's length");
                }
                insns = r.instructions();
                for (String n : r.notes()) notes.add(p.describe() + ": " + n);
            }
            ProgramSpec.Builder b = ProgramSpecs.of(model, p, funcInfo ? blob : null).instructions(insns);
            if (p.match() != null && p.match().definition().programType() == dev.ebpf4j.ProgramType.STRUCT_OPS) {
                StructOpsPlanner.Target so = structOps.target(p.name());
                if (so == null) {
                    throw new BpfException(p.describe() + ": no created struct_ops map points to this program, so the "
                            + "kernel cannot know which struct member it implements; use it in a SEC(\".struct_ops\") "
                            + "variable (or switch its autoload off)");
                }
                b.attachBtfId(so.kernelTypeId()).structOpsMember(so.memberIndex()).attachTo(so.member());
                if (so.module() != null) b.attachBtfObjFd(moduleFd(so.module()).get());
                return b.build();
            }
            AttachTargetResolver.Target t = AttachTargetResolver.resolve(p, options.kernel(),
                    options.targets().get(p.name()));
            if (t != null) {
                b.attachBtfId(t.btfId()).attachProgFd(t.attachProgFd());
                if (t.moduleFd() != null) {
                    attachFds.add(t.moduleFd());
                    b.attachBtfObjFd(t.moduleFd().get());
                }
            }
            return b.build();
        }

        // ---- cleanup ----------------------------------------------------------------------------------------

        void closeTemporaries() {
            if (btfFd != null) btfFd.close();
            if (externs != null) externs.close();
            for (Fd fd : attachFds) fd.close();
            for (Fd fd : moduleFds.values()) fd.close();
        }

        void closeAll() {
            List<Program> ps = new ArrayList<>(programs.values());
            Collections.reverse(ps);
            for (Program p : ps) p.close();
            List<BpfMap> ms = new ArrayList<>(maps.values());
            Collections.reverse(ms);
            for (BpfMap m : ms) m.close();
            for (Path pin : pinnedHere) {
                try {
                    Files.deleteIfExists(pin);
                } catch (IOException e) {
                    // best effort: the map itself is gone once its last reference closes
                }
            }
        }
    }
}
