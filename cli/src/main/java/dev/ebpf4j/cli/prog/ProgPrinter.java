package dev.ebpf4j.cli.prog;

import dev.ebpf4j.Program;
import dev.ebpf4j.ProgramDebugInfo;
import dev.ebpf4j.ProgramInfo;
import dev.ebpf4j.ProgramType;
import dev.ebpf4j.cli.Session;
import dev.ebpf4j.cli.output.JsonWriter;
import dev.ebpf4j.internal.sys.Clocks;
import dev.ebpf4j.internal.sys.FdInfo;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

/**
 * Prints programs as bpftool 7.1's {@code prog show} does, plain and JSON:
 * {@code 12: xdp  name pass  tag 3b185187f1855c4c  gpl / loaded_at 2026-11-21T19:45:00+0000  uid 0 /
 * xlated 16B  jited 18B  memlock 4096B  map_ids 4}. The load time (nanoseconds since boot) becomes wall-clock time
 * through {@code CLOCK_REALTIME − CLOCK_BOOTTIME}, truncated to the second as bpftool does.
 *
 * <pre>{@code
 * ProgPrinter.show(session, program, Map.of());
 * }</pre>
 */
public final class ProgPrinter {
    private static final DateTimeFormatter LOADED_AT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssxx");

    private ProgPrinter() {
    }

    /** The {@code prog show} record of {@code prog}; {@code pins} are pin paths by id with {@code --bpffs}. */
    public static void show(Session session, Program prog, Map<Integer, List<String>> pins) {
        ProgramInfo info = prog.info();
        String name = displayName(prog, info);
        List<Integer> mapIds = info.mapIdCount() == 0 ? List.of() : prog.mapIds();
        FdInfo fdInfo = FdInfo.of(prog.fd());
        ProgramMetadata metadata = ProgramMetadata.find(mapIds);
        if (session.json()) {
            showJson(session, info, name, mapIds, fdInfo, pins, metadata);
        } else {
            session.out().print(showPlain(info, name, mapIds, fdInfo, pins));
            if (metadata != null) metadata.writePlain(session.out());
        }
    }

    /**
     * The program's name as bpftool shows it: the kernel keeps 15 bytes, so a name that long is replaced by the
     * full function name from the program's BTF when there is one.
     */
    public static String displayName(Program prog, ProgramInfo info) {
        String name = info.name();
        if (name.length() < 15 || info.btfId() == 0 || info.funcInfoCount() == 0) return name;
        return ProgramDebugInfo.of(prog, info).flatMap(ProgramDebugInfo::fullName).orElse(name);
    }

    /** Wall-clock seconds since the epoch at which a program loaded {@code loadTimeNs} after boot was loaded. */
    public static long loadedAtEpochSeconds(long loadTimeNs) {
        return Math.floorDiv(Clocks.bootTimeEpochNanos() + loadTimeNs, 1_000_000_000L);
    }

    /** bpftool's plain {@code loaded_at} text, e.g. {@code 2026-11-21T19:45:00+0000}, in the local time zone. */
    public static String loadedAtText(long epochSeconds) {
        return LOADED_AT.format(Instant.ofEpochSecond(epochSeconds).atZone(ZoneId.systemDefault()));
    }

    /** The first line: {@code 12: xdp  name pass  tag 3b185187f1855c4c  gpl}, newline included. */
    static String header(ProgramInfo info, String name) {
        StringBuilder sb = new StringBuilder();
        sb.append(Integer.toUnsignedString(info.id())).append(": ");
        if (ProgramType.fromNumber(info.typeNumber()).isPresent()) sb.append(info.typeName()).append("  ");
        else sb.append("type ").append(Integer.toUnsignedString(info.typeNumber())).append("  ");
        if (!info.name().isEmpty()) sb.append("name ").append(name).append("  ");
        sb.append("tag ").append(info.tag());
        if (info.ifindex() != 0) {
            sb.append("  offloaded_to ifindex ").append(Integer.toUnsignedString(info.ifindex())).append(" ns_dev ")
                    .append(Long.toUnsignedString(info.netnsDev())).append(" ns_ino ")
                    .append(Long.toUnsignedString(info.netnsIno()));
        }
        if (info.gplCompatible()) sb.append("  gpl");
        if (info.runTimeNs() != 0) {
            sb.append(" run_time_ns ").append(info.runTimeNs()).append(" run_cnt ").append(info.runCount());
        }
        if (info.recursionMisses() != 0) sb.append(" recursion_misses ").append(info.recursionMisses());
        return sb.append('\n').toString();
    }

