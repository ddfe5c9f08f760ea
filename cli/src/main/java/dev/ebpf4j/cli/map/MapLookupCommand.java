package dev.ebpf4j.cli.map;

import dev.ebpf4j.BpfMap;
import dev.ebpf4j.MapInfo;
import dev.ebpf4j.cli.CliCommand;
import dev.ebpf4j.cli.Main;
import dev.ebpf4j.cli.Session;
import dev.ebpf4j.cli.UsageException;
import dev.ebpf4j.cli.Words;
import dev.ebpf4j.cli.output.Hex;
import picocli.CommandLine.Command;

import java.util.Optional;

/**
 * {@code map lookup MAP [key DATA]} (and {@code peek MAP} for queues and stacks): prints the element, or bpftool's
 * {@code Not found} (JSON {@code null}) with exit status 254 when there is none.
 *
 * <pre>{@code
 * ebpf4j map lookup pinned /sys/fs/bpf/m key 1 0 0 0     # key: 01 00 00 00  value: 02 00 00 00 00 00 00 00
 * }</pre>
 */
@Command(name = "lookup", description = "Look up an element.")
public final class MapLookupCommand extends CliCommand {
    @Override
    protected int run(Session session, Words words) {
        return lookup(session, words);
    }

    /** The lookup grammar shared with peek. */
    static int lookup(Session session, Words words) {
        MapRef ref = MapRef.parse(words);
        try (BpfMap map = ref.openOne()) {
            MapInfo info = map.info();
            byte[] key = new byte[0];
            if (info.keySize() != 0) {
                if (!words.take("key")) {
                    throw new UsageException(words.atEnd() ? "did not find key" : "expected key, got: " + words.peek());
                }
                key = DataArgs.bytes(words, "key");
            } else if (words.is("key")) {
                throw new UsageException("unnecessary key: " + info.typeName() + " maps have no keys");
            }
            words.end();
            Optional<byte[]> value = info.keySize() == 0 ? map.peek() : map.lookup(key);
            if (value.isEmpty()) {
                if (session.json()) session.jsonWriter().nullValue();
                else session.out().print("key:\n" + Hex.bytes(key, " ") + "\n\nNot found\n");
                return Main.EXIT_FAILURE;
            }
            MapPrinter.entry(session, info, key, value.get());
        }
        return 0;
    }
}
