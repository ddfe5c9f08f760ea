package dev.ebpf4j.cli.prog;

import dev.ebpf4j.BpfException;
import dev.ebpf4j.BpfMap;
import dev.ebpf4j.BpfObject;
import dev.ebpf4j.Errno;
import dev.ebpf4j.MapSpec;
import dev.ebpf4j.ObjectSpec;
import dev.ebpf4j.Program;
import dev.ebpf4j.ProgramSpec;
import dev.ebpf4j.cli.CliCommand;
import dev.ebpf4j.cli.Session;
import dev.ebpf4j.cli.UsageException;
import dev.ebpf4j.cli.Words;
import dev.ebpf4j.cli.map.MapRef;
import dev.ebpf4j.internal.fs.KernelFilesystems;
import dev.ebpf4j.link.Link;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * {@code prog load} and {@code prog loadall}, as bpftool: {@code OBJ PATH [type TYPE] [map { idx IDX | name NAME }
 * MAP]... [pinmaps MAP_DIR] [autoattach]}. The object is loaded as libbpf loads it (every program whose section does
 * not start with '?'); {@code load} pins the first program at PATH, {@code loadall} pins each loaded program at
 * PATH/NAME (creating PATH). {@code type} sets every program's type (for section names that do not say it);
 * {@code map} reuses an existing map instead of creating the object's map number IDX (in object order) or named
 * NAME; {@code pinmaps} pins every map at MAP_DIR/NAME (libbpf's names, dots as underscores); {@code autoattach}
 * attaches each program as its section says and pins the link instead of the program (programs whose section does
 * not say how, or that fail to attach, are pinned as programs, as bpftool does). Everything else is closed when the
 * command ends: what is pinned stays.
 *
 * <pre>{@code
 * ebpf4j prog load xdp.bpf.o /sys/fs/bpf/xdp
 * ebpf4j prog loadall tracing.bpf.o /sys/fs/bpf/tracing pinmaps /sys/fs/bpf/tracing_maps autoattach
 * }</pre>
 */
abstract class ObjectLoadCommand extends CliCommand {
    /** True for {@code load} (the first program), false for {@code loadall}. */
    protected abstract boolean firstOnly();

    private record MapReuse(int index, String name, MapRef map) {
    }

    @Override
    protected int run(Session session, Words words) {
        Path object = Path.of(words.next("OBJ (the object file)"));
        Path pin = Path.of(words.next("PATH (where to pin)"));
        String type = null;
        Path pinMaps = null;
        boolean autoAttach = false;
        List<MapReuse> reuse = new ArrayList<>();
        while (!words.atEnd()) {
            if (words.take("type")) {
                if (type != null) throw new UsageException("program type already specified");
                type = words.next("program type");
            } else if (words.take("map")) {
                if (words.take("idx")) {
                    String idx = words.next("map index");
                    long i = Words.parseNumber(idx);
                    if (i < 0) throw new UsageException("can't parse " + idx + " as IDX");
                    reuse.add(new MapReuse((int) i, null, MapRef.parse(words)));
                } else if (words.take("name")) {
                    String name = words.next("map name");
                    reuse.add(new MapReuse(-1, name, MapRef.parse(words)));
                } else {
                    throw new UsageException("expected 'idx' or 'name', got: '" + words.peek() + "'?");
                }
            } else if (words.take("pinmaps")) {
                pinMaps = Path.of(words.next("MAP_DIR"));
            } else if (words.take("autoattach")) {
                autoAttach = true;
            } else if (words.is("dev") || words.is("offload_dev") || words.is("xdpmeta_dev")
                    || words.is("kernel_btf")) {
                throw new UsageException("'" + words.peek() + "' is not supported by ebpf4j (no device offload or "
                        + "custom kernel BTF)");
            } else {
                throw new UsageException("expected no more arguments, 'type', 'map', 'pinmaps' or 'autoattach', got: '"
                        + words.peek() + "'?");
            }
        }
        ObjectSpec spec = ObjectSpec.read(object);
        if (spec.programs().isEmpty()) {
            throw new BpfException("object file " + object + " doesn't contain any BPF program", Errno.ENOENT.number());
        }
        if (type != null) {
            for (ProgramSpec p : spec.programs()) spec = spec.withProgramType(p.name(), type);
        }
        Path reuseDir = null;
        try {
            if (!reuse.isEmpty()) {
                reuseDir = KernelFilesystems.bpffs().resolve("ebpf4j-reuse-" + ProcessHandle.current().pid() + "-"
                        + Integer.toString(ThreadLocalRandom.current().nextInt(1 << 30), 36));
                spec = reuseMaps(spec, object, reuse, reuseDir);
            }
            try (BpfObject obj = BpfObject.load(spec)) {
                removeTree(reuseDir);   // the object holds the reused maps now
                reuseDir = null;
                List<Path> pinned = new ArrayList<>();
                try {
                    pinPrograms(session, obj, pin, autoAttach, pinned);
                    if (pinMaps != null) pinMaps(obj, object, pinMaps, pinned);
                } catch (RuntimeException e) {
                    for (Path p : pinned) deleteQuietly(p);
                    throw e;
                }
            }
        } finally {
            removeTree(reuseDir);
        }
        session.done();
        return 0;
    }

    /** Pins the reused maps where the loader's pin reuse finds them, and points the object's maps there. */
    private static ObjectSpec reuseMaps(ObjectSpec spec, Path object, List<MapReuse> reuse, Path dir) {
        List<MapSpec> maps = spec.maps();
        String file = object.getFileName().toString();
        ObjectSpec out = spec;
        List<Integer> used = new ArrayList<>();
        for (MapReuse r : reuse) {
            int index = r.index();
            if (r.name() != null) {
                for (int i = 0; i < maps.size() && index < 0; i++) {
                    if (LibbpfMapNames.matches(file, maps.get(i), r.name())) index = i;
                }
                if (index < 0) {
                    throw new BpfException("unable to find map '" + r.name() + "' in " + object + "; its maps are "
                            + maps.stream().map(m -> LibbpfMapNames.name(file, m.name())).toList(),
                            Errno.ENOENT.number());
                }
            }
            if (index >= maps.size()) {
                throw new BpfException("map idx '" + index + "' not used: " + object + " has " + maps.size()
                        + " maps", Errno.EINVAL.number());
            }
            if (used.contains(index)) {
                throw new UsageException("replacement for map idx " + index + " specified more than once");
            }
            used.add(index);
            Path at = dir.resolve(Integer.toString(index));
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new BpfException("cannot create " + dir + ": " + e.getMessage(), e);
            }
            try (BpfMap existing = r.map().openOne()) {
                existing.pin(at);
            }
            out = out.withMap(maps.get(index).withPinning(MapSpec.Pinning.at(at)));
        }
        return out;
    }

    private void pinPrograms(Session session, BpfObject obj, Path pin, boolean autoAttach, List<Path> pinned) {
        if (firstOnly()) {
            String first = obj.spec().programs().getFirst().name();
            if (!obj.programs().containsKey(first)) {
                throw new BpfException("failed to pin program '" + first + "': it was not loaded (its section "
                        + "starts with '?')", Errno.EINVAL.number());
            }
            KernelFilesystems.bpffs();
            pinOne(session, obj, first, pin, autoAttach);
            pinned.add(pin);
            return;
        }
        pinDirectory(pin);
        for (Map.Entry<String, Program> e : obj.programs().entrySet()) {
            Path at = pin.resolve(e.getKey());
            pinOne(session, obj, e.getKey(), at, autoAttach);
            pinned.add(at);
        }
    }

    private static void pinOne(Session session, BpfObject obj, String name, Path at, boolean autoAttach) {
        if (autoAttach) {
            Link link = null;
            try {
                link = obj.attach(name);
            } catch (BpfException e) {
                session.info("Program " + name + " does not support autoattach, falling back to pinning ("
                        + e.getMessage().lines().findFirst().orElse("") + ")");
            }
            if (link != null) {
                link.pin(at);
                return;
            }
        }
        obj.program(name).pin(at);
    }

    /** Creates {@code dir} (and its parents) on bpffs; a directory elsewhere cannot hold pins. */
    private static void pinDirectory(Path dir) {
        KernelFilesystems.bpffs();
        if (!KernelFilesystems.isOnBpffs(dir)) {
            throw new BpfException(dir + " is not on a BPF filesystem: pins go under " + KernelFilesystems.BPFFS,
                    Errno.EINVAL.number());
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new BpfException("failed to create directory " + dir + ": " + e.getMessage(), e);
        }
    }

    private static void pinMaps(BpfObject obj, Path object, Path dir, List<Path> pinned) {
        pinDirectory(dir);
        String file = object.getFileName().toString();
        for (Map.Entry<String, BpfMap> e : obj.maps().entrySet()) {
            Path at = dir.resolve(LibbpfMapNames.pinName(file, e.getKey()));
            e.getValue().pin(at);
            pinned.add(at);
        }
    }

    private static void removeTree(Path dir) {
        if (dir == null || !Files.exists(dir)) return;
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) deleteQuietly(p);
        } catch (IOException e) {
            // best effort: temporary pins of maps that stay referenced elsewhere
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // best effort cleanup on an error path
        }
    }
}
