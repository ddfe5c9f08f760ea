package dev.ebpf4j;

import dev.ebpf4j.btf.core.CoreRelocator;
import dev.ebpf4j.internal.loader.ArenaData;
import dev.ebpf4j.internal.loader.AttachTargetResolver;
import dev.ebpf4j.internal.loader.AutoAttacher;
import dev.ebpf4j.internal.loader.BtfSanitizer;
import dev.ebpf4j.internal.loader.KernelView;
import dev.ebpf4j.internal.loader.ObjectLoader;
import dev.ebpf4j.internal.loader.ProgramDefinition;
import dev.ebpf4j.internal.loader.RunningKernel;
import dev.ebpf4j.internal.sys.Fd;
import dev.ebpf4j.link.Link;
import dev.ebpf4j.link.StructOpsLink;
import dev.ebpf4j.link.UsdtSpecMaps;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A BPF object loaded into the kernel: its maps (created, or reused from compatible pins), global data written and
 * {@code .rodata} frozen, externs resolved, and its autoload programs verified and loaded. Owns everything it
 * created: {@link #close()} closes links, then programs, then maps, in reverse order of creation.
 *
 * <pre>{@code
 * ObjectSpec spec = ObjectSpec.read(Path.of("opensnoop.bpf.o")).withVariable("target_pid", pid);
 * try (BpfObject obj = BpfObject.load(spec)) {
 *     obj.attachAll();                                        // from the section names
 *     try (RingBufferReader events = RingBufferReader.open(obj.map("events"))) { ... }
 *     System.out.println(obj.variable("dropped").getLong());
 * } catch (VerifierException e) {
 *     System.err.println(e.getMessage());   // "object 'opensnoop.bpf.o': program 'handle_open' (tp/...): ..."
 * }
 * }</pre>
 *
 * <p>USDT programs ({@code SEC("usdt/BINARY:PROVIDER:NAME")}, written with {@code <bpf/usdt.bpf.h>}) attach to
 * every site of the probe; the object keeps the spec ids of its {@code __bpf_usdt_specs} map in use by its links.
 *
 * <p>struct_ops variables ({@code SEC(".struct_ops")} / {@code SEC(".struct_ops.link")} globals of a kernel struct
 * type such as {@code tcp_congestion_ops}) become struct_ops maps laid out for the kernel at load; their programs are
 * loaded for the members they implement, and {@link #attachStructOps} (or {@link #attachAll()}) registers them. An
 * arena map ({@code BPF_MAP_TYPE_ARENA}) is mapped into this process before the programs load, with the object's
 * {@code __arena} variables in it (read and written through {@link #variable}). freplace programs name the loaded
 * program whose function they replace with {@link LoadOptions#withAttachTarget}.
 *
 * <p>To verify one program on its own (as veristat does): {@code BpfObject.load(spec.withAutoloadOnly(name),
 * LoadOptions.DEFAULT.withVerifierLog(Program.LoadOptions.STATS))}, then {@link #verifierStats} and
 * {@link #loadDuration}.
 */
public final class BpfObject implements AutoCloseable {
    private final ObjectSpec spec;
    private final Map<String, BpfMap> maps;
    private final Map<String, Program> programs;
    private final Map<String, Duration> loadTimes;
    private final List<String> notes;
    private final KernelView kernel;
    private final List<Link> links = new ArrayList<>();
    private final Map<String, MemorySegment> mappings = new HashMap<>();
    private final Map<String, Variable> variables = new HashMap<>();
    private final Map<String, ObjectLoader.StructOpsValue> structOps;
    private final long arenaDataOffset;
    private UsdtSpecMaps usdtSpecMaps;
    private boolean closed;

    private BpfObject(ObjectSpec spec, ObjectLoader.Loaded loaded, KernelView kernel) {
        this.spec = spec;
        this.kernel = kernel;
        this.maps = loaded.maps();
        this.programs = loaded.programs();
        this.loadTimes = loaded.loadTimes();
        this.notes = loaded.notes();
        this.structOps = loaded.structOps();
        this.arenaDataOffset = loaded.arenaDataOffset();
    }

    /**
     * Options for {@link #load(ObjectSpec, LoadOptions)}.
     *
     * @param verifierLog the verifier log kept for successful program loads ({@link Program.LoadOptions#STATS} for
     *                    statistics); rejected programs always carry their full log in the {@link VerifierException}
     * @param coreRelocator how CO-RE relocations are applied (null: against the running kernel's BTF)
     * @param attachTargets loaded programs whose functions programs of the object attach to, by program name
     *                      ({@code freplace/...} programs need one; see {@link #withAttachTarget})
     */
    public record LoadOptions(Program.LoadOptions verifierLog, CoreRelocator coreRelocator,
                              Map<String, AttachTarget> attachTargets) {
        /** No verifier log for successful loads; CO-RE against the running kernel. */
        public static final LoadOptions DEFAULT = new LoadOptions(Program.LoadOptions.DEFAULT, null, Map.of());

        public LoadOptions {
            verifierLog = verifierLog == null ? Program.LoadOptions.DEFAULT : verifierLog;
            attachTargets = attachTargets == null ? Map.of() : Map.copyOf(attachTargets);
        }

        public LoadOptions(Program.LoadOptions verifierLog, CoreRelocator coreRelocator) {
            this(verifierLog, coreRelocator, Map.of());
        }

        public LoadOptions withVerifierLog(Program.LoadOptions v) {
            return new LoadOptions(v, coreRelocator, attachTargets);
        }

        public LoadOptions withCoreRelocator(CoreRelocator c) {
            return new LoadOptions(verifierLog, c, attachTargets);
        }

        /**
         * Program {@code program} of the object attaches to a function of the loaded program {@code target}: the one
         * its section names ({@code SEC("freplace/handle_packet")}). A freplace program replaces that function (it
         * must be a global function of {@code target}, which must have been loaded with BTF); an fentry/fexit
         * program traces it.
         */
        public LoadOptions withAttachTarget(String program, Program target) {
            return withAttachTarget(program, target, null);
        }

        /** As {@link #withAttachTarget(String, Program)}, naming the function ({@code null}: the section's). */
        public LoadOptions withAttachTarget(String program, Program target, String function) {
            java.util.Objects.requireNonNull(target, "target");
            Map<String, AttachTarget> t = new java.util.HashMap<>(attachTargets);
            t.put(program, new AttachTarget(target, function));
            return new LoadOptions(verifierLog, coreRelocator, t);
        }
    }

    /**
     * A loaded program and one of its functions that a program of an object attaches to.
     *
     * @param program  the loaded target program
     * @param function the function, or null for the one the attaching program's section names
     */
    public record AttachTarget(Program program, String function) {
    }

    /** Reads the object file at {@code path} and loads it. */
    public static BpfObject load(Path path) {
        return load(ObjectSpec.read(path));
    }

    /** Loads {@code spec} with default options. */
    public static BpfObject load(ObjectSpec spec) {
        return load(spec, LoadOptions.DEFAULT);
    }

    /** Loads {@code spec}. */
    public static BpfObject load(ObjectSpec spec, LoadOptions options) {
        return load(spec, options, null);
    }

    /** As {@link #load(ObjectSpec, LoadOptions)}, pretending the kernel accepts only {@code btfSupport} (tests). */
    static BpfObject load(ObjectSpec spec, LoadOptions options, BtfSanitizer.Support btfSupport) {
        return load(spec, options, btfSupport, RunningKernel.INSTANCE);
    }

    /** As above, resolving externs against {@code kernel} (tests: a kernel view that hides BPF cookies). */
    static BpfObject load(ObjectSpec spec, LoadOptions options, BtfSanitizer.Support btfSupport, KernelView kernel) {
        Map<String, AttachTargetResolver.ProgramTarget> targets = new HashMap<>();
        for (Map.Entry<String, AttachTarget> e : options.attachTargets().entrySet()) {
            Program p = e.getValue().program();
            targets.put(e.getKey(), new AttachTargetResolver.ProgramTarget(p.fd(), e.getValue().function(),
                    p.describe()));
        }
        ObjectLoader.Options o = new ObjectLoader.Options(options.verifierLog().logLevel(), options.coreRelocator(),
                kernel, btfSupport, targets);
        return new BpfObject(spec, ObjectLoader.load(spec.model(), o, FACTORY), kernel);
    }

    private static final ObjectLoader.LiveFactory FACTORY = new ObjectLoader.LiveFactory() {
        @Override
        public BpfMap createMap(MapSpec spec, int btfFd, int keyTypeId, int valueTypeId) {
            return BpfMap.create(spec, btfFd, keyTypeId, valueTypeId);
        }

        @Override
        public BpfMap createMap(MapSpec spec, int btfFd, int keyTypeId, int valueTypeId, int valueTypeBtfObjFd) {
            return BpfMap.create(spec, btfFd, keyTypeId, valueTypeId, valueTypeBtfObjFd);
        }

        @Override
        public Program adoptProgram(Fd fd, ProgramSpec spec, String log) {
            return Program.adopt(fd, spec, log);
        }
    };

    // ---- accessors --------------------------------------------------------------------------------------------

    /** The object's name (its file name). */
    public String name() {
        return spec.name();
    }

    /** The spec this object was loaded from. */
    public ObjectSpec spec() {
        return spec;
    }

    /** The loaded program {@code name}; {@link BpfArgumentException} when it was not loaded or does not exist. */
    public Program program(String name) {
        checkOpen();
        Program p = programs.get(name);
        if (p == null) {
            String why = spec.programs().stream().anyMatch(s -> s.name().equals(name))
                    ? "it was not loaded (autoload is off; ObjectSpec.withAutoload(\"" + name + "\", true))"
                    : "the object has no such program";
            throw new BpfArgumentException("object '" + name() + "': no program '" + name + "': " + why
                    + "; loaded programs are " + programs.keySet());
        }
        return p;
    }

    /** The loaded programs by name, in object order. */
    public Map<String, Program> programs() {
        return programs;
    }

    /** The map {@code name} (".rodata", ".bss", ".data.custom" for global data). */
    public BpfMap map(String name) {
        checkOpen();
        BpfMap m = maps.get(name);
        if (m == null) {
            throw new BpfArgumentException("object '" + name() + "' has no map '" + name + "'; its maps are "
                    + maps.keySet());
        }
        return m;
    }

    /** The maps by name, in object order. */
    public Map<String, BpfMap> maps() {
        return maps;
    }

    /** The global variable {@code name}, read and written in its memory-mapped data map. */
    public synchronized Variable variable(String name) {
        checkOpen();
        Variable v = variables.get(name);
        if (v != null) return v;
        VariableSpec vs = spec.variable(name);
        ArenaData arena = spec.model().arena();
        if (arena != null && vs.section().equals(arena.section())) {
            MemorySegment whole = map(arena.map()).memory();
            v = new Variable(vs, map(arena.map()), whole.asSlice(arenaDataOffset, arena.size()));
            variables.put(name, v);
            return v;
        }
        BpfMap map = map(vs.section());
        MemorySegment mapped = mappings.get(vs.section());
        if (mapped == null && (map.flags() & MapFlags.MMAPABLE) != 0) {
            mapped = map.memory();
            mappings.put(vs.section(), mapped);
        }
        v = new Variable(vs, map, mapped);
        variables.put(name, v);
        return v;
    }

    /** How long loading program {@code name} took (the {@code BPF_PROG_LOAD} call, including verification). */
    public Duration loadDuration(String name) {
        program(name);
        return loadTimes.get(name);
    }

    /**
     * The verifier's statistics for program {@code name}: from its verifier log when one was kept
     * ({@link LoadOptions#withVerifierLog}), else only the processed instruction count the kernel reports.
     */
    public VerifierStats verifierStats(String name) {
        Program p = program(name);
        VerifierStats s = VerifierStats.parse(p.verifierLog());
        if (s.processedInstructions() >= 0) return s;
        return new VerifierStats(p.info().verifiedInsns(), -1, -1, -1);
    }

    /**
     * Notes from loading that are not errors: BTF sanitised or dropped for this kernel, CO-RE relocations that could
     * not be satisfied (the instruction was poisoned), prog array slots left empty.
     */
    public List<String> notes() {
        return notes;
    }

    // ---- attaching --------------------------------------------------------------------------------------------

    /** Attaches program {@code name} as its section says; the link belongs to this object. */
    public Link attach(String name) {
        return attach(name, AttachOptions.NONE);
    }

    /** Attaches program {@code name} as its section says, with {@code options} for what the section cannot say. */
    public synchronized Link attach(String name, AttachOptions options) {
        Program p = program(name);
        ProgramDefinition d = definition(name);
        if (d.match() != null && d.match().definition().attachKind() == SectionDef.AttachKind.STRUCT_OPS) {
            List<String> users = spec.model().structOps().stream().filter(s -> s.programs().contains(name))
                    .map(s -> s.name()).toList();
            throw new BpfArgumentException("object '" + name() + "': " + d.describe() + " is a struct_ops program; the "
                    + "kernel calls it through its struct_ops map once that is registered: attachStructOps("
                    + (users.isEmpty() ? "map" : "\"" + users.getFirst() + "\"") + ")");
        }
        Link l;
        try {
            l = AutoAttacher.attach(p, definition(name), options, usdtMaps());
        } catch (BpfException e) {
            throw e.withContext("object '" + name() + "'");
        }
        links.add(l);
        return l;
    }

    /** Attaches every loaded program that its section says how to attach, and registers the struct_ops maps. */
    public List<Link> attachAll() {
        return attachAll(AttachOptions.NONE);
    }

    /**
     * Attaches every loaded program whose section says how to attach it (programs of sections without an attach
     * point, such as {@code socket} or {@code xdp/devmap}, are left alone), then registers every struct_ops map
     * ({@link #attachStructOps}), as libbpf's skeletons do. When one fails, the links made by this
     * call are closed and the error is thrown, unless the failure is a {@link NotSupportedException} and
     * {@link AttachOptions#skipUnsupported()} was given: then that program is skipped.
     */
    public synchronized List<Link> attachAll(AttachOptions options) {
        checkOpen();
        List<Link> made = new ArrayList<>();
        for (Map.Entry<String, Program> e : programs.entrySet()) {
            ProgramDefinition d = definition(e.getKey());
            if (!AutoAttacher.canAutoAttach(d)) continue;
            try {
                made.add(AutoAttacher.attach(e.getValue(), d, options, usdtMaps()));
            } catch (NotSupportedException ex) {
                if (options.skipsUnsupported()) continue;
                closeLinks(made);
                throw ex.withContext("object '" + name() + "'");
            } catch (BpfException ex) {
                closeLinks(made);
                throw ex.withContext("object '" + name() + "'");
            } catch (RuntimeException ex) {
                closeLinks(made);
                throw ex;
            }
        }
        for (String map : structOps.keySet()) {
            try {
                made.add(registerStructOps(map));
            } catch (NotSupportedException ex) {
                if (options.skipsUnsupported()) continue;
                closeLinks(made);
                throw ex.withContext("object '" + name() + "'");
            } catch (BpfException ex) {
                closeLinks(made);
                throw ex.withContext("object '" + name() + "'");
            } catch (RuntimeException ex) {
                closeLinks(made);
                throw ex;
            }
        }
        links.addAll(made);
        return List.copyOf(made);
    }

    /**
     * Registers struct_ops map {@code map} (a {@code SEC(".struct_ops")} or {@code SEC(".struct_ops.link")} variable)
     * with the kernel: its value, laid out for the kernel at load with the fds of its programs, is written to the map,
     * and for {@code .struct_ops.link} maps a bpf_link is created. The link belongs to this object; closing it (or the
     * object) unregisters.
     */
    public synchronized StructOpsLink attachStructOps(String map) {
        StructOpsLink l;
        try {
            l = registerStructOps(map);
        } catch (BpfException e) {
            throw e.withContext("object '" + name() + "'");
        }
        links.add(l);
        return l;
    }

    private StructOpsLink registerStructOps(String map) {
        checkOpen();
        ObjectLoader.StructOpsValue v = structOps.get(map);
        if (v == null) {
            String why = spec.model().structOps(map) != null ? "it was not created (SEC(\"?.struct_ops\"); "
                    + "ObjectSpec.withAutocreate(\"" + map + "\", true))" : "the object has no such struct_ops variable";
            throw new BpfArgumentException("no struct_ops map '" + map + "': " + why + "; its struct_ops maps are "
                    + structOps.keySet());
        }
        if (!v.missing().isEmpty()) {
            throw new BpfArgumentException("struct_ops map '" + map + "' points to programs " + v.missing() + ", which "
                    + "were not loaded (autoload off?), so it cannot be registered");
        }
        return StructOpsLink.attach(map(map), v.value(), v.typeName());
    }

    /** The links made through this object, in order. */
    public synchronized List<Link> links() {
        return List.copyOf(links);
    }

    /**
     * The object's USDT spec maps (from {@code <bpf/usdt.bpf.h>}), shared by all its USDT links so they hand out
     * distinct spec ids; null when the object has none. The lookup matches what the loader compiled in
     * ({@code LINUX_HAS_BPF_COOKIE} of the kernel view it loaded against).
     */
    private java.util.function.Supplier<UsdtSpecMaps> usdtMaps() {
        if (!maps.containsKey(UsdtSpecMaps.SPECS_MAP)) return null;
        return () -> {
            synchronized (this) {
                if (usdtSpecMaps == null) {
                    usdtSpecMaps = UsdtSpecMaps.of(maps.get(UsdtSpecMaps.SPECS_MAP),
                            maps.get(UsdtSpecMaps.IP_TO_SPEC_ID_MAP), kernel.hasBpfCookie()
                                    ? UsdtSpecMaps.Lookup.COOKIE : UsdtSpecMaps.Lookup.IP);
                }
                return usdtSpecMaps;
            }
        };
    }

    private ProgramDefinition definition(String name) {
        for (ProgramDefinition d : spec.model().programs()) if (d.name().equals(name)) return d;
        throw new BpfArgumentException("object '" + name() + "' has no program '" + name + "'");
    }

    private static void closeLinks(List<Link> made) {
        for (int i = made.size() - 1; i >= 0; i--) made.get(i).close();
    }

    // ---- lifecycle ----------------------------------------------------------------------------------------------

    private void checkOpen() {
        if (closed) throw new ClosedException("object '" + name() + "'");
    }

    /** Closes links, programs and maps, in reverse order of creation. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        closeLinks(links);
        links.clear();
        List<Program> ps = new ArrayList<>(programs.values());
        Collections.reverse(ps);
        for (Program p : ps) p.close();
        List<BpfMap> ms = new ArrayList<>(maps.values());
        Collections.reverse(ms);
        for (BpfMap m : ms) m.close();
    }

    public synchronized boolean isClosed() {
        return closed;
    }

    @Override
    public String toString() {
        return "BpfObject[" + name() + ", " + programs.size() + " programs, " + maps.size() + " maps"
                + (closed ? ", closed" : "") + "]";
    }
}
