package dev.ebpf4j.link;

import dev.ebpf4j.AttachType;
import dev.ebpf4j.LinkType;

import java.util.Map;

/**
 * What the kernel reports about a link ({@code struct bpf_link_info}): type, ids, and the type-specific details
 * (tracepoint name, cgroup id, interface index, attach type, ...) as a small ordered map of the names bpftool uses.
 *
 * <pre>{@code
 * LinkInfo info = link.info().orElseThrow();
 * System.out.println(info.id() + ": " + info.typeName() + " prog " + info.programId() + " " + info.details());
 * }</pre>
 *
 * @param details type-specific fields, e.g. {"tp_name": "sched_switch"} or {"ifindex": 4, "attach_type": "tcx_ingress"}
 */
public record LinkInfo(int typeNumber, int id, int programId, Map<String, Object> details) {

    public LinkType type() {
        return LinkType.fromNumber(typeNumber).orElse(LinkType.UNSPEC);
    }

    /** bpftool's name of the link type, e.g. "raw_tracepoint". */
    public String typeName() {
        return LinkType.describe(typeNumber);
    }

    /** The attach type in {@link #details()} when the link type reports one. */
    public java.util.Optional<AttachType> attachType() {
        Object a = details.get("attach_type");
        return a instanceof String s ? AttachType.fromName(s) : java.util.Optional.empty();
    }
}