    static String showPlain(ProgramInfo info, String name, List<Integer> mapIds, FdInfo fdInfo,
                            Map<Integer, List<String>> pins) {
        StringBuilder sb = new StringBuilder(header(info, name));
        if (info.loadTimeNs() != 0) {
            sb.append("\tloaded_at ").append(loadedAtText(loadedAtEpochSeconds(info.loadTimeNs()))).append("  uid ")
                    .append(Integer.toUnsignedString(info.createdByUid())).append('\n');
        }
        sb.append("\txlated ").append(Integer.toUnsignedString(info.xlatedLength())).append('B');
        if (info.jitedLength() != 0) sb.append("  jited ").append(Integer.toUnsignedString(info.jitedLength())).append('B');
        else sb.append("  not jited");
        String memlock = fdInfo.get("memlock");
        if (memlock != null) sb.append("  memlock ").append(memlock).append('B');
        if (!mapIds.isEmpty()) {
            sb.append("  map_ids ");
            for (int i = 0; i < mapIds.size(); i++) {
                if (i > 0) sb.append(',');
                sb.append(Integer.toUnsignedString(mapIds.get(i)));
            }
        }
        for (String p : pins.getOrDefault(info.id(), List.of())) sb.append("\n\tpinned ").append(p);
        if (info.btfId() != 0) sb.append("\n\tbtf_id ").append(info.btfId());
        return sb.append('\n').toString();
    }

    /** The JSON members that open a program's object: id, type, name, tag, gpl_compatible, statistics. */
    static void headerJson(JsonWriter w, ProgramInfo info, String name) {
        w.uintField("id", Integer.toUnsignedLong(info.id()));
        if (ProgramType.fromNumber(info.typeNumber()).isPresent()) w.stringField("type", info.typeName());
        else w.uintField("type", Integer.toUnsignedLong(info.typeNumber()));
        if (!info.name().isEmpty()) w.stringField("name", name);
        w.stringField("tag", info.tag());
        w.boolField("gpl_compatible", info.gplCompatible());
        if (info.runTimeNs() != 0) {
            w.uintField("run_time_ns", info.runTimeNs());
            w.uintField("run_cnt", info.runCount());
        }
        if (info.recursionMisses() != 0) w.uintField("recursion_misses", info.recursionMisses());
    }

    private static void showJson(Session session, ProgramInfo info, String name, List<Integer> mapIds,
                                 FdInfo fdInfo, Map<Integer, List<String>> pins, ProgramMetadata metadata) {
        JsonWriter w = session.jsonWriter();
        w.startObject();
        headerJson(w, info, name);
        if (info.ifindex() != 0) {
            w.name("dev").startObject().uintField("ifindex", Integer.toUnsignedLong(info.ifindex()))
                    .uintField("ns_dev", info.netnsDev()).uintField("ns_inode", info.netnsIno()).endObject();
        }
        if (info.loadTimeNs() != 0) {
            w.name("loaded_at").raw(Long.toString(loadedAtEpochSeconds(info.loadTimeNs())));
            w.uintField("uid", Integer.toUnsignedLong(info.createdByUid()));
        }
        w.uintField("bytes_xlated", Integer.toUnsignedLong(info.xlatedLength()));
        if (info.jitedLength() != 0) {
            w.boolField("jited", true);
            w.uintField("bytes_jited", Integer.toUnsignedLong(info.jitedLength()));
        } else {
            w.boolField("jited", false);
        }
        if (fdInfo.get("memlock") != null) w.intField("bytes_memlock", fdInfo.number("memlock", 0));
        if (!mapIds.isEmpty()) {
            w.name("map_ids").startArray();
            for (int id : mapIds) w.uint(Integer.toUnsignedLong(id));
            w.endArray();
        }
        if (info.btfId() != 0) w.intField("btf_id", info.btfId());
        if (session.showPinned() && !pins.isEmpty()) {
            w.name("pinned").startArray();
            for (String p : pins.getOrDefault(info.id(), List.of())) w.string(p);
            w.endArray();
        }
        if (metadata != null) metadata.writeJson(w);
        w.endObject();
    }
}
