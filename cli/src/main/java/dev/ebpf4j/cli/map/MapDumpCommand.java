package dev.ebpf4j.cli.map;

import dev.ebpf4j.BpfArgumentException;
import dev.ebpf4j.BpfException;
import dev.ebpf4j.BpfMap;
import dev.ebpf4j.MapInfo;
import dev.ebpf4j.cli.CliCommand;
import dev.ebpf4j.cli.Session;
import dev.ebpf4j.cli.Words;
import dev.ebpf4j.cli.output.JsonWriter;
import picocli.CommandLine.Command;

import java.util.List;
import java.util.Optional;

/**
 * {@code map dump MAP}: every element (key order as the kernel iterates), then {@code Found N elements}; JSON is an
 * array of entries. Several maps (a shared name) are dumped one after another with their headers, as bpftool does.
 *
 * <pre>{@code
 * ebpf4j map dump pinned /sys/fs/bpf/m
 * ebpf4j -j map dump id 12
 * }</pre>
 */
@Command(name = "dump", description = "Dump all elements.")
public final class MapDumpCommand extends CliCommand {
    @Override
    protected int run(Session session, Words words) {
        MapRef ref = MapRef.parse(words);
        words.end();
        List<BpfMap> maps = ref.openAll();
        try {
            boolean several = maps.size() > 1;
            boolean allHaveBtf = maps.stream().allMatch(m -> m.info().btfId() != 0);
            EntryOutput out = EntryOutput.forDump(session, allHaveBtf);
            JsonWriter w = out.writer();
            if (w != null && several) w.startArray();
            for (int i = 0; i < maps.size(); i++) {
                dump(out, maps.get(i), several);
                if (w == null && i != maps.size() - 1) session.out().print('\n');
            }
            if (w != null && several) w.endArray();
            out.finish();
        } finally {
            maps.forEach(BpfMap::close);
        }
        return 0;
    }

    private static void dump(EntryOutput out, BpfMap map, boolean withHeader) {
        Session session = out.session();
        MapInfo info = map.info();
        if (info.keySize() == 0) {
            throw new BpfArgumentException(MapPrinter.describe(map) + " has no keys to dump; read it with peek or pop");
        }
        MapFormat format = out.writer() == null ? null : MapFormat.of(info);
        JsonWriter w = out.writer();
        if (w != null) {
            if (withHeader) {
                w.startObject();
                MapPrinter.headerJson(w, info);
                w.name("elements");
            }
            w.startArray();
        } else if (withHeader) {
            StringBuilder sb = new StringBuilder();
            MapPrinter.header(sb, info);
            session.out().print(sb);
        }
        long count = 0;
        long guard = 4L * Math.max(1, Integer.toUnsignedLong(info.maxEntries())) + 1024;
        byte[] key = map.nextKey((byte[]) null);
        while (key != null) {
            if (--guard < 0) {
                throw new BpfException(MapPrinter.describe(map) + " changed too much while being dumped to finish; "
                        + "try again when it is quieter");
            }
            Optional<byte[]> value;
            int errno = 0;
            try {
                value = map.lookup(key);
            } catch (BpfException e) {
                value = Optional.empty();
                errno = e.errnoValue();
            }
            if (value.isPresent()) {
                out.entry(info, format, key, value.get());
                count++;
            } else {
                MapPrinter.entryError(session, info, key, errno == 0 ? 2 : errno);
            }
            key = map.nextKey(key);
        }
        if (w != null) {
            w.endArray();
            if (withHeader) w.endObject();
        } else {
            session.out().print("Found " + count + " element" + (count != 1 ? "s" : "") + "\n");
        }
    }
}
