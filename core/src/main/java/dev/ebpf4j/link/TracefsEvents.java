package dev.ebpf4j.link;

import dev.ebpf4j.BpfArgumentException;
import dev.ebpf4j.BpfException;
import dev.ebpf4j.NotSupportedException;
import dev.ebpf4j.internal.fs.KernelFilesystems;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The tracepoints tracefs lists under {@code events/<category>/<name>/}: their ids (what
 * {@code perf_event_open(PERF_TYPE_TRACEPOINT)} takes) and, for unknown names, the near misses in the category.
 *
 * <pre>{@code
 * long id = TracefsEvents.tracepointId("syscalls", "sys_enter_openat");
 * }</pre>
 */
final class TracefsEvents {
    /** Category and event names as tracefs has them; rejects path separators and "..". */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.\\-]*");

    private TracefsEvents() {
    }

    /** The {@code events} directory of tracefs (mounting tracefs first when needed). */
    static Path eventsDir() {
        return KernelFilesystems.tracefs().resolve("events");
    }

    /** Throws {@link BpfArgumentException} unless {@code value} is a plain tracefs name. */
    static String requireEventName(String value, String what, String linkKind) {
        ProgramChecks.requireName(value, what, linkKind);
        if (!NAME.matcher(value).matches() || value.contains("..")) {
            throw new BpfArgumentException(linkKind + ": " + what + " '" + value + "' is not a tracefs event name "
                    + "(letters, digits, '_', '-', '.'; no '/')");
        }
        return value;
    }

    /**
     * The id of tracepoint {@code category/name}; an unknown one raises {@link NotSupportedException} naming it and
     * the similar names that do exist.
     */
    static long tracepointId(String category, String name) {
        Path events = eventsDir();
        return readId(events.resolve(category).resolve(name).resolve("id"), () -> unknown(events, category, name));
    }

    /** Reads an {@code id} file; {@code missing} supplies the error when it does not exist. */
    static long readId(Path idFile, java.util.function.Supplier<BpfException> missing) {
        try {
            return Long.parseLong(Files.readString(idFile).trim());
        } catch (NoSuchFileException e) {
            throw missing.get();
        } catch (IOException | NumberFormatException e) {
            throw new BpfException("cannot read the trace event id " + idFile + ": " + e.getMessage());
        }
    }

    private static NotSupportedException unknown(Path events, String category, String name) {
        String tp = category + "/" + name;
        if (!Files.isDirectory(events.resolve(category))) {
            return new NotSupportedException("tracepoint " + tp, "",
                    "this kernel has no tracepoint category '" + category + "' (no " + events.resolve(category) + ")"
                            + NearMisses.hint(category, list(events)) + "; see " + events.getParent()
                            .resolve("available_events") + " for all tracepoints");
        }
        List<String> inCategory = list(events.resolve(category));
        String hint = NearMisses.hint(name, inCategory);
        if (hint.isEmpty() && !inCategory.isEmpty()) {
            hint = "; the category has " + inCategory.size() + " tracepoints, e.g. "
                    + String.join(", ", inCategory.subList(0, Math.min(5, inCategory.size())));
        }
        return new NotSupportedException("tracepoint " + tp, "",
                "this kernel has no tracepoint '" + name + "' in category '" + category + "'" + hint);
    }

    /** Every tracepoint name (without category) tracefs lists; empty when tracefs cannot be read. */
    static List<String> allNames() {
        List<String> all = new ArrayList<>();
        try {
            Path events = eventsDir();
            for (String cat : list(events)) all.addAll(list(events.resolve(cat)));
        } catch (BpfException e) {
            // suggestions are best effort
        }
        return all;
    }

    /** Sub-directory names of {@code dir}, sorted; empty when unreadable. */
    static List<String> list(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }
}
