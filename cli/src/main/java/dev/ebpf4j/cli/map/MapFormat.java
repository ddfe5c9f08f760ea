package dev.ebpf4j.cli.map;

import dev.ebpf4j.BpfException;
import dev.ebpf4j.MapInfo;
import dev.ebpf4j.btf.Btf;
import dev.ebpf4j.btf.KernelBtfObjects;
import dev.ebpf4j.cli.btf.BtfValueDumper;
import dev.ebpf4j.cli.output.JsonWriter;
import dev.ebpf4j.internal.sys.Cpus;

/**
 * A map's key and value types from its BTF, for printing entries as bpftool does when a map has BTF: the key and
 * value formatted by type ({@code {"key": 1, "value": {"count": 3}}}), per-CPU values as
 * {@code "values": [{"cpu": 0, "value": ...}]}.
 *
 * <pre>{@code
 * MapFormat fmt = MapFormat.of(map.info());          // null without value type information
 * if (fmt != null) fmt.write(writer, key, value, false);
 * }</pre>
 */
public final class MapFormat {
    private final MapInfo info;
    private final Btf btf;

    private MapFormat(MapInfo info, Btf btf) {
        this.info = info;
        this.btf = btf;
    }

    /** The format of a map, or null when its BTF names no value type (bpftool then prints hex). */
    public static MapFormat of(MapInfo info) {
        try {
            if (info.btfVmlinuxValueTypeId() != 0) return new MapFormat(info, Btf.vmlinux());
            if (info.btfValueTypeId() != 0) return new MapFormat(info, KernelBtfObjects.byId(info.btfId()));
            return null;
        } catch (RuntimeException e) {
            throw new BpfException("failed to get the BTF of map id " + info.id() + " (btf_id " + info.btfId() + "): "
                    + e.getMessage(), e);
        }
    }

    /** One entry as an object with "key" (when the key has a type) and "value" or per-CPU "values". */
    public void write(JsonWriter w, byte[] key, byte[] value, boolean plainText) {
        BtfValueDumper dumper = new BtfValueDumper(btf, w, plainText);
        w.startObject();
        boolean ok = true;
        if (info.btfKeyTypeId() != 0) {
            w.name("key");
            ok = dumper.dump(info.btfKeyTypeId(), key, 0);
        }
        if (ok) {
            int valueType = info.btfVmlinuxValueTypeId() != 0 ? info.btfVmlinuxValueTypeId() : info.btfValueTypeId();
            if (!MapPrinter.isPerCpu(info)) {
                w.name("value");
                dumper.dump(valueType, value, 0);
            } else {
                int step = (info.valueSize() + 7) & ~7;
                w.name("values").startArray();
                for (int i = 0; i < Cpus.possibleCount(); i++) {
                    w.startObject().intField("cpu", i).name("value");
                    boolean cpuOk = dumper.dump(valueType, value, i * step);
                    w.endObject();
                    if (!cpuOk) break;
                }
                w.endArray();
            }
        }
        w.endObject();
    }
}
