package dev.ebpf4j.cli.prog;

import picocli.CommandLine.Command;

/**
 * {@code prog loadall OBJ DIR [type TYPE] [map {idx IDX | name NAME} MAP] [pinmaps MAP_DIR] [autoattach]}: loads the
 * object and pins each loaded program at DIR/NAME (see {@link ObjectLoadCommand}).
 *
 * <pre>{@code
 * ebpf4j prog loadall tracing.bpf.o /sys/fs/bpf/tracing autoattach
 * }</pre>
 */
@Command(name = "loadall", description = "Load an object and pin all its programs.")
public final class ProgLoadAllCommand extends ObjectLoadCommand {
    @Override
    protected boolean firstOnly() {
        return false;
    }
}
