package dev.ebpf4j.cli.link;

import dev.ebpf4j.cli.CliCommand;
import dev.ebpf4j.cli.Session;
import dev.ebpf4j.cli.Words;
import dev.ebpf4j.link.LinkHandle;
import picocli.CommandLine.Command;

/**
 * {@code link detach LINK}: detaches the link's program from its hook now (the link object remains, defunct, while
 * pins or descriptors hold it).
 *
 * <pre>{@code
 * ebpf4j link detach id 7
 * }</pre>
 */
@Command(name = "detach", description = "Detach a link.")
public final class LinkDetachCommand extends CliCommand {
    @Override
    protected int run(Session session, Words words) {
        LinkRef ref = LinkRef.parse(words);
        words.end();
        LinkHandle link = ref.open();
        try {
            link.detach();
        } finally {
            link.close();
        }
        session.done();
        return 0;
    }
}
