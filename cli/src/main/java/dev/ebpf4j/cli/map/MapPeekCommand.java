package dev.ebpf4j.cli.map;

import dev.ebpf4j.cli.CliCommand;
import dev.ebpf4j.cli.Session;
import dev.ebpf4j.cli.Words;
import picocli.CommandLine.Command;

/**
 * {@code map peek MAP}: the head of a queue or top of a stack, left in place.
 *
 * <pre>{@code
 * ebpf4j map peek pinned /sys/fs/bpf/q      # value: 01 00 00 00
 * }</pre>
 */
@Command(name = "peek", description = "Read the head of a queue or top of a stack.")
public final class MapPeekCommand extends CliCommand {
    @Override
    protected int run(Session session, Words words) {
        return MapLookupCommand.lookup(session, words);
    }
}
