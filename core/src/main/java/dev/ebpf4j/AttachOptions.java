package dev.ebpf4j;

import dev.ebpf4j.link.PerfEventLink;
import dev.ebpf4j.link.TcDirection;
import dev.ebpf4j.link.XdpLink;

import java.nio.file.Path;

/**
 * What {@link BpfObject#attach(String, AttachOptions)} and {@link BpfObject#attachAll(AttachOptions)} need beyond a
 * program's section name: the network interface for XDP and tc programs, the cgroup for cgroup programs, the sampling
 * event for perf_event programs, a process id or an override target for uprobes and USDT probes (and the USDT
 * cookie), and whether programs the kernel
 * cannot attach (kprobes without kprobe support, ...) are skipped instead of failing the whole call. Immutable;
 * start from {@link #NONE} and chain.
 *
 * <pre>{@code
 * AttachOptions o = AttachOptions.NONE
 *         .interfaceName("eth0")                         // xdp, tcx/ingress, tc
 *         .cgroup(Path.of("/sys/fs/cgroup/app"))        // cgroup_skb/egress, cgroup/connect4, ...
 *         .perfEvent(PerfEventLink.Options.cpuClock())  // perf_event
 *         .uprobeTarget("/usr/bin/bash:readline")       // a bare "uprobe" section ("bin:glob" for uprobe.multi)
 *         .usdt("libjvm.so", "hotspot", "gc__begin")    // a bare "usdt" section (or parts of usdt/...)
 *         .pid(jvmPid)                                  // uprobes and USDT probes in this process only
 *         .skipUnsupported();
 * List<Link> links = obj.attachAll(o);
 * }</pre>
 */
public final class AttachOptions {
    /** No options: only programs whose section names everything attach. */
    public static final AttachOptions NONE = new AttachOptions(null, 0, null, null, null, -1, null, null, false,
            UsdtTarget.NONE);

    private final String interfaceName;
    private final int ifindex;
    private final XdpLink.Mode xdpMode;
    private final TcDirection tcDirection;
    private final Path cgroup;
    private final int pid;
    private final String uprobeTarget;
    private final PerfEventLink.Options perfEvent;
    private final boolean skipUnsupported;
    private final UsdtTarget usdt;

    /** The USDT probe parts given in the options (null parts come from the section name) and the USDT cookie. */
    private record UsdtTarget(String binary, String provider, String name, long cookie) {
        static final UsdtTarget NONE = new UsdtTarget(null, null, null, 0);
    }

    private AttachOptions(String interfaceName, int ifindex, XdpLink.Mode xdpMode, TcDirection tcDirection,
                          Path cgroup, int pid, String uprobeTarget, PerfEventLink.Options perfEvent,
                          boolean skipUnsupported, UsdtTarget usdt) {
        this.interfaceName = interfaceName;
        this.ifindex = ifindex;
        this.xdpMode = xdpMode;
        this.tcDirection = tcDirection;
        this.cgroup = cgroup;
        this.pid = pid;
        this.uprobeTarget = uprobeTarget;
        this.perfEvent = perfEvent;
        this.skipUnsupported = skipUnsupported;
        this.usdt = usdt;
    }

    /** The network interface (by name) for xdp, tcx and tc programs. */
    public AttachOptions interfaceName(String name) {
        return new AttachOptions(name, 0, xdpMode, tcDirection, cgroup, pid, uprobeTarget, perfEvent, skipUnsupported, usdt);
    }

    /** The network interface (by index) for xdp, tcx and tc programs. */
    public AttachOptions ifindex(int index) {
        return new AttachOptions(null, index, xdpMode, tcDirection, cgroup, pid, uprobeTarget, perfEvent,
                skipUnsupported, usdt);
    }

    /** The XDP attach mode (default: what {@link XdpLink} chooses). */
    public AttachOptions xdpMode(XdpLink.Mode mode) {
        return new AttachOptions(interfaceName, ifindex, mode, tcDirection, cgroup, pid, uprobeTarget, perfEvent,
                skipUnsupported, usdt);
    }

