package dev.ebpf4j.cli.map;

import dev.ebpf4j.BpfException;
import dev.ebpf4j.BpfMap;
import dev.ebpf4j.Errno;
import dev.ebpf4j.MapInfo;
import dev.ebpf4j.cli.CliCommand;
import dev.ebpf4j.cli.Session;
import dev.ebpf4j.cli.UsageException;
import dev.ebpf4j.cli.Words;
import dev.ebpf4j.cli.output.Hex;
import dev.ebpf4j.cli.output.JsonWriter;
import picocli.CommandLine.Command;

/**
 * {@code map getnext MAP [key DATA]}: the key after DATA, or the first key without one.
 *
 * <pre>{@code
 * ebpf4j map getnext pinned /sys/fs/bpf/m            # key: None / next key: / 01 00 00 00
 * }</pre>
 */
@Command(name = "getnext", description = "Get the next key.")
public final class MapGetNextCommand extends CliCommand {
    @Override
    protected int run(Session session, Words words) {
        MapRef ref = MapRef.parse(words);
        try (BpfMap map = ref.openOne()) {
            MapInfo info = map.info();
            byte[] key = null;
            if (!words.atEnd()) {
                if (!words.take("key")) throw new UsageException("expected key, got: " + words.peek());
                key = DataArgs.bytes(words, "key");
            }
            words.end();
            if (info.keySize() == 0) {
                throw new BpfException(MapPrinter.describe(map) + " has no keys; use peek or pop",
                        Errno.EINVAL.number());
            }
            byte[] next = map.nextKey(key);
            if (next == null) {
                throw new BpfException("can't get next key of " + MapPrinter.describe(map) + ": "
                        + (key == null ? "the map is empty" : "the key is the last one, or absent from a map that "
                        + "has no order") + " (ENOENT)", Errno.ENOENT.number());
            }
            if (session.json()) {
                JsonWriter w = session.jsonWriter().startObject();
                if (key != null) w.name("key").hexBytes(key, 0, key.length);
                else w.nullField("key");
                w.name("next_key").hexBytes(next, 0, next.length).endObject();
            } else {
                StringBuilder sb = new StringBuilder();
                if (key != null) sb.append("key:\n").append(Hex.bytes(key, " ")).append('\n');
                else sb.append("key: None\n");
                sb.append("next key:\n").append(Hex.bytes(next, " ")).append('\n');
                session.out().print(sb);
            }
        }
        return 0;
    }
}
