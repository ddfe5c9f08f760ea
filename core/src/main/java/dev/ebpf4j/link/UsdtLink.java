package dev.ebpf4j.link;

import dev.ebpf4j.BpfArgumentException;
import dev.ebpf4j.BpfException;
import dev.ebpf4j.Errno;
import dev.ebpf4j.Program;
import dev.ebpf4j.ProgramType;
import dev.ebpf4j.UpdateMode;
import dev.ebpf4j.elf.ElfFile;
import dev.ebpf4j.link.usdt.UsdtArchitecture;
import dev.ebpf4j.link.usdt.UsdtProbe;
import dev.ebpf4j.link.usdt.UsdtProbes;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A {@code kprobe}-type program built on libbpf's {@code <bpf/usdt.bpf.h>} attached to a USDT probe
 * ({@code PROVIDER:NAME} of an executable or shared library, from its {@code .note.stapsdt} notes): one uprobe per
 * probe site (a probe name may be used at several places, or inlined), each with the probe's semaphore as the
 * uprobe's reference counter so the kernel enables semaphore-gated probes while attached. All of them belong to this
 * one link and are closed together.
 *
 * <p>For every distinct argument layout of the sites, a {@code struct __bpf_usdt_spec} (argument locations, the
 * {@linkplain Options#cookie USDT cookie}, the argument count) is written to the {@code __bpf_usdt_specs} map at a
 * spec id taken from the {@link UsdtSpecMaps}; the program finds it through the uprobe's BPF cookie, or — without BPF
 * cookies — through {@code __bpf_usdt_ip_to_spec_id}, keyed by the probe's address in the process (shared objects
 * then need a {@linkplain Options#pid pid}). {@code bpf_usdt_arg()}, {@code bpf_usdt_arg_cnt()} and
 * {@code bpf_usdt_cookie()} read it.
 *
 * <p>Objects loaded with {@link dev.ebpf4j.BpfObject} attach {@code SEC("usdt/BINARY:PROVIDER:NAME")} programs with
 * {@code obj.attach(name)}; this class is for programs loaded otherwise, given the two maps. Binaries are found as
 * {@link Options#probe(String, String, String)} describes. Supported: x86-64 and aarch64 binaries of the host's
 * architecture; register, register + offset and constant arguments.
 *
 * <pre>{@code
 * UsdtSpecMaps maps = UsdtSpecMaps.of(specs, ipToSpecId);
 * try (UsdtLink l = UsdtLink.attach(prog, maps, UsdtLink.Options.probe("libjvm.so", "hotspot", "gc__begin")
 *         .pid(jvmPid).cookie(7))) {
 *     System.out.println(l.describe());   // usdt .../libjvm.so:hotspot:gc__begin (2 sites) pid 1234 → ...
 * }
 * }</pre>
 */
public final class UsdtLink implements Link {
    private static final String KIND = "UsdtLink";

    /**
     * Which probe to attach to, in which processes, with which USDT cookie.
     *
     * @param binary   the executable or shared library: a path, or a bare file name searched for (with a pid: in the
     *                 files that process has mapped; then {@code LD_LIBRARY_PATH} and the system library directories
     *                 for libraries, {@code PATH} for executables; then the files this JVM has mapped)
     * @param provider the probe's provider
     * @param name     the probe's name
     * @param pid      only this process (-1 = every process that maps the binary)
     * @param cookie   the value {@code bpf_usdt_cookie()} returns in the program
     */
    public record Options(String binary, String provider, String name, int pid, long cookie) {
        /** Probe {@code provider:name} of {@code binary} (a path, or a file name to search for). */
        public static Options probe(String binary, String provider, String name) {
            return new Options(binary, provider, name, -1, 0);
        }

        /** Probe {@code provider:name} of the file {@code binary}. */
        public static Options probe(Path binary, String provider, String name) {
            if (binary == null) throw new BpfArgumentException(KIND + ": binary must not be null");
            return probe(binary.toString(), provider, name);
        }

        /** Only process {@code v} (-1 = all). */
        public Options pid(int v) { return new Options(binary, provider, name, v, cookie); }
        /** The value {@code bpf_usdt_cookie()} returns. */
        public Options cookie(long v) { return new Options(binary, provider, name, pid, v); }
    }

    private final List<UsdtProbe> probes;
    private final List<UprobeLink> uprobes;
    private final UsdtSpecMaps maps;
    private final int[] specIds;
    private final long[] ips;
    private final Path binary;
    private final Options options;
    private final String what;
    private final AtomicBoolean released = new AtomicBoolean();
    private volatile boolean closed;
    private volatile Path pinDir;

    private UsdtLink(List<UsdtProbe> probes, List<UprobeLink> uprobes, UsdtSpecMaps maps, int[] specIds, long[] ips,
                     Path binary, Options options, String what) {
        this.probes = probes;
        this.uprobes = uprobes;
        this.maps = maps;
        this.specIds = specIds;
        this.ips = ips;
        this.binary = binary;
        this.options = options;
        this.what = what;
    }

    /**
     * Attaches {@code program} to every site of the probe {@code options} name.
     *
     * @throws BpfArgumentException               when the binary or probe does not exist, or no spec ids are left
     * @throws dev.ebpf4j.ObjectFormatException   when the probe's note or argument specification is malformed
     * @throws dev.ebpf4j.NotSupportedException   when the kernel lacks uprobes or semaphore support, or an argument
     *                                            cannot be described to {@code usdt.bpf.h}
     */
    public static UsdtLink attach(Program program, UsdtSpecMaps maps, Options options) {
        ProgramChecks.requireType(program, KIND, ProgramType.KPROBE);
        if (maps == null) throw new BpfArgumentException(KIND + ": the USDT spec maps must not be null");
        if (options == null) throw new BpfArgumentException(KIND + ": options must not be null");
        ProgramChecks.requireName(options.provider(), "provider", KIND);
        ProgramChecks.requireName(options.name(), "probe name", KIND);
        if (options.pid() < -1 || options.pid() == 0) {
            throw new BpfArgumentException(KIND + ": pid " + options.pid() + " is neither a process id nor -1 (all)");
        }
        Path binary = UsdtTargets.resolve(options.binary(), options.pid());
        if (!Files.isRegularFile(binary)) {
            throw new BpfArgumentException(KIND + ": USDT binary " + binary + " does not exist or is not a regular file");
        }
        binary = binary.toAbsolutePath().normalize();
        String target = "usdt " + binary + ":" + options.provider() + ":" + options.name()
                + (options.pid() > 0 ? " pid " + options.pid() : "");
        try {
            return attach(program, maps, options, binary, target);
        } catch (BpfException e) {
            throw e.withContext(target + " → " + program.describe());
        }
    }

    private static UsdtLink attach(Program program, UsdtSpecMaps maps, Options o, Path binary, String target) {
        ElfFile elf = ElfFile.read(binary);
        List<UsdtProbe> probes = UsdtProbes.find(elf, binary, o.provider(), o.name());
        UsdtArchitecture host = UsdtArchitecture.host().orElse(null);
        // One spec per distinct argument specification; sites sharing one share the spec id.
        Map<String, byte[]> specs = new LinkedHashMap<>();
        for (UsdtProbe p : probes) {
            if (p.architecture() != host) {
                throw new BpfArgumentException(p.describe() + " is for " + (p.architecture() == null
                        ? "machine " + elf.header().machine() : p.architecture()) + ", but this machine is "
                        + (host == null ? System.getProperty("os.arch") : host));
            }
            if (!specs.containsKey(p.argumentSpec())) {
                try {
                    specs.put(p.argumentSpec(), maps.layout().encode(p.arguments(), o.cookie()));
                } catch (BpfArgumentException e) {
                    throw e.withContext(p.describe());
                }
            }
        }
        boolean byIp = maps.lookup() == UsdtSpecMaps.Lookup.IP;
        long[] ips = byIp ? new long[probes.size()] : null;
        if (byIp) {
            for (int i = 0; i < probes.size(); i++) ips[i] = address(probes.get(i), o.pid());
        }
        int[] ids = maps.allocate(specs.size(), target);
        Map<String, Integer> idOf = new LinkedHashMap<>();
        List<UprobeLink> uprobes = new ArrayList<>();
        int ipsAdded = 0;
        try {
            int k = 0;
            for (Map.Entry<String, byte[]> e : specs.entrySet()) {
                maps.specs().update(intKey(ids[k]), e.getValue(), UpdateMode.ANY);
                idOf.put(e.getKey(), ids[k++]);
            }
            if (byIp) {
                for (; ipsAdded < probes.size(); ipsAdded++) {
                    addIp(maps, ips[ipsAdded], idOf.get(probes.get(ipsAdded).argumentSpec()), probes.get(ipsAdded));
                }
            }
            for (UsdtProbe p : probes) {
                int id = idOf.get(p.argumentSpec());
                UprobeLink.Options uo = UprobeLink.Options.fileOffset(binary, p.fileOffset()).pid(o.pid())
                        .refCtrOffset(p.semaphoreOffset()).cookie(byIp ? 0 : id);
                uprobes.add(UprobeLink.attach(program, uo));
            }
        } catch (RuntimeException e) {
            for (int i = uprobes.size() - 1; i >= 0; i--) uprobes.get(i).close();
            if (byIp) for (int i = 0; i < ipsAdded; i++) maps.ipToSpecId().delete(longKey(ips[i]));
            maps.release(ids);
            throw e;
        }
        String mode = uprobes.get(0).describe();
        int via = mode.lastIndexOf(" via ");
        String what = target + " (" + probes.size() + (probes.size() == 1 ? " site" : " sites")
                + (probes.stream().anyMatch(UsdtProbe::hasSemaphore) ? ", semaphore" : "") + ") → "
                + program.describe() + (via >= 0 ? mode.substring(via) : "") + ", spec "
                + (byIp ? "by address" : "by cookie");
        return new UsdtLink(List.copyOf(probes), List.copyOf(uprobes), maps, ids, ips, binary, o, what);
    }

    /** The probe's address in the processes it fires in (what PT_REGS_IP reads), for the address lookup. */
    private static long address(UsdtProbe p, int pid) {
        if (!p.sharedObject()) return p.address();
        if (pid < 0) {
            throw new dev.ebpf4j.NotSupportedException("USDT probes in shared objects without BPF cookies", "5.15",
                    p.describe() + " is in a shared object (mapped at a different address in every process) and the"
                            + " program finds its spec by address; give the process id (Options.pid)");
        }
        return UsdtTargets.runtimeAddress(pid, p.binary(), p.fileOffset());
    }

    private static void addIp(UsdtSpecMaps maps, long ip, int id, UsdtProbe p) {
        try {
            maps.ipToSpecId().update(longKey(ip), intKey(id), UpdateMode.NO_EXIST);
        } catch (BpfException e) {
            if (e.errnoValue() == Errno.EEXIST.number()) {
                throw new BpfArgumentException(p.describe() + ": another USDT attachment through map '"
                        + maps.ipToSpecId().name() + "' already uses address 0x" + Long.toHexString(ip) + "; without "
                        + "BPF cookies a probe site can be attached once per address");
            }
            throw e;
        }
    }

    private static byte[] intKey(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(0, v).array();
    }

    private static byte[] longKey(long v) {
        return ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putLong(0, v).array();
    }

    /** The probe sites attached, one per uprobe. */
    public List<UsdtProbe> probes() {
        return probes;
    }

    /** The uprobes, in the order of {@link #probes()}. */
    public List<UprobeLink> uprobes() {
        return uprobes;
    }

    /** The spec ids in use, one per distinct argument specification of the sites. */
    public List<Integer> specIds() {
        List<Integer> out = new ArrayList<>(specIds.length);
        for (int id : specIds) out.add(id);
        return Collections.unmodifiableList(out);
    }

    /** The probed file (absolute). */
    public Path binary() {
        return binary;
    }

    /** The options attached with. */
    public Options options() {
        return options;
    }

    @Override
    public String describe() {
        return what;
    }

    /** The first uprobe's link info (the others differ only in the offset). */
    @Override
    public Optional<LinkInfo> info() {
        return uprobes.get(0).info();
    }

    /**
     * Pins every uprobe's link under directory {@code path} on bpffs, as {@code site0}, {@code site1}, ... in the
     * order of {@link #probes()}. The specs stay in the spec map for as long as the pins hold the uprobes (this
     * object does not hand their ids out again), so the map must outlive the pins: it does while the program, which
     * the pinned links hold, uses it.
     */
    @Override
    public void pin(Path path) {
        try {
            for (int i = 0; i < uprobes.size(); i++) uprobes.get(i).pin(path.resolve("site" + i));
        } catch (RuntimeException e) {
            for (UprobeLink u : uprobes) u.unpin();
            removeDir(path);
            throw e;
        }
        pinDir = path;
    }

    /** Removes the pins; when this object was already closed, that detaches the uprobes and frees the specs. */
    @Override
    public void unpin() {
        for (UprobeLink u : uprobes) u.unpin();
        Path d = pinDir;
        pinDir = null;
        if (d != null) removeDir(d);
        if (closed) releaseSpecs();
    }

    private static void removeDir(Path dir) {
        try {
            Files.deleteIfExists(dir);
        } catch (java.io.IOException e) {
            // the directory holds other pins: leave it
        }
    }

    /** Detaches every uprobe now (even when pinned) and frees the specs. */
    @Override
    public void detach() {
        closed = true;
        RuntimeException first = null;
        for (UprobeLink u : uprobes) {
            try {
                u.detach();
            } catch (RuntimeException e) {
                if (first == null) first = e;
            }
        }
        Path d = pinDir;
        pinDir = null;
        if (d != null) removeDir(d);
        releaseSpecs();
        if (first != null) throw first;
    }

    /** Closes every uprobe (detaching unless pinned); the specs are freed unless the uprobes are pinned. */
    @Override
    public void close() {
        closed = true;
        for (int i = uprobes.size() - 1; i >= 0; i--) uprobes.get(i).close();
        if (pinDir == null) releaseSpecs();
    }

    private void releaseSpecs() {
        if (!released.compareAndSet(false, true)) return;
        if (ips != null && !maps.ipToSpecId().isClosed()) {
            for (long ip : ips) maps.ipToSpecId().delete(longKey(ip));
        }
        maps.release(specIds);
    }

    @Override
    public String toString() {
        return "UsdtLink[" + what + "]";
    }
}
