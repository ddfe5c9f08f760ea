package dev.ebpf4j.link;

import dev.ebpf4j.AttachType;
import dev.ebpf4j.Errno;
import dev.ebpf4j.internal.sys.Bpf;
import dev.ebpf4j.internal.sys.BpfAttr;
import dev.ebpf4j.internal.sys.BpfCommand;
import dev.ebpf4j.internal.sys.CallScratch;
import dev.ebpf4j.internal.sys.Capabilities;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * {@code BPF_PROG_QUERY} for a target (cgroup fd or ifindex) and attach type, growing its arrays until they fit and
 * dropping the fields an older kernel does not know.
 *
 * <pre>{@code
 * AttachedPrograms a = ProgramQuery.run(cgroupFd, AttachType.CGROUP_INET_EGRESS, 0, "cgroup /sys/fs/cgroup/x");
 * }</pre>
 */
final class ProgramQuery {
    static final int QUERY_EFFECTIVE = 1;
    /** Attr size up to and including prog_attach_flags: what kernels before link_ids/revision accept. */
    private static final int OLD_QUERY_SIZE = 40;

    private ProgramQuery() {
    }

    static AttachedPrograms run(int target, AttachType type, int queryFlags, String what) {
        boolean effective = (queryFlags & QUERY_EFFECTIVE) != 0;
        int capacity = 64;
        boolean extended = true;
        try (Arena arena = Arena.ofConfined()) {
            while (true) {
                MemorySegment ids = arena.allocate(4L * capacity, 4);
                MemorySegment progFlags = arena.allocate(4L * capacity, 4);
                MemorySegment linkIds = arena.allocate(4L * capacity, 4);
                linkIds.fill((byte) -1); // entries the kernel leaves at -1 were not reported
                int size = extended ? BpfAttr.QUERY_SIZE : OLD_QUERY_SIZE;
                MemorySegment a = CallScratch.get().attr(BpfAttr.QUERY_SIZE);
                a.set(JAVA_INT, BpfAttr.QUERY_TARGET_FD, target);
                a.set(JAVA_INT, BpfAttr.QUERY_ATTACH_TYPE, type.number());
                a.set(JAVA_INT, BpfAttr.QUERY_QUERY_FLAGS, queryFlags);
                a.set(JAVA_LONG, BpfAttr.QUERY_PROG_IDS, ids.address());
                a.set(JAVA_INT, BpfAttr.QUERY_PROG_CNT, capacity);
                if (!effective) a.set(JAVA_LONG, BpfAttr.QUERY_PROG_ATTACH_FLAGS, progFlags.address());
                if (extended) a.set(JAVA_LONG, BpfAttr.QUERY_LINK_IDS, linkIds.address());
                long r = Bpf.call(BpfCommand.PROG_QUERY, a, size);
                int count = a.get(JAVA_INT, BpfAttr.QUERY_PROG_CNT);
                if (r == -Errno.ENOSPC.number() && count > capacity) {
                    capacity = count;
                    continue;
                }
                if ((r == -Errno.E2BIG.number() || r == -Errno.EINVAL.number()) && extended) {
                    extended = false;
                    continue;
                }
                if (r < 0) {
                    throw Bpf.error(BpfCommand.PROG_QUERY, (int) -r, "listing the " + type.bpftoolName()
                            + " programs of " + what, Capabilities.CAP_NET_ADMIN);
                }
                int n = Math.min(count, capacity);
                List<Integer> progIds = new ArrayList<>(n);
                List<Integer> flags = new ArrayList<>(n);
                List<Integer> links = new ArrayList<>(n);
                boolean linksReported = extended;
                for (int i = 0; i < n; i++) {
                    progIds.add(ids.getAtIndex(JAVA_INT, i));
                    if (!effective) flags.add(progFlags.getAtIndex(JAVA_INT, i));
                    int l = linkIds.getAtIndex(JAVA_INT, i);
                    links.add(l);
                    linksReported &= l != -1;
                }
                long revision = extended ? a.get(JAVA_LONG, BpfAttr.QUERY_REVISION) : 0;
                return new AttachedPrograms(progIds, flags, linksReported ? links : List.of(),
                        a.get(JAVA_INT, BpfAttr.QUERY_ATTACH_FLAGS), revision);
            }
        }
    }
}
