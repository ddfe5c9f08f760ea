package dev.ebpf4j.cli.btf;

import dev.ebpf4j.BpfException;
import dev.ebpf4j.BpfMap;
import dev.ebpf4j.Errno;
import dev.ebpf4j.Program;
import dev.ebpf4j.btf.KernelBtfObjects;
import dev.ebpf4j.cli.CliCommand;
import dev.ebpf4j.cli.Session;
import dev.ebpf4j.cli.UsageException;
import dev.ebpf4j.cli.Words;
import dev.ebpf4j.cli.output.JsonWriter;
import picocli.CommandLine.Command;

import java.util.List;
import java.util.function.IntFunction;
import java.util.function.ToIntFunction;

/**
 * {@code btf { show | list } [id BTF_ID]}: the kernel's BTF objects as bpftool lists them, with the programs and maps
 * that use each ({@code 1: name [vmlinux]  size 5515236B}, {@code 7: name <anon>  size 1480B  prog_ids 12,11
 * map_ids 4}).
 *
 * <pre>{@code
 * ebpf4j btf list
 * ebpf4j -j btf show id 7
 * }</pre>
 */
@Command(name = "show", aliases = "list", description = "Show BTF objects.")
public final class BtfShowCommand extends CliCommand {
    @Override
    protected int run(Session session, Words words) {
        Integer id = null;
        if (!words.atEnd()) {
            if (!words.take("id")) {
                throw new UsageException("expected 'id', got: '" + words.peek() + "'?");
            }
            String text = words.next("BTF id");
            long v = Words.parseNumber(text);
            if (v < 0) throw new UsageException("can't parse " + text + " as ID");
            id = (int) v;
            words.end();
        }
        return show(session, id);
    }

    /** Lists every BTF object ({@code id} null) or the one with {@code id}. */
    static int show(Session session, Integer id) {
        LibbpfHashmapOrder<Integer> progs = table(Program.ids(), Program::fromId, p -> p.info().btfId());
        LibbpfHashmapOrder<Integer> maps = table(BpfMap.ids(), BpfMap::fromId, m -> m.info().btfId());
        JsonWriter w = session.json() ? session.jsonWriter() : null;
        if (id != null) {
            print(session, w, BtfObjectSummary.read(id), progs, maps);
            return 0;
        }
        if (w != null) w.startArray();
        for (int btfId : KernelBtfObjects.ids()) {
            BtfObjectSummary s;
            try {
                s = BtfObjectSummary.read(btfId);
            } catch (BpfException e) {
                if (e.errno() == Errno.ENOENT) continue;   // gone since listing
                throw e;
            }
            print(session, w, s, progs, maps);
        }
        if (w != null) w.endArray();
        return 0;
    }

    /** btf id → ids of the programs (or maps) using it, in bpftool's order. */
    private static <T extends AutoCloseable> LibbpfHashmapOrder<Integer> table(List<Integer> ids, IntFunction<T> open,
                                                                              ToIntFunction<T> btfId) {
        LibbpfHashmapOrder<Integer> table = new LibbpfHashmapOrder<>();
        for (int id : ids) {
            T object;
            try {
                object = open.apply(id);
            } catch (BpfException e) {
                if (e.errno() == Errno.ENOENT) continue;
                throw e;
            }
            try (AutoCloseable closing = object) {
                int btf = btfId.applyAsInt(object);
                if (btf != 0) table.append(btf, id);
            } catch (BpfException e) {
                if (e.errno() != Errno.ENOENT) throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return table;
    }

    private static void print(Session session, JsonWriter w, BtfObjectSummary s, LibbpfHashmapOrder<Integer> progs,
                              LibbpfHashmapOrder<Integer> maps) {
        List<Long> progIds = progs.valuesOf(s.id());
        List<Long> mapIds = maps.valuesOf(s.id());
        if (w != null) {
            w.startObject().uintField("id", s.id()).uintField("size", s.size());
            w.name("prog_ids").startArray();
            for (long p : progIds) w.uint(p);
            w.endArray();
            w.name("map_ids").startArray();
            for (long m : mapIds) w.uint(m);
            w.endArray();
            w.boolField("kernel", s.kernel());
            if (!s.name().isEmpty()) w.stringField("name", s.name());
            w.endObject();
            return;
        }
        StringBuilder sb = new StringBuilder();
        sb.append(s.id()).append(": ");
        if (s.kernel()) sb.append("name [").append(s.name()).append("]  ");
        else if (!s.name().isEmpty()) sb.append("name ").append(s.name()).append("  ");
        else sb.append("name <anon>  ");
        sb.append("size ").append(s.size()).append('B');
        join(sb, "  prog_ids ", progIds);
        join(sb, "  map_ids ", mapIds);
        session.out().print(sb.append('\n'));
    }

    private static void join(StringBuilder sb, String label, List<Long> ids) {
        for (int i = 0; i < ids.size(); i++) sb.append(i == 0 ? label : ",").append(ids.get(i));
    }
}
