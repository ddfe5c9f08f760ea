package dev.ebpf4j.cli.map;

import dev.ebpf4j.BpfArgumentException;
import dev.ebpf4j.BpfMap;
import dev.ebpf4j.MapInfo;
import dev.ebpf4j.MapType;
import dev.ebpf4j.Program;
import dev.ebpf4j.UpdateMode;
import dev.ebpf4j.cli.CliCommand;
import dev.ebpf4j.cli.Session;
import dev.ebpf4j.cli.UsageException;
import dev.ebpf4j.cli.Words;
import dev.ebpf4j.cli.prog.ProgRef;
import dev.ebpf4j.internal.sys.Cpus;
import picocli.CommandLine.Command;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * {@code map update MAP [key DATA] [value VALUE] [UPDATE_FLAGS]} (also {@code push}/{@code enqueue} for queues and
 * stacks): writes one element. VALUE is DATA, or for maps of maps a MAP, for program arrays a PROG. A per-CPU map
 * gets the same value on every CPU, as with bpftool.
 *
 * <pre>{@code
 * ebpf4j map update pinned /sys/fs/bpf/m key 1 0 0 0 value hex 2a 00 00 00 00 00 00 00 noexist
 * }</pre>
 */
@Command(name = "update", description = "Create or update an element.")
public final class MapUpdateCommand extends CliCommand {
    @Override
    protected int run(Session session, Words words) {
        return update(session, words);
    }

    /** The update grammar shared with push and enqueue. */
    static int update(Session session, Words words) {
        MapRef ref = MapRef.parse(words);
        try (BpfMap map = ref.openOne()) {
            MapInfo info = map.info();
            byte[] key = null;
            byte[] value = null;
            UpdateMode mode = null;
            List<Runnable> closers = new ArrayList<>();
            try {
                while (!words.atEnd()) {
                    if (words.take("key")) {
                        if (key != null) throw new UsageException("duplicate key");
                        if (info.keySize() == 0) {
                            throw new UsageException("unnecessary key: " + info.typeName() + " maps have no keys");
                        }
                        key = DataArgs.bytes(words, "key");
                    } else if (words.take("value")) {
                        if (value != null) throw new UsageException("duplicate value");
                        value = value(session, words, info, closers);
                    } else if (updateMode(words.peek()) != null) {
                        if (mode != null) throw new UsageException("flags specified multiple times: " + words.peek());
                        mode = updateMode(words.next("update flag"));
                    } else {
                        throw new UsageException("expected key or value, got: " + words.peek());
                    }
                }
                if (key == null && info.keySize() != 0) throw new UsageException("did not find key");
                if (value == null) throw new UsageException("did not find value");
                write(map, info, key, value, mode == null ? UpdateMode.ANY : mode);
            } finally {
                closers.forEach(Runnable::run);
            }
        }
        session.done();
        return 0;
    }

    /** UPDATE_FLAGS := { any | exist | noexist } (prefixes accepted, as in bpftool); null for another word. */
    private static UpdateMode updateMode(String word) {
        if (Words.isPrefix(word, "any")) return UpdateMode.ANY;
        if (Words.isPrefix(word, "noexist")) return UpdateMode.NO_EXIST;
        if (Words.isPrefix(word, "exist")) return UpdateMode.EXIST;
        return null;
    }

    /** VALUE := DATA, or a MAP for maps of maps, or a PROG for program arrays (opened; closed by {@code closers}). */
    private static byte[] value(Session session, Words words, MapInfo info, List<Runnable> closers) {
        MapType type = info.type();
        if (type.isMapInMap() || type == MapType.PROG_ARRAY) {
            String noun = type.isMapInMap() ? "map in map" : "map of progs";
            if (info.valueSize() != 4) throw new UsageException("value smaller than 4B for " + noun + "?");
            int fd;
            if (type.isMapInMap()) {
                BpfMap inner = MapRef.parse(words).openOne();
                closers.add(inner::close);
                fd = inner.fd();
            } else {
                if (words.is("id")) {
                    session.info("Warning: updating program array via MAP_ID, make sure this map is kept open\n"
                            + "         by some process or pinned otherwise update will be lost");
                }
                Program prog = ProgRef.parse(words).openOne();
                closers.add(prog::close);
                fd = prog.fd();
            }
            return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(fd).array();
        }
        return DataArgs.bytes(words, "value");
    }

    private static void write(BpfMap map, MapInfo info, byte[] key, byte[] value, UpdateMode mode) {
        byte[] buffer = value;
        if (map.type().isPerCpu()) {
            if (value.length != info.valueSize()) {
                throw new BpfArgumentException(MapPrinter.describe(map) + ": value is " + value.length + " bytes, the map's values are "
                        + info.valueSize() + " bytes (give one value; it is written for every CPU)");
            }
            buffer = map.joinPerCpu(Collections.nCopies(Cpus.possibleCount(), value));
        }
        if (info.keySize() == 0) {
            map.push(MemorySegment.ofArray(checked(map, buffer)), mode);
        } else {
            map.update(key, buffer, mode);
        }
    }

    private static byte[] checked(BpfMap map, byte[] value) {
        if (value.length != map.valueBufferSize()) {
            throw new BpfArgumentException(MapPrinter.describe(map) + ": value is " + value.length
                    + " bytes, the map's values are " + map.valueBufferSize() + " bytes");
        }
        return value;
    }
}
