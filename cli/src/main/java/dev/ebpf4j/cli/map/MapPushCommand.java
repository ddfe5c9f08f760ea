package dev.ebpf4j.cli.map;

import dev.ebpf4j.cli.CliCommand;
import dev.ebpf4j.cli.Session;
import dev.ebpf4j.cli.Words;
import picocli.CommandLine.Command;

/**
 * {@code map push|enqueue MAP value VALUE}: adds a value to a queue or stack (the update grammar).
 *
 * <pre>{@code
 * ebpf4j map push pinned /sys/fs/bpf/q value 1 0 0 0
 * }</pre>
 */
@Command(name = "push", aliases = "enqueue", description = "Push a value onto a queue or stack.")
public final class MapPushCommand extends CliCommand {
    @Override
    protected int run(Session session, Words words) {
        return MapUpdateCommand.update(session, words);
    }
}
