package dev.ebpf4j.cli.link;

import dev.ebpf4j.cli.HelpSpec;
import dev.ebpf4j.cli.PinnedObjects;
import dev.ebpf4j.cli.UsageException;
import dev.ebpf4j.cli.Words;
import dev.ebpf4j.link.LinkHandle;

import java.nio.file.Path;

/**
 * A link named on the command line in bpftool's grammar: {@code id N} or {@code pinned PATH}.
 *
 * <pre>{@code
 * try (LinkHandle link = LinkRef.parse(words).open()) { ... }
 * }</pre>
 */
public record LinkRef(boolean byId, String text) {
    /** Consumes a LINK from {@code words}. */
    public static LinkRef parse(Words words) {
        if (words.atEnd()) throw new UsageException("missing LINK: " + HelpSpec.LINK);
        if (words.take("id")) {
            String id = words.next("link id");
            if (Words.parseNumber(id) < 0) throw new UsageException("can't parse " + id + " as ID");
            return new LinkRef(true, id);
        }
        if (words.take("pinned")) return new LinkRef(false, words.next("pinned path"));
        throw new UsageException("expected 'id' or 'pinned', got: '" + words.peek() + "'?");
    }

    /** Opens the link. */
    public LinkHandle open() {
        if (byId) return LinkHandle.fromId((int) Words.parseNumber(text));
        Path path = Path.of(text);
        PinnedObjects.requireKind(path, "link");
        return LinkHandle.fromPinned(path);
    }
}
