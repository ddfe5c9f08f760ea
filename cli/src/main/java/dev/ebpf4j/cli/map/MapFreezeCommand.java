package dev.ebpf4j.cli.map;

import dev.ebpf4j.BpfMap;
import dev.ebpf4j.cli.CliCommand;
import dev.ebpf4j.cli.Session;
import dev.ebpf4j.cli.Words;
import picocli.CommandLine.Command;

/**
 * {@code map freeze MAP}: makes the map read-only for user space from now on.
 *
 * <pre>{@code
 * ebpf4j map freeze pinned /sys/fs/bpf/config
 * }</pre>
 */
@Command(name = "freeze", description = "Freeze a map (read-only from user space).")
public final class MapFreezeCommand extends CliCommand {
    @Override
    protected int run(Session session, Words words) {
        MapRef ref = MapRef.parse(words);
        words.end();
        try (BpfMap map = ref.openOne()) {
            map.freeze();
        }
        session.done();
        return 0;
    }
}
