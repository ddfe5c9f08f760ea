package dev.ebpf4j.cli.map;

import dev.ebpf4j.BpfMap;
import dev.ebpf4j.MapInfo;
import dev.ebpf4j.MapSpec;
import dev.ebpf4j.MapType;
import dev.ebpf4j.cli.CliCommand;
import dev.ebpf4j.cli.Session;
import dev.ebpf4j.cli.UsageException;
import dev.ebpf4j.cli.Words;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code map create FILE type TYPE key KEY_SIZE value VALUE_SIZE entries MAX_ENTRIES name NAME [flags FLAGS]
 * [inner_map MAP] [dev NAME]}: creates a map and pins it at FILE, with bpftool's grammar.
 *
 * <pre>{@code
 * ebpf4j map create /sys/fs/bpf/m type hash key 4 value 8 entries 16 name m
 * ebpf4j map create /sys/fs/bpf/outer type hash_of_maps key 4 value 4 entries 8 name outer inner_map pinned /sys/fs/bpf/in
 * }</pre>
 */
@Command(name = "create", description = "Create a map and pin it.")
public final class MapCreateCommand extends CliCommand {
    @Override
    protected int run(Session session, Words words) {
        String file = words.next("FILE (where to pin the new map)");
        MapType type = null;
        String name = null;
        long keySize = -1;
        long valueSize = -1;
        long entries = -1;
        long flags = -1;
        int ifindex = 0;
        MapSpec inner = null;
        while (!words.atEnd()) {
            if (words.take("type")) {
                if (type != null) throw new UsageException("map type already specified");
                String t = words.next("map type");
                type = MapType.fromName(t).filter(x -> x.bpftoolName().equals(t)).orElseThrow(() ->
                        new UsageException("unrecognized map type: " + t + "; valid types: " + MapCommand.typeNames()));
            } else if (words.take("name")) {
                name = words.next("map name");
            } else if (words.take("key")) {
                keySize = once(keySize, words, "key size");
            } else if (words.take("value")) {
                valueSize = once(valueSize, words, "value size");
            } else if (words.take("entries")) {
                entries = once(entries, words, "max entries");
            } else if (words.take("flags")) {
                flags = once(flags, words, "flags");
            } else if (words.take("dev")) {
                if (ifindex != 0) throw new UsageException("offload device already specified");
                ifindex = ifindex(words.next("device name"));
            } else if (words.take("inner_map")) {
                if (inner != null) throw new UsageException("inner map already specified");
                inner = innerTemplate(MapRef.parse(words));
            } else {
                throw new UsageException("unknown arg " + words.peek());
            }
        }
        if (type == null) throw new UsageException("map type not specified; valid types: " + MapCommand.typeNames());
        if (name == null) throw new UsageException("map name not specified");
        MapSpec spec = MapSpec.builder(type).name(name).keySize((int) Math.max(0, keySize))
                .valueSize((int) Math.max(0, valueSize)).maxEntries((int) Math.max(0, entries))
                .flags((int) Math.max(0, flags)).ifindex(ifindex).innerMap(inner).build();
        try (BpfMap map = BpfMap.create(spec)) {
            map.pin(Path.of(file));
        }
        session.done();
        return 0;
    }

    private static long once(long current, Words words, String what) {
        if (current >= 0) throw new UsageException(what + " already specified");
        return words.number(what);
    }

    /** A template for the inner maps of a map-in-map: the shape of an existing map. */
    private static MapSpec innerTemplate(MapRef ref) {
        try (BpfMap m = ref.openOne()) {
            MapInfo i = m.info();
            return MapSpec.builder(i.type()).name(i.name()).keySize(i.keySize()).valueSize(i.valueSize())
                    .maxEntries(i.maxEntries()).flags(i.flags()).build();
        }
    }

    private static int ifindex(String device) {
        try {
            return Integer.parseInt(Files.readString(Path.of("/sys/class/net", device, "ifindex")).trim());
        } catch (IOException | NumberFormatException | java.nio.file.InvalidPathException e) {
            throw new UsageException("unrecognized netdevice '" + device + "': no such network interface");
        }
    }
}
