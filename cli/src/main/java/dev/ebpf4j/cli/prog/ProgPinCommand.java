package dev.ebpf4j.cli.prog;

import dev.ebpf4j.Program;
import dev.ebpf4j.cli.CliCommand;
import dev.ebpf4j.cli.Session;
import dev.ebpf4j.cli.Words;
import picocli.CommandLine.Command;

import java.nio.file.Path;

/**
 * {@code prog pin PROG FILE}: pins a program at FILE on bpffs.
 *
 * <pre>{@code
 * ebpf4j prog pin id 12 /sys/fs/bpf/my_prog
 * }</pre>
 */
@Command(name = "pin", description = "Pin a program.")
public final class ProgPinCommand extends CliCommand {
    @Override
    protected int run(Session session, Words words) {
        ProgRef ref = ProgRef.parse(words);
        String file = words.next("FILE (the pin path)");
        words.end();
        try (Program prog = ref.openOne()) {
            prog.pin(Path.of(file));
        }
        session.done();
        return 0;
    }
}
