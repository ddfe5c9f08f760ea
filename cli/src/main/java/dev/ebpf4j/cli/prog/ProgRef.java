package dev.ebpf4j.cli.prog;

import dev.ebpf4j.BpfException;
import dev.ebpf4j.Errno;
import dev.ebpf4j.Program;
import dev.ebpf4j.ProgramInfo;
import dev.ebpf4j.cli.HelpSpec;
import dev.ebpf4j.cli.PinnedObjects;
import dev.ebpf4j.cli.UsageException;
import dev.ebpf4j.cli.Words;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * A program named on the command line in bpftool's grammar: {@code id N}, {@code pinned PATH}, {@code tag TAG} or
 * {@code name NAME} (tag and name may match several programs).
 *
 * <pre>{@code
 * try (Program p = ProgRef.parse(words).openOne()) { ... }
 * }</pre>
 */
public record ProgRef(Kind kind, String text) {
    /** How the program is named. */
    public enum Kind { ID, PINNED, TAG, NAME }

    private static final int KERNEL_NAME_MAX = 15;

    /** Consumes a PROG from {@code words}. */
    public static ProgRef parse(Words words) {
        if (words.atEnd()) throw new UsageException("missing PROG: " + HelpSpec.PROGRAM);
        if (words.take("id")) {
            String id = words.next("program id");
            if (Words.parseNumber(id) < 0) throw new UsageException("can't parse " + id + " as ID");
            return new ProgRef(Kind.ID, id);
        }
        if (words.take("pinned")) return new ProgRef(Kind.PINNED, words.next("pinned path"));
        if (words.take("tag")) {
            String tag = words.next("program tag").toLowerCase(Locale.ROOT);
            if (tag.length() != 16 || !tag.chars().allMatch(HexFormat::isHexDigit)) {
                throw new UsageException("can't parse tag '" + tag + "': a tag is 16 hex digits");
            }
            return new ProgRef(Kind.TAG, tag);
        }
        if (words.take("name")) {
            String name = words.next("program name");
            if (name.length() > 127) throw new UsageException("can't parse name");
            return new ProgRef(Kind.NAME, name);
        }
        throw new UsageException("expected 'id', 'tag', 'name' or 'pinned', got: '" + words.peek() + "'?");
    }

    /** Opens the one program this names; several matching programs are an error. */
    public Program openOne() {
        List<Program> progs = openAll();
        if (progs.size() == 1) return progs.get(0);
        List<Integer> ids = new ArrayList<>();
        for (Program p : progs) {
            ids.add(p.id());
            p.close();
        }
        throw new BpfException("several programs match this handle (" + this + ": ids " + ids
                + "); name one with 'id N'", Errno.EINVAL.number());
    }

    /** Opens every program this names; none is an error. */
    public List<Program> openAll() {
        return switch (kind) {
            case ID -> List.of(Program.fromId((int) Words.parseNumber(text)));
            case PINNED -> {
                Path path = Path.of(text);
                PinnedObjects.requireKind(path, "prog");
                yield List.of(Program.fromPinned(path));
            }
            case TAG -> matching(p -> p.info().tag().equals(text));
            case NAME -> matching(p -> nameMatches(p));
        };
    }

    /**
     * The kernel keeps 15 bytes of a name; as bpftool, longer names are recovered from the program's BTF. Without
     * BTF, a longer name matches programs whose kernel name is its first 15 bytes.
     */
    private boolean nameMatches(Program p) {
        String kernelName = p.name();
        if (kernelName.equals(text)) return true;
        if (text.length() <= KERNEL_NAME_MAX || !kernelName.equals(text.substring(0, KERNEL_NAME_MAX))) return false;
        ProgramInfo info = p.info();
        return info.btfId() == 0 || ProgPrinter.displayName(p, info).equals(text);
    }

    private List<Program> matching(Predicate<Program> test) {
        List<Program> found = new ArrayList<>();
        try {
            for (int id : Program.ids()) {
                Program p;
                try {
                    p = Program.fromId(id);
                } catch (BpfException e) {
                    if (e.errno() == Errno.ENOENT) continue;
                    throw e;
                }
                if (test.test(p)) found.add(p);
                else p.close();
            }
        } catch (RuntimeException e) {
            found.forEach(Program::close);
            throw e;
        }
        if (found.isEmpty()) {
            throw new BpfException("no program has " + this, Errno.ENOENT.number());
        }
        return found;
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase(Locale.ROOT) + " '" + text + "'";
    }
}
