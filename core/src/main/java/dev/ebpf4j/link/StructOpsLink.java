package dev.ebpf4j.link;

import dev.ebpf4j.AttachType;
import dev.ebpf4j.BpfArgumentException;
import dev.ebpf4j.BpfException;
import dev.ebpf4j.BpfMap;
import dev.ebpf4j.Errno;
import dev.ebpf4j.MapFlags;
import dev.ebpf4j.MapType;
import dev.ebpf4j.NotSupportedException;
import dev.ebpf4j.UpdateMode;
import dev.ebpf4j.internal.sys.Bpf;
import dev.ebpf4j.internal.sys.BpfCommand;
import dev.ebpf4j.internal.sys.Capabilities;
import dev.ebpf4j.internal.sys.Fd;

/**
 * A struct_ops map registered with the kernel: the kernel now calls the map's programs through the struct of
 * function pointers it implements (a TCP congestion control for {@code tcp_congestion_ops}, a scheduler for
 * {@code sched_ext_ops}, ...). Registering writes the map's value (the kernel's {@code bpf_struct_ops_T} layout with
 * program fds in the function pointer slots) at key 0. A map created with {@link MapFlags#LINK} (C section
 * {@code .struct_ops.link}) is then registered through a {@code bpf_link} ({@code BPF_LINK_CREATE} with attach type
 * {@code struct_ops} on the map), which can be pinned; a plain {@code .struct_ops} map is registered by the update
 * itself and unregistered by deleting key 0. Either way, closing this link unregisters.
 *
 * <p>Objects do this for their struct_ops variables: {@link dev.ebpf4j.BpfObject#attachStructOps(String)} (and
 * {@code attachAll()}).
 *
 * <pre>{@code
 * try (BpfObject obj = BpfObject.load(ObjectSpec.read(Path.of("bpf_cubic.bpf.o")));
 *      StructOpsLink cc = obj.attachStructOps("cubic")) {
 *     System.out.println(cc.describe());   // struct_ops tcp_congestion_ops 'cubic' via bpf_link
 *     ... setsockopt(TCP_CONGESTION, "bpf_cubic") ...
 * }
 * }</pre>
 */
public final class StructOpsLink extends DelegatingLink {
    private static final String KIND = "StructOpsLink";
    private static final byte[] KEY = new byte[4];

    private final BpfMap map;
    private final boolean bpfLink;

    private StructOpsLink(KernelAttachment a, String what, BpfMap map, boolean bpfLink) {
        super(a, what);
        this.map = map;
        this.bpfLink = bpfLink;
    }

    /**
     * Registers struct_ops map {@code map} with {@code value} (exactly the map's value size, in the kernel's layout);
     * {@code typeName} names the kernel struct in messages (null when unknown).
     */
    public static StructOpsLink attach(BpfMap map, byte[] value, String typeName) {
        if (map == null) throw new BpfArgumentException(KIND + " needs a map, got null");
        if (map.type() != MapType.STRUCT_OPS) {
            throw new BpfArgumentException(KIND + " needs a struct_ops map, got " + map);
        }
        if (value == null || value.length != map.valueSize()) {
            throw new BpfArgumentException(KIND + ": the value of " + map + " is " + map.valueSize() + " bytes, got "
                    + (value == null ? "null" : value.length));
        }
        boolean link = (map.flags() & MapFlags.LINK) != 0;
        String what = "struct_ops " + (typeName == null ? "" : typeName + " ") + "'" + map.name() + "'";
        try {
            map.update(KEY, value, UpdateMode.ANY);
        } catch (BpfException e) {
            if (!(link && e.errnoValue() == Errno.EBUSY.number())) throw registerError(e, what, typeName);
        }
        if (!link) {
            return new StructOpsLink(new Registration(map, what), what + " via map update", map, false);
        }
        long r = LinkFd.create(map.fd(), 0, AttachType.STRUCT_OPS, 0, null);
        if (r < 0) {
            int errno = (int) -r;
            if (errno == Errno.EEXIST.number()) throw registerError(new BpfException("", errno), what, typeName);
            throw Bpf.error(BpfCommand.LINK_CREATE, errno, "registering " + what, Capabilities.CAP_BPF);
        }
        return new StructOpsLink(new LinkFd(Fd.adopt((int) r, what), what + " via bpf_link"), what + " via bpf_link",
                map, true);
    }

    private static BpfException registerError(BpfException e, String what, String typeName) {
        int errno = e.errnoValue();
        if (errno == Errno.ENOTSUPP.number() || errno == Errno.EOPNOTSUPP.number()) {
            return new NotSupportedException("BPF struct_ops", "5.6", "registering " + what + " returned "
                    + Errno.describe(errno) + ": the kernel could not build the BPF trampolines that call the "
                    + "programs (no JIT support for them here)", errno);
        }
        if (errno == Errno.EEXIST.number()) {
            return new BpfException("registering " + what + ": " + Errno.describe(errno) + ": the kernel already has a "
                    + (typeName == null ? "struct_ops" : typeName) + " registered under the same name"
                    + ("tcp_congestion_ops".equals(typeName) ? " (see /proc/sys/net/ipv4/"
                    + "tcp_available_congestion_control)" : "") + "; give this one another name", errno);
        }
        if (errno == Errno.EINVAL.number()) {
            return new BpfException("registering " + what + ": " + Errno.describe(errno) + ": the kernel refused the "
                    + "value; it checks the data members and which function pointers are set (a tcp_congestion_ops "
                    + "needs a name, ssthresh, undo_cwnd and cong_avoid or cong_control)", errno);
        }
        if (errno == Errno.EBUSY.number()) {
            return new BpfException("registering " + what + ": " + Errno.describe(errno) + ": the map was registered "
                    + "before; a struct_ops map registers once (load the object again)", errno);
        }
        return e.withContext("registering " + what);
    }

    /** The struct_ops map. */
    public BpfMap map() {
        return map;
    }

    /** True when registered through a {@code bpf_link} (a {@code .struct_ops.link} map): pinnable, has info. */
    public boolean usesBpfLink() {
        return bpfLink;
    }

    /** A plain {@code .struct_ops} registration: the map's key 0, deleted to unregister. */
    private static final class Registration implements KernelAttachment {
        private final BpfMap map;
        private final String what;
        private boolean done;

        Registration(BpfMap map, String what) {
            this.map = map;
            this.what = what;
        }

        @Override
        public java.util.Optional<LinkInfo> info() {
            return java.util.Optional.empty();
        }

        @Override
        public void pin(java.nio.file.Path path) {
            throw new BpfArgumentException(what + " is registered by a map update, without a bpf_link to pin; pin the "
                    + "map instead, or declare it in SEC(\".struct_ops.link\")");
        }

        @Override
        public void unpin() {
        }

        @Override
        public synchronized void detach() {
            if (done) return;
            done = true;
            if (map.isClosed()) return;
            try {
                map.delete(KEY);
            } catch (BpfException e) {
                // EINVAL: no longer registered (deleted through another descriptor of the map)
                if (e.errnoValue() != Errno.EINVAL.number()) throw e.withContext("unregistering " + what);
            }
        }

        @Override
        public void close() {
            detach();
        }
    }
}
