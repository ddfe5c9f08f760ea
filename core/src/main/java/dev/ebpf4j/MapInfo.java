package dev.ebpf4j;

import dev.ebpf4j.internal.sys.ObjectInfo;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * What the kernel reports about a map ({@code struct bpf_map_info}).
 *
 * <pre>{@code
 * MapInfo info = map.info();
 * System.out.println(info.id() + ": " + info.typeName() + " name " + info.name());
 * }</pre>
 *
 * @param typeNumber the raw map type number (see {@link #type()} for the constant)
 */
public record MapInfo(int typeNumber, int id, int keySize, int valueSize, int maxEntries, int flags, String name,
                      int ifindex, int btfVmlinuxValueTypeId, long netnsDev, long netnsIno, int btfId,
                      int btfKeyTypeId, int btfValueTypeId, int btfVmlinuxId, long mapExtra) {

    /** The map type; {@link MapType#UNSPEC} for a type newer than this table. */
    public MapType type() {
        return MapType.fromNumber(typeNumber).orElse(MapType.UNSPEC);
    }

    /** bpftool's type name ("hash"), or "type N" when unknown. */
    public String typeName() {
        return MapType.describe(typeNumber);
    }

    /** Reads the info of the map behind {@code fd}. */
    static MapInfo of(int fd, String what) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(ObjectInfo.MAP_INFO_SIZE, 8);
            ObjectInfo.get(fd, s, what);
            return new MapInfo(s.get(JAVA_INT, 0), s.get(JAVA_INT, 4), s.get(JAVA_INT, 8), s.get(JAVA_INT, 12),
                    s.get(JAVA_INT, 16), s.get(JAVA_INT, 20), ObjectInfo.cString(s, 24, 16), s.get(JAVA_INT, 40),
                    s.get(JAVA_INT, 44), s.get(JAVA_LONG, 48), s.get(JAVA_LONG, 56), s.get(JAVA_INT, 64),
                    s.get(JAVA_INT, 68), s.get(JAVA_INT, 72), s.get(JAVA_INT, 76), s.get(JAVA_LONG, 80));
        }
    }
}
