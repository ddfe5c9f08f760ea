package dev.ebpf4j.cli.map;

import dev.ebpf4j.BpfMap;
import dev.ebpf4j.cli.CliCommand;
import dev.ebpf4j.cli.Session;
import dev.ebpf4j.cli.Words;
import picocli.CommandLine.Command;

import java.nio.file.Path;

/**
 * {@code map pin MAP FILE}: pins a map at FILE on bpffs.
 *
 * <pre>{@code
 * ebpf4j map pin id 12 /sys/fs/bpf/counts
 * }</pre>
 */
@Command(name = "pin", description = "Pin a map.")
public final class MapPinCommand extends CliCommand {
    @Override
    protected int run(Session session, Words words) {
        MapRef ref = MapRef.parse(words);
        String file = words.next("FILE (the pin path)");
        words.end();
        try (BpfMap map = ref.openOne()) {
            map.pin(Path.of(file));
        }
        session.done();
        return 0;
    }
}
