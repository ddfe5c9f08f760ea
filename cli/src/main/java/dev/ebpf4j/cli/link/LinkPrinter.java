package dev.ebpf4j.cli.link;

import dev.ebpf4j.LinkType;
import dev.ebpf4j.Program;
import dev.ebpf4j.cli.Session;
import dev.ebpf4j.cli.output.JsonWriter;
import dev.ebpf4j.link.LinkInfo;

import java.util.List;
import java.util.Map;

/**
 * Prints links as {@code bpftool link show} does, plain and JSON, from the details {@link LinkInfo} carries:
 * {@code 7: raw_tracepoint  prog 12  / tp 'sys_enter'  }, {@code 9: cgroup  prog 14  / cgroup_id 4711  attach_type
 * cgroup_inet_ingress  }. The link kinds bpftool 7.1 details print exactly as 7.1 does; the kinds it does not detail
 * (xdp, tcx, perf_event, ...) print as newer bpftool versions do.
 *
 * <pre>{@code
 * LinkPrinter.show(session, handle.info(), Map.of());
 * }</pre>
 */
public final class LinkPrinter {
    private static final String[] PERF_TYPES = {"hardware", "software", "tracepoint", "hw-cache", "raw", "breakpoint"};
    private static final String[] HW_EVENTS = {"cpu-cycles", "instructions", "cache-references", "cache-misses",
            "branch-instructions", "branch-misses", "bus-cycles", "stalled-cycles-frontend", "stalled-cycles-backend",
            "ref-cycles"};
    private static final String[] SW_EVENTS = {"cpu-clock", "task-clock", "page-faults", "context-switches",
            "cpu-migrations", "minor-faults", "major-faults", "alignment-faults", "emulation-faults", "dummy",
            "bpf-output", "cgroup-switches"};

    private LinkPrinter() {
    }

    /** The {@code link show} record of a link; {@code pins} are pin paths by id with {@code --bpffs}. */
    public static void show(Session session, LinkInfo info, Map<Integer, List<String>> pins) {
        if (session.json()) showJson(session, info, pins);
        else session.out().print(showPlain(info, pins));
    }

    static String showPlain(LinkInfo info, Map<Integer, List<String>> pins) {
        Map<String, Object> d = info.details();
        StringBuilder sb = new StringBuilder();
        sb.append(Integer.toUnsignedString(info.id())).append(": ");
        if (LinkType.fromNumber(info.typeNumber()).isPresent()) sb.append(info.typeName()).append("  ");
        else sb.append("type ").append(Integer.toUnsignedString(info.typeNumber())).append("  ");
        if (info.type() == LinkType.STRUCT_OPS) sb.append("map ").append(d.get("map_id")).append("  ");
        else sb.append("prog ").append(Integer.toUnsignedString(info.programId())).append("  ");
        switch (info.type()) {
            case RAW_TRACEPOINT -> sb.append("\n\ttp '").append(d.get("tp_name")).append("'  ");
            case TRACING -> {
                String progType = programType(info.programId());
                if (progType != null) sb.append("\n\tprog_type ").append(progType).append("  ");
                attachPlain(sb, d);
                long obj = ((Number) d.get("target_obj_id")).longValue();
                long btf = ((Number) d.get("target_btf_id")).longValue();
                if (obj != 0 || btf != 0) {
                    sb.append("\n\ttarget_obj_id ").append(Integer.toUnsignedString((int) obj))
                            .append("  target_btf_id ").append(Integer.toUnsignedString((int) btf)).append("  ");
                }
            }
            case CGROUP -> {
                sb.append("\n\tcgroup_id ").append(Long.toUnsignedString(((Number) d.get("cgroup_id")).longValue()))
                        .append("  ");
                attachPlain(sb, d);
            }
            case ITER -> {
                sb.append("target_name ").append(d.get("target_name")).append("  ");
                if (d.containsKey("map_id")) sb.append("map_id ").append(d.get("map_id")).append("  ");
            }
            case NETNS -> {
                sb.append("\n\tnetns_ino ").append(d.get("netns_ino")).append("  ");
                attachPlain(sb, d);
            }
            case NETFILTER -> netfilterPlain(sb, d);
            case TCX, NETKIT -> {
                sb.append("\n\t");
                ifindexPlain(sb, ((Number) d.get("ifindex")).intValue());
                attachPlain(sb, d);
            }
            case SOCKMAP -> {
                sb.append("\n\tmap_id ").append(d.get("map_id")).append("  ");
                attachPlain(sb, d);
            }
            case XDP -> {
                sb.append("\n\t");
                ifindexPlain(sb, ((Number) d.get("ifindex")).intValue());
            }
            case KPROBE_MULTI -> {
                long count = ((Number) d.get("func_cnt")).longValue();
                if (count != 0) {
                    sb.append("\n\tkprobe.multi  func_cnt ").append(count).append("  ");
                    long missed = ((Number) d.get("missed")).longValue();
                    if (missed != 0) sb.append("missed ").append(missed).append("  ");
                }
            }
            case UPROBE_MULTI -> {
                long count = ((Number) d.get("count")).longValue();
                if (count != 0) {
                    sb.append("\n\tuprobe.multi  func_cnt ").append(count).append("  ");
                    int pid = ((Number) d.get("pid")).intValue();
                    if (pid != 0) sb.append("pid ").append(pid).append("  ");
                }
            }
            case PERF_EVENT -> perfEventPlain(sb, d);
            default -> { }
        }
        for (String p : pins.getOrDefault(info.id(), List.of())) sb.append("\n\tpinned ").append(p);
        return sb.append('\n').toString();
    }

