package dev.ebpf4j.link;

import dev.ebpf4j.AttachType;
import dev.ebpf4j.LinkType;
import dev.ebpf4j.internal.sys.ObjectInfo;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.LinkedHashMap;
import java.util.Map;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Reads {@code struct bpf_link_info} for a link fd, including the strings it points to (tracepoint names, iterator
 * targets, uprobe paths), into a {@link LinkInfo} whose details use bpftool's field names.
 *
 * <pre>{@code
 * LinkInfo info = LinkInfoReader.read(linkFd, "link 12");
 * }</pre>
 */
public final class LinkInfoReader {
    private static final int NAME_MAX = 4096;
    private static final String[] PERF_EVENT_TYPES = {"unspec", "uprobe", "uretprobe", "kprobe", "kretprobe",
            "tracepoint", "event"};

    private LinkInfoReader() {
    }

    /** Reads the info of the link behind {@code fd}. */
    public static LinkInfo read(int fd, String what) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(ObjectInfo.LINK_INFO_SIZE, 8);
            MemorySegment name = arena.allocate(NAME_MAX);
            ObjectInfo.get(fd, s, what);
            int type = s.get(JAVA_INT, 0);
            LinkType lt = LinkType.fromNumber(type).orElse(LinkType.UNSPEC);
            // Second pass for types that return a string through a user pointer.
            switch (lt) {
                case RAW_TRACEPOINT -> withName(fd, s, name, 16, 24, what);
                case ITER -> withName(fd, s, name, 16, 24, what);
                case UPROBE_MULTI -> withName(fd, s, name, 16, 48, what);
                case PERF_EVENT -> {
                    int pt = s.get(JAVA_INT, 16);
                    if (pt >= 1 && pt <= 5) withName(fd, s, name, 24, 32, what);
                }
                default -> { }
            }
            Map<String, Object> d = new LinkedHashMap<>();
            switch (lt) {
                case RAW_TRACEPOINT -> d.put("tp_name", ObjectInfo.cString(name, 0, NAME_MAX));
                case TRACING -> {
                    d.put("attach_type", attach(s.get(JAVA_INT, 16)));
                    d.put("target_obj_id", s.get(JAVA_INT, 20));
                    d.put("target_btf_id", s.get(JAVA_INT, 24));
                }
                case CGROUP -> {
                    d.put("cgroup_id", s.get(JAVA_LONG, 16));
                    d.put("attach_type", attach(s.get(JAVA_INT, 24)));
                }
                case ITER -> {
                    d.put("target_name", ObjectInfo.cString(name, 0, NAME_MAX));
                    int mapId = s.get(JAVA_INT, 28);
                    if (mapId != 0) d.put("map_id", mapId);
                }
                case NETNS -> {
                    d.put("netns_ino", Integer.toUnsignedLong(s.get(JAVA_INT, 16)));
                    d.put("attach_type", attach(s.get(JAVA_INT, 20)));
                }
                case XDP -> d.put("ifindex", s.get(JAVA_INT, 16));
                case STRUCT_OPS -> d.put("map_id", s.get(JAVA_INT, 16));
                case NETFILTER -> {
                    d.put("pf", s.get(JAVA_INT, 16));
                    d.put("hooknum", s.get(JAVA_INT, 20));
                    d.put("priority", s.get(JAVA_INT, 24));
                    d.put("flags", s.get(JAVA_INT, 28));
                }
                case KPROBE_MULTI -> {
                    d.put("func_cnt", s.get(JAVA_INT, 24));
                    d.put("missed", s.get(JAVA_LONG, 32));
                }
                case UPROBE_MULTI -> {
                    d.put("path", ObjectInfo.cString(name, 0, NAME_MAX));
                    d.put("count", s.get(JAVA_INT, 52));
                    d.put("flags", s.get(JAVA_INT, 56));
                    d.put("pid", s.get(JAVA_INT, 60));
                }
                case PERF_EVENT -> {
                    int pt = s.get(JAVA_INT, 16);
                    d.put("event_type", pt >= 0 && pt < PERF_EVENT_TYPES.length ? PERF_EVENT_TYPES[pt] : "type " + pt);
                    switch (pt) {
                        case 1, 2 -> {
                            d.put("file", ObjectInfo.cString(name, 0, NAME_MAX));
                            d.put("offset", Integer.toUnsignedLong(s.get(JAVA_INT, 36)));
                        }
                        case 3, 4 -> {
                            d.put("func", ObjectInfo.cString(name, 0, NAME_MAX));
                            d.put("offset", Integer.toUnsignedLong(s.get(JAVA_INT, 36)));
                            d.put("addr", s.get(JAVA_LONG, 40));
                            d.put("missed", s.get(JAVA_LONG, 48));
                        }
                        case 5 -> d.put("tracepoint", ObjectInfo.cString(name, 0, NAME_MAX));
                        case 6 -> {
                            d.put("config", s.get(JAVA_LONG, 24));
                            d.put("type", s.get(JAVA_INT, 32));
                        }
                        default -> { }
                    }
                }
                case TCX, NETKIT -> {
                    d.put("ifindex", s.get(JAVA_INT, 16));
                    d.put("attach_type", attach(s.get(JAVA_INT, 20)));
                }
                case SOCKMAP -> {
                    d.put("map_id", s.get(JAVA_INT, 16));
                    d.put("attach_type", attach(s.get(JAVA_INT, 20)));
                }
                default -> { }
            }
            return new LinkInfo(type, s.get(JAVA_INT, 4), s.get(JAVA_INT, 8), java.util.Collections.unmodifiableMap(d));
        }
    }

    private static String attach(int number) {
        return AttachType.describe(number);
    }

    private static void withName(int fd, MemorySegment s, MemorySegment name, int ptrOff, int lenOff, String what) {
        s.fill((byte) 0);
        name.fill((byte) 0);
        s.set(JAVA_LONG, ptrOff, name.address());
        s.set(JAVA_INT, lenOff, (int) name.byteSize());
        ObjectInfo.get(fd, s, what);
    }
}
