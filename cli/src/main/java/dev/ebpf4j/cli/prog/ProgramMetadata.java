package dev.ebpf4j.cli.prog;

import dev.ebpf4j.BpfMap;
import dev.ebpf4j.MapInfo;
import dev.ebpf4j.MapType;
import dev.ebpf4j.btf.Btf;
import dev.ebpf4j.btf.BtfDatasec;
import dev.ebpf4j.btf.BtfVar;
import dev.ebpf4j.btf.BtfVarSecinfo;
import dev.ebpf4j.btf.KernelBtfObjects;
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

    private final Btf btf;
    private final BtfDatasec datasec;
    private final byte[] value;

    private ProgramMetadata(Btf btf, BtfDatasec datasec, byte[] value) {
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
                Btf btf = KernelBtfObjects.byId(info.btfId());
                if (!(btf.type(info.btfValueTypeId()) instanceof BtfDatasec datasec)) return null;
                ProgramMetadata md = new ProgramMetadata(btf, datasec, v.get());
                return md.hasAny() ? md : null;
            } catch (RuntimeException e) {
                return null;
            }
        }
        return null;
    }

    private boolean hasAny() {
        for (BtfVarSecinfo v : datasec.vars()) if (name(v).startsWith(PREFIX)) return true;
        return false;
    }

    private String name(BtfVarSecinfo v) {
        return btf.name(v.typeId());
    }

    /** The type of the variable behind a section entry (0, printed as unknown, when the entry is no variable). */
    private int valueType(BtfVarSecinfo v) {
        return btf.type(v.typeId()) instanceof BtfVar var ? var.typeId() : 0;
    }

    /** {@code "metadata": {"version": "1.2", ...}} inside the program's JSON object. */
    void writeJson(JsonWriter w) {
        w.name("metadata").startObject();
        BtfValueDumper dumper = new BtfValueDumper(btf, w, false);
        for (BtfVarSecinfo v : datasec.vars()) {
            String name = name(v);
            if (!name.startsWith(PREFIX)) continue;
            w.name(name.substring(PREFIX.length()));
            if (!dumper.dump(valueType(v), value, v.offset())) break;
        }
        w.endObject();
    }

    /** The plain-text block after the program's record: {@code \tmetadata:} then one {@code name = value} line each. */
    void writePlain(PrintWriter out) {
        out.print("\tmetadata:");
        JsonWriter w = new JsonWriter(out, false);
        BtfValueDumper dumper = new BtfValueDumper(btf, w, true);
        for (BtfVarSecinfo v : datasec.vars()) {
            String name = name(v);
            if (!name.startsWith(PREFIX)) continue;
            out.print("\n\t\t" + name.substring(PREFIX.length()) + " = ");
            w.reset();
            if (!dumper.dump(valueType(v), value, v.offset())) break;
        }
        out.print('\n');
    }
}