    private static void attachPlain(StringBuilder sb, Map<String, Object> d) {
        String a = String.valueOf(d.get("attach_type"));
        sb.append("attach_type ").append(a.startsWith("type ") ? a.substring(5) : a).append("  ");
    }

    private static void ifindexPlain(StringBuilder sb, int ifindex) {
        String text;
        if (ifindex == 0) {
            text = "(detached)";
        } else {
            String name = NetDevices.nameOf(ifindex);
            text = name == null ? "(unknown)" : name + "(" + Integer.toUnsignedString(ifindex) + ")";
        }
        sb.append("ifindex ").append(text).append("  ");
    }

    private static void netfilterPlain(StringBuilder sb, Map<String, Object> d) {
        int pf = ((Number) d.get("pf")).intValue();
        int hook = ((Number) d.get("hooknum")).intValue();
        String pfName = switch (pf) {
            case 1 -> "inet";
            case 2 -> "ip";
            case 3 -> "arp";
            case 5 -> "netdev";
            case 7 -> "bridge";
            case 10 -> "ip6";
            default -> null;
        };
        String hookName = null;
        if (pf == 1 || pf == 2 || pf == 7 || pf == 10) {
            String[] inet = {"prerouting", "input", "forward", "output", "postrouting"};
            if (hook >= 0 && hook < inet.length) hookName = inet[hook];
        } else if (pf == 3) {
            String[] arp = {"input", "output"};
            if (hook >= 0 && hook < arp.length) hookName = arp[hook];
        }
        sb.append(pfName != null ? "\n\t" + pfName : "\n\tpf: " + pf);
        sb.append(hookName != null ? " " + hookName : ", hook " + hook + ",");
        sb.append(" prio ").append(((Number) d.get("priority")).intValue());
        int flags = ((Number) d.get("flags")).intValue();
        if (flags != 0) sb.append(" flags 0x").append(Integer.toHexString(flags));
    }

    private static void perfEventPlain(StringBuilder sb, Map<String, Object> d) {
        String kind = String.valueOf(d.get("event_type"));
        switch (kind) {
            case "uprobe", "uretprobe" -> {
                String file = String.valueOf(d.get("file"));
                if (file.isEmpty()) return;
                sb.append("\n\t").append(kind).append(' ').append(file).append('+')
                        .append(alternateHex(((Number) d.get("offset")).longValue())).append("  ");
            }
            case "kprobe", "kretprobe" -> {
                String func = String.valueOf(d.get("func"));
                long addr = ((Number) d.get("addr")).longValue();
                if (func.isEmpty() && addr == 0) return;
                sb.append("\n\t").append(kind).append(' ');
                if (addr != 0) sb.append(Long.toHexString(addr)).append(' ');
                sb.append(func);
                long offset = ((Number) d.get("offset")).longValue();
                if (offset != 0) sb.append('+').append(alternateHex(offset));
                long missed = ((Number) d.get("missed")).longValue();
                if (missed != 0) sb.append("  missed ").append(missed);
                sb.append("  ");
            }
            case "tracepoint" -> {
                String tp = String.valueOf(d.get("tracepoint"));
                if (!tp.isEmpty()) sb.append("\n\ttracepoint ").append(tp).append("  ");
            }
            case "event" -> {
                int type = ((Number) d.get("type")).intValue();
                long config = ((Number) d.get("config")).longValue();
                sb.append("\n\tevent ");
                String t = perfTypeName(type);
                sb.append(t != null ? t + ":" : Integer.toUnsignedString(type) + " :");
                String c = perfConfigName(type, config);
                sb.append(c != null ? c : Long.toUnsignedString(config)).append("  ");
            }
            default -> { }
        }
    }

    /** C's {@code %#x}: "0x1a", or "0" for zero. */
    private static String alternateHex(long v) {
        return v == 0 ? "0" : "0x" + Long.toHexString(v);
    }

    private static String perfTypeName(int type) {
        return type >= 0 && type < PERF_TYPES.length ? PERF_TYPES[type] : null;
    }

    private static String perfConfigName(int type, long config) {
        if (type == 0 && config >= 0 && config < HW_EVENTS.length) return HW_EVENTS[(int) config];
        if (type == 1 && config >= 0 && config < SW_EVENTS.length) return SW_EVENTS[(int) config];
        return null;
    }

    private static String programType(int progId) {
        try (Program p = Program.fromId(progId)) {
            return p.info().typeName();
        } catch (RuntimeException e) {
            return null;
        }
    }

