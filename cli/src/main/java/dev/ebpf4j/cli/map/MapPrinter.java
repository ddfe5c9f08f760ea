package dev.ebpf4j.cli.map;

import dev.ebpf4j.BpfMap;
import dev.ebpf4j.MapInfo;
import dev.ebpf4j.MapType;
import dev.ebpf4j.ProgramType;
import dev.ebpf4j.cli.Session;
import dev.ebpf4j.cli.Strerror;
import dev.ebpf4j.cli.output.Hex;
import dev.ebpf4j.cli.output.JsonWriter;
import dev.ebpf4j.internal.sys.Cpus;
import dev.ebpf4j.internal.sys.FdInfo;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/**
 * Prints maps and map entries exactly as bpftool 7.1 does, in plain text and JSON: the {@code map show} record
 * ({@code 12: hash  name counts  flags 0x0 / key 4B  value 8B  max_entries 16  memlock 2320B}), the map header of
 * multi-map dumps, and entries ({@code key: 01 00 00 00  value: 02 00 ...}, per-CPU values one line per CPU).
 *
 * <pre>{@code
 * MapPrinter.show(session, map, Map.of());
 * MapPrinter.entry(session, map.info(), key, value);
 * }</pre>
 */
public final class MapPrinter {
    private MapPrinter() {
    }

    /** The {@code map show} record of {@code map}; {@code pins} are the pin paths by id when {@code --bpffs}. */
    public static void show(Session session, BpfMap map, Map<Integer, List<String>> pins) {
        MapInfo info = map.info();
        FdInfo fdInfo = FdInfo.of(map.fd());
        if (session.json()) showJson(session, info, fdInfo, pins);
        else showPlain(session.out(), info, fdInfo, pins);
    }

    private static void showPlain(PrintWriter o, MapInfo info, FdInfo fdInfo, Map<Integer, List<String>> pins) {
        StringBuilder sb = new StringBuilder();
        header(sb, info);
        sb.append("\tkey ").append(Integer.toUnsignedString(info.keySize())).append("B  value ")
                .append(Integer.toUnsignedString(info.valueSize())).append("B  max_entries ")
                .append(Integer.toUnsignedString(info.maxEntries()));
        String memlock = fdInfo.get("memlock");
        if (memlock != null) sb.append("  memlock ").append(memlock).append('B');
        if (info.typeNumber() == MapType.PROG_ARRAY.number()) {
            String ownerType = fdInfo.get("owner_prog_type");
            String ownerJited = fdInfo.get("owner_jited");
            if (ownerType != null || ownerJited != null) sb.append("\n\t");
            if (ownerType != null) {
                int t = (int) fdInfo.number("owner_prog_type", 0);
                sb.append("owner_prog_type ").append(ProgramType.fromNumber(t).isPresent()
                        ? ProgramType.describe(t) : Integer.toString(t)).append("  ");
            }
            if (ownerJited != null) {
                sb.append("owner").append(fdInfo.number("owner_jited", 0) != 0 ? "" : " not").append(" jited");
            }
        }
        for (String p : pins.getOrDefault(info.id(), List.of())) sb.append("\n\tpinned ").append(p);
        boolean frozen = fdInfo.number("frozen", 0) != 0;
        if (info.btfId() != 0 || frozen) sb.append("\n\t");
        if (info.btfId() != 0) sb.append("btf_id ").append(info.btfId());
        if (frozen) sb.append(info.btfId() != 0 ? "  " : "").append("frozen");
        sb.append('\n');
        o.print(sb);
    }

    /** The first line of a map's record: {@code 12: hash  name counts  flags 0x0}, newline included. */
    static void header(StringBuilder sb, MapInfo info) {
        sb.append(Integer.toUnsignedString(info.id())).append(": ");
        if (MapType.fromNumber(info.typeNumber()).isPresent()) sb.append(info.typeName()).append("  ");
        else sb.append("type ").append(Integer.toUnsignedString(info.typeNumber())).append("  ");
        if (!info.name().isEmpty()) sb.append("name ").append(info.name()).append("  ");
        sb.append("flags 0x").append(Integer.toHexString(info.flags()));
        if (info.ifindex() != 0) {
            sb.append("  offloaded_to ifindex ").append(Integer.toUnsignedString(info.ifindex())).append(" ns_dev ")
                    .append(Long.toUnsignedString(info.netnsDev())).append(" ns_ino ")
                    .append(Long.toUnsignedString(info.netnsIno()));
        }
        sb.append('\n');
    }

    /** The JSON members that open a map's object: id, type, name, flags. */
    static void headerJson(JsonWriter w, MapInfo info) {
        w.uintField("id", Integer.toUnsignedLong(info.id()));
        if (MapType.fromNumber(info.typeNumber()).isPresent()) w.stringField("type", info.typeName());
        else w.uintField("type", Integer.toUnsignedLong(info.typeNumber()));
        if (!info.name().isEmpty()) w.stringField("name", info.name());
        w.name("flags").integer(info.flags());
    }

