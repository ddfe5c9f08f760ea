package dev.ebpf4j.internal.loader;

import dev.ebpf4j.BpfException;
import dev.ebpf4j.BpfMap;
import dev.ebpf4j.MapSpec;
import dev.ebpf4j.NotSupportedException;
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
 * maps created (pinned maps reused when compatible, global data written and .rodata frozen, map-in-map slots
 * filled), then every autoload program with map fds, ksyms and kfuncs filled in, its CO-RE relocations applied
 * (one relocator per load; it must keep the program's length), func/line info, expected attach type and attach BTF
 * id; finally prog array slots. Everything created is closed
 * again when a step fails; errors carry the object's and program's names.
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

        Program adoptProgram(Fd fd, ProgramSpec spec, String log);
    }

    /**
     * How to load.
     *
     * @param logLevel   verifier log level kept for successful loads (0: none, 1, 2, 4 = statistics)
     * @param core       the CO-RE relocator (null: the running kernel's)
     * @param kernel     the kernel to resolve externs and attach targets against
     * @param btfSupport BTF kinds the kernel accepts (null: probe)
     */
    public record Options(int logLevel, CoreRelocator core, KernelView kernel, BtfSanitizer.Support btfSupport) {
    }

    /** What was loaded: maps and programs by name (in object order), load durations, notes. */
    public record Loaded(Map<String, BpfMap> maps, Map<String, Program> programs, Map<String, Duration> loadTimes,
                         List<String> notes) {
    }

    /** Loads {@code model}; on failure closes whatever it created and rethrows with context. */
    public static Loaded load(ObjectModel model, Options options, LiveFactory factory) {
        String object = "object '" + model.name() + "'";
        Run run = new Run(model, options, factory);
        try {
            run.execute();
            return new Loaded(Collections.unmodifiableMap(run.maps), Collections.unmodifiableMap(run.programs),
                    Map.copyOf(run.loadTimes), List.copyOf(run.notes));
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

        Run(ObjectModel model, Options options, LiveFactory factory) {
            this.model = model;
            this.options = options;
            this.factory = factory;
        }

        void execute() {
            if (!model.unsupported().isEmpty()) {
                throw NotSupportedException.notImplemented(String.join(", ", model.unsupported()),
                        "the object needs them to load");
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
            createMaps();
            fillMapSlots();
            for (ProgramDefinition p : model.programs()) {
                if (p.autoload()) loadProgram(p);
            }
            fillProgramSlots();
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
            List<Instruction> insns = ReferenceResolver.resolve(p.describe(), p.code().instructions(), mapFds, externs);
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
            AttachTargetResolver.Target t = AttachTargetResolver.resolve(p, options.kernel());
            if (t != null) {
                b.attachBtfId(t.btfId());
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