    // ---- JSON -----------------------------------------------------------------------------------------------------

    private static void showJson(Session session, LinkInfo info, Map<Integer, List<String>> pins) {
        JsonWriter w = session.jsonWriter();
        Map<String, Object> d = info.details();
        w.startObject();
        w.uintField("id", Integer.toUnsignedLong(info.id()));
        if (LinkType.fromNumber(info.typeNumber()).isPresent()) w.stringField("type", info.typeName());
        else w.uintField("type", Integer.toUnsignedLong(info.typeNumber()));
        w.uintField("prog_id", Integer.toUnsignedLong(info.programId()));
        switch (info.type()) {
            case RAW_TRACEPOINT -> w.stringField("tp_name", String.valueOf(d.get("tp_name")));
            case TRACING -> {
                String progType = programType(info.programId());
                if (progType != null) w.stringField("prog_type", progType);
                attachJson(w, d);
                w.uintField("target_obj_id", unsigned(d.get("target_obj_id")));
                w.uintField("target_btf_id", unsigned(d.get("target_btf_id")));
            }
            case CGROUP -> {
                w.uintField("cgroup_id", ((Number) d.get("cgroup_id")).longValue());
                attachJson(w, d);
            }
            case ITER -> {
                w.stringField("target_name", String.valueOf(d.get("target_name")));
                if (d.containsKey("map_id")) w.uintField("map_id", unsigned(d.get("map_id")));
            }
            case NETNS -> {
                w.uintField("netns_ino", ((Number) d.get("netns_ino")).longValue());
                attachJson(w, d);
            }
            case NETFILTER -> {
                w.uintField("pf", unsigned(d.get("pf")));
                w.uintField("hook", unsigned(d.get("hooknum")));
                w.intField("prio", ((Number) d.get("priority")).intValue());
                w.uintField("flags", unsigned(d.get("flags")));
            }
            case TCX, NETKIT -> {
                ifindexJson(w, ((Number) d.get("ifindex")).intValue());
                attachJson(w, d);
            }
            case SOCKMAP -> {
                w.uintField("map_id", unsigned(d.get("map_id")));
                attachJson(w, d);
            }
            case XDP -> ifindexJson(w, ((Number) d.get("ifindex")).intValue());
            case STRUCT_OPS -> w.uintField("map_id", unsigned(d.get("map_id")));
            case KPROBE_MULTI -> {
                w.uintField("func_cnt", unsigned(d.get("func_cnt")));
                w.uintField("missed", ((Number) d.get("missed")).longValue());
            }
            case UPROBE_MULTI -> {
                w.uintField("func_cnt", unsigned(d.get("count")));
                w.intField("pid", ((Number) d.get("pid")).intValue());
            }
            case PERF_EVENT -> perfEventJson(w, d);
            default -> { }
        }
        if (session.showPinned() && !pins.isEmpty()) {
            w.name("pinned").startArray();
            for (String p : pins.getOrDefault(info.id(), List.of())) w.string(p);
            w.endArray();
        }
        w.endObject();
    }

    private static void perfEventJson(JsonWriter w, Map<String, Object> d) {
        String kind = String.valueOf(d.get("event_type"));
        switch (kind) {
            case "uprobe", "uretprobe" -> {
                w.boolField("retprobe", kind.equals("uretprobe"));
                w.stringField("file", String.valueOf(d.get("file")));
                w.uintField("offset", ((Number) d.get("offset")).longValue());
            }
            case "kprobe", "kretprobe" -> {
                w.boolField("retprobe", kind.equals("kretprobe"));
                w.uintField("addr", ((Number) d.get("addr")).longValue());
                w.stringField("func", String.valueOf(d.get("func")));
                w.uintField("offset", ((Number) d.get("offset")).longValue());
                w.uintField("missed", ((Number) d.get("missed")).longValue());
            }
            case "tracepoint" -> w.stringField("tracepoint", String.valueOf(d.get("tracepoint")));
            case "event" -> {
                int type = ((Number) d.get("type")).intValue();
                long config = ((Number) d.get("config")).longValue();
                String t = perfTypeName(type);
                if (t != null) w.stringField("event_type", t);
                else w.uintField("event_type", Integer.toUnsignedLong(type));
                String c = perfConfigName(type, config);
                if (c != null) w.stringField("event_config", c);
                else w.uintField("event_config", config);
            }
            default -> { }
        }
    }

    private static void attachJson(JsonWriter w, Map<String, Object> d) {
        String a = String.valueOf(d.get("attach_type"));
        if (a.startsWith("type ")) w.uintField("attach_type", Long.parseLong(a.substring(5)));
        else w.stringField("attach_type", a);
    }

    private static void ifindexJson(JsonWriter w, int ifindex) {
        String name = ifindex == 0 ? "(detached)" : NetDevices.nameOf(ifindex);
        w.stringField("devname", name == null ? "(unknown)" : name);
        w.uintField("ifindex", Integer.toUnsignedLong(ifindex));
    }

    private static long unsigned(Object n) {
        return Integer.toUnsignedLong(((Number) n).intValue());
    }
}
