package dev.ebpf4j.link;

import java.util.List;

/**
 * What is attached at one hook ({@code BPF_PROG_QUERY}): the programs in the order they run, per-program attach
 * flags where the kernel reports them, the ids of the links holding them where the kernel reports those (tcx; not
 * cgroups as of Linux 6.18), the hook's attach flags and its revision (bumped on every change; 0 when the kernel
 * does not report one, e.g. before Linux 6.6, or for an effective query).
 *
 * <pre>{@code
 * AttachedPrograms a = CgroupLink.query(Path.of("/sys/fs/cgroup/app"), AttachType.CGROUP_INET_EGRESS);
 * for (int id : a.programIds()) System.out.println("program " + id);
 * }</pre>
 *
 * @param programIds         program ids in run order
 * @param programAttachFlags flags each program was attached with (empty when not reported)
 * @param linkIds            link id of each program, 0 for one attached without a link (empty when not reported)
 * @param attachFlags        the hook's attach flags (e.g. BPF_F_ALLOW_MULTI = 2 for cgroups)
 * @param revision           the hook's revision, for {@link AttachOrder#expectRevision(long)}
 */
public record AttachedPrograms(List<Integer> programIds, List<Integer> programAttachFlags, List<Integer> linkIds,
                               int attachFlags, long revision) {
    public AttachedPrograms {
        programIds = List.copyOf(programIds);
        programAttachFlags = List.copyOf(programAttachFlags);
        linkIds = List.copyOf(linkIds);
    }
}
