package dev.ebpf4j.cli.map;

import dev.ebpf4j.BpfMap;
import dev.ebpf4j.MapInfo;
import dev.ebpf4j.cli.CliCommand;
import dev.ebpf4j.cli.Main;
import dev.ebpf4j.cli.Session;
import dev.ebpf4j.cli.Words;
import picocli.CommandLine.Command;

import java.util.Optional;

/**
 * {@code map pop|dequeue MAP}: removes and prints the head of a queue or top of a stack; an empty one prints
 * bpftool's {@code Error: empty map} (on stdout, as bpftool does; JSON {@code null}) with exit status 254.
 *
 * <pre>{@code
 * ebpf4j map pop pinned /sys/fs/bpf/q       # value: 01 00 00 00
 * }</pre>
 */
@Command(name = "pop", aliases = "dequeue", description = "Pop a value from a queue or stack.")
public final class MapPopCommand extends CliCommand {
    @Override
    protected int run(Session session, Words words) {
        MapRef ref = MapRef.parse(words);
        words.end();
        try (BpfMap map = ref.openOne()) {
            MapInfo info = map.info();
            Optional<byte[]> value = map.pop();
            if (value.isEmpty()) {
                if (session.json()) session.jsonWriter().nullValue();
                else session.out().print("Error: empty map\n");
                return Main.EXIT_FAILURE;
            }
            MapPrinter.entry(session, info, new byte[0], value.get());
        }
        return 0;
    }
}
