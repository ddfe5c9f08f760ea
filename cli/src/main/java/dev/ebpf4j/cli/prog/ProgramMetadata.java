package dev.ebpf4j.cli.prog;

import dev.ebpf4j.BpfMap;
import dev.ebpf4j.MapInfo;
import dev.ebpf4j.MapType;
import dev.ebpf4j.cli.btf.BtfLoader;
import dev.ebpf4j.cli.btf.BtfTypes;
import dev.ebpf4j.cli.btf.BtfValueDumper;
import dev.ebpf4j.cli.output.JsonWriter;

import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;

/**
 * A program's metadata: the {@code bpf_metadata_*} variables of its {@code .rodata} map, which {@code prog show}
 * prints under {@code metadata} as bpftool does ({@code const char bpf_metadata_version[] SEC(".rodata") = "1.2";}
 * shows as {@code version = "1.2"}).
 *
 * <pre>{@code
 * ProgramMetadata md = ProgramMetadata.find(prog.mapIds());   // null when there is none
 * if (md != null) md.writePlain(out);
 * }</pre>
 */
final class ProgramMetadata {
    private static final String PREFIX = "bpf_metadata_";

    private final BtfTypes btf;
    private final int datasec;
    private final byte[] value;

    private ProgramMetadata(BtfTypes btf, int datasec, byte[] value) {
        this.btf = btf;
        this.datasec = datasec;
        this.value = value;
    }

    /** Finds the program's .rodata map (an array of one value with BTF) among {@code mapIds} and reads it. */
    static ProgramMetadata find(List<Integer> mapIds) {
        for (int id : mapIds) {
            try (BpfMap map = BpfMap.fromId(id)) {
                MapInfo info = map.info();
                if (info.type() != MapType.ARRAY || info.keySize() != 4 || info.maxEntries() != 1
                        || info.btfValueTypeId() == 0 || !info.name().contains(".rodata")) {
                    continue;
                }
                Optional<byte[]> v = map.lookup(new byte[4]);
                if (v.isEmpty()) return null;
                BtfTypes btf = BtfLoader.byId(info.btfId());
                if (btf.kind(info.btfValueTypeId()) != BtfTypes.DATASEC) return null;
                ProgramMetadata md = new ProgramMetadata(btf, info.btfValueTypeId(), v.get());
                return md.hasAny() ? md : null;
            } catch (RuntimeException e) {
                return null;
            }
        }
        return null;
    }

    private boolean hasAny() {
        for (int i = 0; i < btf.vlen(datasec); i++) if (name(i).startsWith(PREFIX)) return true;
        return false;
    }

    private String name(int i) {
        String n = btf.nameOf(btf.word(datasec, 3 * i));
        return n == null ? "" : n;
    }

    /** {@code "metadata": {"version": "1.2", ...}} inside the program's JSON object. */
    void writeJson(JsonWriter w) {
        w.name("metadata").startObject();
        BtfValueDumper dumper = new BtfValueDumper(btf, w, false);
        for (int i = 0; i < btf.vlen(datasec); i++) {
            String name = name(i);
            if (!name.startsWith(PREFIX)) continue;
            w.name(name.substring(PREFIX.length()));
            if (!dumper.dump(btf.ref(btf.word(datasec, 3 * i)), value, btf.word(datasec, 3 * i + 1))) break;
        }
        w.endObject();
    }

    /** The plain-text block after the program's record: {@code \tmetadata:} then one {@code name = value} line each. */
    void writePlain(PrintWriter out) {
        out.print("\tmetadata:");
        JsonWriter w = new JsonWriter(out, false);
        BtfValueDumper dumper = new BtfValueDumper(btf, w, true);
        for (int i = 0; i < btf.vlen(datasec); i++) {
            String name = name(i);
            if (!name.startsWith(PREFIX)) continue;
            out.print("\n\t\t" + name.substring(PREFIX.length()) + " = ");
            w.reset();
            if (!dumper.dump(btf.ref(btf.word(datasec, 3 * i)), value, btf.word(datasec, 3 * i + 1))) break;
        }
        out.print('\n');
    }
}
