package dev.ebpf4j.cli.map;

import dev.ebpf4j.BpfException;
import dev.ebpf4j.BpfMap;
import dev.ebpf4j.Errno;
import dev.ebpf4j.cli.CliCommand;
import dev.ebpf4j.cli.Session;
import dev.ebpf4j.cli.UsageException;
import dev.ebpf4j.cli.Words;
import dev.ebpf4j.cli.output.Hex;
import picocli.CommandLine.Command;

/**
 * {@code map delete MAP key DATA}: removes an element; a missing key is an error (exit status 254).
 *
 * <pre>{@code
 * ebpf4j map delete pinned /sys/fs/bpf/m key 1 0 0 0
 * }</pre>
 */
@Command(name = "delete", description = "Delete an element.")
public final class MapDeleteCommand extends CliCommand {
    @Override
    protected int run(Session session, Words words) {
        MapRef ref = MapRef.parse(words);
        try (BpfMap map = ref.openOne()) {
            if (!words.take("key")) {
                throw new UsageException(words.atEnd() ? "did not find key" : "expected key, got: " + words.peek());
            }
            byte[] key = DataArgs.bytes(words, "key");
            words.end();
            if (!map.delete(key)) {
                throw new BpfException("delete failed: " + MapPrinter.describe(map) + " has no key "
                        + Hex.bytes(key, " "), Errno.ENOENT.number());
            }
        }
        session.done();
        return 0;
    }
}
