package dev.ebpf4j.cli.link;

import dev.ebpf4j.cli.CliCommand;
import dev.ebpf4j.cli.Session;
import dev.ebpf4j.cli.Words;
import dev.ebpf4j.link.LinkHandle;
import picocli.CommandLine.Command;

import java.nio.file.Path;

/**
 * {@code link pin LINK FILE}: pins a link at FILE on bpffs, keeping it attached after its creator exits.
 *
 * <pre>{@code
 * ebpf4j link pin id 7 /sys/fs/bpf/my_link
 * }</pre>
 */
@Command(name = "pin", description = "Pin a link.")
public final class LinkPinCommand extends CliCommand {
    @Override
    protected int run(Session session, Words words) {
        LinkRef ref = LinkRef.parse(words);
        String file = words.next("FILE (the pin path)");
        words.end();
        try (LinkHandle link = ref.open()) {
            link.pin(Path.of(file));
        }
        session.done();
        return 0;
    }
}
