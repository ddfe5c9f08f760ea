package dev.ebpf4j.cli.veristat;

import dev.ebpf4j.BpfException;
import dev.ebpf4j.BpfObject;
import dev.ebpf4j.MapSpec;
import dev.ebpf4j.MapType;
import dev.ebpf4j.ObjectSpec;
import dev.ebpf4j.PermissionException;
import dev.ebpf4j.Program;
import dev.ebpf4j.ProgramSpec;
import dev.ebpf4j.VerifierException;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Verifies every program of BPF objects one at a time, as the kernel's veristat does: for each program, the object
 * is loaded with only that program autoloaded (the maps are still created), with the verifier's statistics log, and
 * the verdict and statistics are recorded. As veristat, it first drops map pinning (nothing is pinned or reused)
 * and gives maps declared with {@code max_entries} 0 one entry (except local storage, which must have 0).
 *
 * <p>Nothing aborts the run: an object that does not parse is one failed row with the parser's message, a program
 * that cannot load on this kernel (fentry without trampolines, a section name nobody knows) is a failed row with the
 * reason. Only a missing privilege ({@link PermissionException}) stops it, as no program could load.
 *
 * <pre>{@code
 * Veristat.Result r = Veristat.run(List.of(Path.of("a.bpf.o")), false);
 * for (VeristatRow row : r.rows()) System.out.println(row.program() + " " + row.verdict());
 * }</pre>
 */
public final class Veristat {
    private static final Set<MapType> STORAGE = EnumSet.of(MapType.SK_STORAGE, MapType.TASK_STORAGE,
            MapType.INODE_STORAGE, MapType.CGROUP_STORAGE);
    private static final Program.LoadOptions STATS = Program.LoadOptions.STATS;
    /** The instruction trace and statistics (veristat's {@code -v} level), for logs of failures. */
    private static final Program.LoadOptions TRACE = new Program.LoadOptions(1 | 4);

    private Veristat() {
    }

    /**
     * The rows sorted as veristat sorts them (file, then program), and what was processed.
     *
     * @param filesProcessed objects that parsed
     * @param filesSkipped   objects that did not (each still has a failed row)
     */
    public record Result(List<VeristatRow> rows, int filesProcessed, int filesSkipped) {
    }

    /** Verifies every program of every object; {@code logs} keeps the full verifier log of failures. */
    public static Result run(List<Path> objects, boolean logs) {
        List<VeristatRow> rows = new ArrayList<>();
        int processed = 0;
        int skipped = 0;
        for (Path object : objects) {
            String file = object.getFileName() == null ? object.toString() : object.getFileName().toString();
            ObjectSpec spec;
            try {
                spec = prepare(ObjectSpec.read(object));
            } catch (RuntimeException e) {
                rows.add(VeristatRow.failure(file, null, describe(e)));
                skipped++;
                continue;
            }
            processed++;
            for (ProgramSpec p : spec.programs()) rows.add(verify(file, spec, p.name(), logs));
        }
        rows.sort(Comparator.comparing(VeristatRow::file)
                .thenComparing(r -> r.program() == null ? "" : r.program()));
        return new Result(List.copyOf(rows), processed, skipped);
    }

    /** veristat's fix-ups: no pinning, no zero-sized maps except local storage. */
    static ObjectSpec prepare(ObjectSpec spec) {
        ObjectSpec out = spec;
        for (MapSpec m : spec.maps()) {
            MapSpec fixed = m;
            if (fixed.pinning().isPinned()) fixed = fixed.withPinning(MapSpec.Pinning.NONE);
            if (fixed.maxEntries() == 0 && !STORAGE.contains(fixed.type())) fixed = fixed.withMaxEntries(1);
            if (fixed != m) out = out.withMap(fixed);
        }
        return out;
    }

    /** Loads program {@code name} of {@code spec} on its own and records the outcome. */
    static VeristatRow verify(String file, ObjectSpec spec, String name, boolean logs) {
        ObjectSpec only = spec.withAutoloadOnly(name);
        try (BpfObject obj = BpfObject.load(only, BpfObject.LoadOptions.DEFAULT.withVerifierLog(STATS))) {
            VerifierLogStats s = VerifierLogStats.parse(obj.program(name).verifierLog());
            return row(file, name, true, s, obj.loadDuration(name), null, null);
        } catch (PermissionException e) {
            throw e;
        } catch (VerifierException e) {
            String log = logs ? fullLog(only, e) : null;
            return row(file, name, false, VerifierLogStats.parse(e.log()), null, describe(e), log);
        } catch (RuntimeException e) {
            return VeristatRow.failure(file, name, describe(e));
        }
    }

    /** The instruction trace of a rejected program (loaded again at veristat -v's log level). */
    private static String fullLog(ObjectSpec only, VerifierException rejected) {
        try (BpfObject obj = BpfObject.load(only, BpfObject.LoadOptions.DEFAULT.withVerifierLog(TRACE))) {
            return rejected.log();   // it loaded this time: keep what the first load said
        } catch (VerifierException e) {
            return e.log();
        } catch (RuntimeException e) {
            return rejected.log();
        }
    }

    private static VeristatRow row(String file, String name, boolean success, VerifierLogStats s, Duration load,
                                   String error, String log) {
        long micros = s.stats().verificationTimeMicros();
        if (micros < 0) micros = load == null ? 0 : load.toNanos() / 1000;
        return new VeristatRow(file, name, success, micros, orZero(s.stats().processedInstructions()),
                orZero(s.stats().totalStates()), orZero(s.stats().peakStates()), orZero(s.maxStatesPerInsn()),
                orZero(s.markRead()), error, log);
    }

    private static long orZero(long v) {
        return Math.max(0, v);
    }

    /** The first line of an error's message (the verifier's reason; the rest is the log tail). */
    static String describe(RuntimeException e) {
        String m = e instanceof BpfException ? e.getMessage() : "internal error: " + e;
        if (m == null) return e.getClass().getSimpleName();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
