package dev.ebpf4j.cli.prog;

import picocli.CommandLine.Command;

/**
 * {@code prog load OBJ PATH [type TYPE] [map {idx IDX | name NAME} MAP] [pinmaps MAP_DIR] [autoattach]}: loads the
 * object and pins its first program at PATH (see {@link ObjectLoadCommand}).
 *
 * <pre>{@code
 * ebpf4j prog load xdp.bpf.o /sys/fs/bpf/xdp
 * }</pre>
 */
@Command(name = "load", description = "Load an object and pin its first program.")
public final class ProgLoadCommand extends ObjectLoadCommand {
    @Override
    protected boolean firstOnly() {
        return true;
    }
}