    private static void showJson(Session session, MapInfo info, FdInfo fdInfo, Map<Integer, List<String>> pins) {
        JsonWriter w = session.jsonWriter();
        w.startObject();
        headerJson(w, info);
        if (info.ifindex() != 0) {
            w.name("dev").startObject().uintField("ifindex", Integer.toUnsignedLong(info.ifindex()))
                    .uintField("ns_dev", info.netnsDev()).uintField("ns_inode", info.netnsIno()).endObject();
        }
        w.uintField("bytes_key", Integer.toUnsignedLong(info.keySize()));
        w.uintField("bytes_value", Integer.toUnsignedLong(info.valueSize()));
        w.uintField("max_entries", Integer.toUnsignedLong(info.maxEntries()));
        if (fdInfo.get("memlock") != null) w.intField("bytes_memlock", fdInfo.number("memlock", 0));
        if (info.typeNumber() == MapType.PROG_ARRAY.number()) {
            if (fdInfo.get("owner_prog_type") != null) {
                int t = (int) fdInfo.number("owner_prog_type", 0);
                if (ProgramType.fromNumber(t).isPresent()) w.stringField("owner_prog_type", ProgramType.describe(t));
                else w.uintField("owner_prog_type", Integer.toUnsignedLong(t));
            }
            if (fdInfo.get("owner_jited") != null) w.boolField("owner_jited", fdInfo.number("owner_jited", 0) != 0);
        }
        w.intField("frozen", fdInfo.number("frozen", 0));
        if (info.btfId() != 0) w.intField("btf_id", info.btfId());
        if (session.showPinned() && !pins.isEmpty()) {
            w.name("pinned").startArray();
            for (String p : pins.getOrDefault(info.id(), List.of())) w.string(p);
            w.endArray();
        }
        w.endObject();
    }

    /** "map 'name' (type)" for messages, as the library words it. */
    public static String describe(BpfMap map) {
        return "map '" + map.name() + "' (" + MapType.describe(map.typeNumber()) + ")";
    }

    // ---- entries --------------------------------------------------------------------------------------------------

    static boolean isPerCpu(MapInfo info) {
        return MapType.fromNumber(info.typeNumber()).map(MapType::isPerCpu).orElse(false);
    }

    /**
     * One entry, as {@code map lookup} and {@code map pop} print it: {@code value} is the map's value buffer (one
     * 8-aligned slot per possible CPU for per-CPU maps); maps with BTF print their formatted form.
     */
    public static void entry(Session session, MapInfo info, byte[] key, byte[] value) {
        MapFormat format = MapFormat.of(info);
        EntryOutput out = EntryOutput.forEntry(session, format);
        out.entry(info, format, key, value);
        out.finish();
    }

    static String entryPlain(MapInfo info, byte[] key, byte[] value) {
        int keySize = info.keySize();
        int valueSize = info.valueSize();
        StringBuilder sb = new StringBuilder();
        if (!isPerCpu(info)) {
            boolean breakNames = keySize > 16 || valueSize > 16;
            boolean singleLine = keySize + valueSize <= 24 && !breakNames;
            if (keySize != 0) {
                sb.append("key:").append(breakNames ? '\n' : ' ').append(Hex.bytes(key, 0, keySize, " "))
                        .append(singleLine ? "  " : "\n");
            }
            if (valueSize != 0) {
                sb.append("value:").append(breakNames ? '\n' : ' ').append(Hex.bytes(value, 0, valueSize, " "));
            }
            sb.append('\n');
        } else {
            if (keySize != 0) sb.append("key:\n").append(Hex.bytes(key, 0, keySize, " ")).append('\n');
            if (valueSize != 0) {
                int step = (valueSize + 7) & ~7;
                int cpus = Cpus.possibleCount();
                for (int i = 0; i < cpus; i++) {
                    sb.append("value (CPU ").append(i < 10 ? "0" : "").append(i).append("):")
                            .append(valueSize > 16 ? '\n' : ' ')
                            .append(Hex.bytes(value, i * step, valueSize, " ")).append('\n');
                }
            }
        }
        return sb.toString();
    }

    /** An entry in bpftool's JSON: hex key and value(s), plus "formatted" when the map has BTF. */
    static void entryJson(JsonWriter w, MapInfo info, byte[] key, byte[] value, MapFormat format) {
        w.startObject();
        w.name("key").hexBytes(key, 0, info.keySize());
        if (!isPerCpu(info)) {
            w.name("value").hexBytes(value, 0, info.valueSize());
        } else {
            int step = (info.valueSize() + 7) & ~7;
            int cpus = Cpus.possibleCount();
            w.name("values").startArray();
            for (int i = 0; i < cpus; i++) {
                w.startObject().intField("cpu", i).name("value").hexBytes(value, i * step, info.valueSize())
                        .endObject();
            }
            w.endArray();
        }
        if (format != null) {
            w.name("formatted");
            format.write(w, key, value, false);
        }
        w.endObject();
    }

    /** An entry whose value could not be read (bpftool prints {@code <no entry>} or the error text). */
    public static void entryError(Session session, MapInfo info, byte[] key, int errno) {
        boolean fdValues = info.typeNumber() == MapType.PROG_ARRAY.number()
                || info.typeNumber() == MapType.ARRAY_OF_MAPS.number()
                || info.typeNumber() == MapType.HASH_OF_MAPS.number();
        if (fdValues && errno == 2) return;
        if (session.json()) {
            JsonWriter w = session.jsonWriter();
            w.startObject().name("key").hexBytes(key, 0, info.keySize());
            w.name("value").startObject().stringField("error", Strerror.of(errno)).endObject();
            w.endObject();
            return;
        }
        String msg = errno == 2 ? "<no entry>"
                : errno == 28 && info.typeNumber() == MapType.REUSEPORT_SOCKARRAY.number() ? "<cannot read>"
                : Strerror.of(errno);
        boolean breakNames = info.keySize() > 16 || msg.length() > 16;
        boolean singleLine = info.keySize() + msg.length() <= 24 && !breakNames;
        session.out().print("key:" + (breakNames ? '\n' : ' ') + Hex.bytes(key, 0, info.keySize(), " ")
                + (singleLine ? "  " : "\n") + "value:" + (breakNames ? '\n' : ' ') + msg + "\n");
    }
}