    /** The direction for "tc"/"classifier" sections, which do not name one (default ingress). */
    public AttachOptions tcDirection(TcDirection direction) {
        return new AttachOptions(interfaceName, ifindex, xdpMode, direction, cgroup, pid, uprobeTarget, perfEvent,
                skipUnsupported, usdt);
    }

    /** The cgroup v2 directory for cgroup programs. */
    public AttachOptions cgroup(Path path) {
        return new AttachOptions(interfaceName, ifindex, xdpMode, tcDirection, path, pid, uprobeTarget, perfEvent,
                skipUnsupported, usdt);
    }

    /** Only this process for uprobes and USDT probes (default -1: every process). */
    public AttachOptions pid(int processId) {
        return new AttachOptions(interfaceName, ifindex, xdpMode, tcDirection, cgroup, processId, uprobeTarget,
                perfEvent, skipUnsupported, usdt);
    }

    /**
     * The uprobe target ({@code "binary:function[+offset]"}, or {@code "binary:0xFILEOFFSET"}) for uprobe programs,
     * or {@code "binary:pattern"} (a glob over function names) for uprobe.multi, uretprobe.multi and uprobe.session
     * programs; overrides the section's own target.
     */
    public AttachOptions uprobeTarget(String target) {
        return new AttachOptions(interfaceName, ifindex, xdpMode, tcDirection, cgroup, pid, target, perfEvent,
                skipUnsupported, usdt);
    }

    /** The event perf_event programs sample. */
    public AttachOptions perfEvent(PerfEventLink.Options options) {
        return new AttachOptions(interfaceName, ifindex, xdpMode, tcDirection, cgroup, pid, uprobeTarget, options,
                skipUnsupported, usdt);
    }

    /**
     * The USDT probe for {@code usdt} programs: {@code binary} (a path, or a file name searched as
     * {@link dev.ebpf4j.link.UsdtLink.Options#probe(String, String, String)} describes), {@code provider} and
     * {@code name}. Each part given overrides the section's ({@code usdt/BINARY:PROVIDER:NAME}); null parts come from
     * the section. {@link #pid(int)} limits the probe to one process.
     */
    public AttachOptions usdt(String binary, String provider, String name) {
        return new AttachOptions(interfaceName, ifindex, xdpMode, tcDirection, cgroup, pid, uprobeTarget, perfEvent,
                skipUnsupported, new UsdtTarget(binary, provider, name, usdt.cookie()));
    }

    /** The value {@code bpf_usdt_cookie()} returns in {@code usdt} programs (default 0). */
    public AttachOptions usdtCookie(long cookie) {
        return new AttachOptions(interfaceName, ifindex, xdpMode, tcDirection, cgroup, pid, uprobeTarget, perfEvent,
                skipUnsupported, new UsdtTarget(usdt.binary(), usdt.provider(), usdt.name(), cookie));
    }

    /**
     * In {@link BpfObject#attachAll}, skip programs whose attachment the kernel does not support
     * ({@link NotSupportedException}) instead of failing the call.
     */
    public AttachOptions skipUnsupported() {
        return new AttachOptions(interfaceName, ifindex, xdpMode, tcDirection, cgroup, pid, uprobeTarget, perfEvent,
                true, usdt);
    }

    public String interfaceName() { return interfaceName; }
    public int ifindex() { return ifindex; }
    public XdpLink.Mode xdpMode() { return xdpMode; }
    public TcDirection tcDirection() { return tcDirection; }
    public Path cgroup() { return cgroup; }
    public int pid() { return pid; }
    public String uprobeTarget() { return uprobeTarget; }
    public PerfEventLink.Options perfEvent() { return perfEvent; }
    public boolean skipsUnsupported() { return skipUnsupported; }
    /** The USDT binary given with {@link #usdt}, or null. */
    public String usdtBinary() { return usdt.binary(); }
    /** The USDT provider given with {@link #usdt}, or null. */
    public String usdtProvider() { return usdt.provider(); }
    /** The USDT probe name given with {@link #usdt}, or null. */
    public String usdtName() { return usdt.name(); }
    public long usdtCookie() { return usdt.cookie(); }

    /** True when an interface was given. */
    public boolean hasInterface() {
        return interfaceName != null || ifindex > 0;
    }
}
