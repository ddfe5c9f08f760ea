package dev.ebpf4j.link;

import dev.ebpf4j.BpfArgumentException;
import dev.ebpf4j.BpfMap;
import dev.ebpf4j.MapType;
import dev.ebpf4j.features.Features;
import dev.ebpf4j.features.MiscFeature;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The two maps through which USDT programs built on libbpf's {@code <bpf/usdt.bpf.h>} learn about the probe that
 * fired, and the bookkeeping of which entries are in use:
 * <ul>
 * <li>{@code __bpf_usdt_specs} (ARRAY, {@code int} → {@code struct __bpf_usdt_spec}): one spec per distinct argument
 *     layout of an attached probe site, at a <em>spec id</em> handed out here;</li>
 * <li>{@code __bpf_usdt_ip_to_spec_id} (HASH, {@code long} → {@code __u32}): probe address → spec id, used only
 *     when the program finds its spec by instruction pointer ({@link Lookup#IP}).</li>
 * </ul>
 * With {@link Lookup#COOKIE} the spec id travels as each uprobe's BPF cookie ({@code bpf_get_attach_cookie}, Linux
 * 5.15+). The program decides which it uses from the {@code LINUX_HAS_BPF_COOKIE} kconfig extern, which the object
 * loader sets from the same kernel probe {@link #of(BpfMap, BpfMap)} consults — so the default agrees with objects
 * loaded by {@link dev.ebpf4j.BpfObject}.
 *
 * <p>Every {@link UsdtLink} attached through the same maps must be attached through the same {@code UsdtSpecMaps}
 * (it hands out spec ids; closing a link returns them). {@link dev.ebpf4j.BpfObject} keeps one per object.
 * Thread-safe.
 *
 * <pre>{@code
 * UsdtSpecMaps maps = UsdtSpecMaps.of(obj.map("__bpf_usdt_specs"), obj.map("__bpf_usdt_ip_to_spec_id"));
 * try (UsdtLink l = UsdtLink.attach(prog, maps, UsdtLink.Options.probe(binary, "myapp", "request__start"))) { ... }
 * }</pre>
 */
public final class UsdtSpecMaps {
    /** The spec map's name in {@code usdt.bpf.h}. */
    public static final String SPECS_MAP = "__bpf_usdt_specs";
    /** The address map's name in {@code usdt.bpf.h}. */
    public static final String IP_TO_SPEC_ID_MAP = "__bpf_usdt_ip_to_spec_id";

    /** How the BPF program finds the spec of the probe that fired. */
    public enum Lookup {
        /** The spec id is the uprobe's BPF cookie ({@code LINUX_HAS_BPF_COOKIE} true). */
        COOKIE,
        /**
         * The spec id is looked up by the probe's address in the process ({@code LINUX_HAS_BPF_COOKIE} false):
         * probes in shared objects then need a process id, to know where the object is mapped.
         */
        IP
    }

    private final BpfMap specs;
    private final BpfMap ipToSpecId;
    private final Lookup lookup;
    private final UsdtSpecLayout layout;
    private final Deque<Integer> freed = new ArrayDeque<>();
    private int nextUnused;

    private UsdtSpecMaps(BpfMap specs, BpfMap ipToSpecId, Lookup lookup, UsdtSpecLayout layout) {
        this.specs = specs;
        this.ipToSpecId = ipToSpecId;
        this.lookup = lookup;
        this.layout = layout;
    }

    /**
     * The maps, with the lookup the object loader would have compiled in: {@link Lookup#COOKIE} when this kernel has
     * BPF cookies on perf event links, else {@link Lookup#IP}.
     */
    public static UsdtSpecMaps of(BpfMap specs, BpfMap ipToSpecId) {
        return of(specs, ipToSpecId, Features.misc(MiscFeature.BPF_COOKIE).available() ? Lookup.COOKIE : Lookup.IP);
    }

    /**
     * The maps with an explicit lookup; {@code ipToSpecId} may be null with {@link Lookup#COOKIE}.
     *
     * @throws BpfArgumentException when a map's type or sizes do not match {@code usdt.bpf.h}
     */
    public static UsdtSpecMaps of(BpfMap specs, BpfMap ipToSpecId, Lookup lookup) {
        if (specs == null) throw new BpfArgumentException("UsdtSpecMaps: the spec map must not be null");
        if (lookup == null) throw new BpfArgumentException("UsdtSpecMaps: lookup must not be null");
        UsdtSpecLayout layout = UsdtSpecLayout.forValueSize(specs.valueSize());
        if (specs.type() != MapType.ARRAY || specs.keySize() != 4 || layout == null) {
            throw new BpfArgumentException("UsdtSpecMaps: map '" + specs.name() + "' is not usdt.bpf.h's "
                    + SPECS_MAP + " (an ARRAY with 4-byte keys and struct __bpf_usdt_spec values of 16 * n + 16 "
                    + "bytes); it is a " + specs.type() + " with " + specs.keySize() + "-byte keys and "
                    + specs.valueSize() + "-byte values");
        }
        if (ipToSpecId == null && lookup == Lookup.IP) {
            throw new BpfArgumentException("UsdtSpecMaps: looking up specs by address needs the " + IP_TO_SPEC_ID_MAP
                    + " map");
        }
        if (ipToSpecId != null && (ipToSpecId.type() != MapType.HASH || ipToSpecId.keySize() != 8
                || ipToSpecId.valueSize() != 4)) {
            throw new BpfArgumentException("UsdtSpecMaps: map '" + ipToSpecId.name() + "' is not usdt.bpf.h's "
                    + IP_TO_SPEC_ID_MAP + " (a HASH from 8-byte addresses to 4-byte spec ids); it is a "
                    + ipToSpecId.type() + " with " + ipToSpecId.keySize() + "-byte keys and "
                    + ipToSpecId.valueSize() + "-byte values");
        }
        return new UsdtSpecMaps(specs, ipToSpecId, lookup, layout);
    }

    public BpfMap specs() {
        return specs;
    }

    /** The address map; null when not given. */
    public BpfMap ipToSpecId() {
        return ipToSpecId;
    }

    public Lookup lookup() {
        return lookup;
    }

    /** How many specs the spec map holds ({@code BPF_USDT_MAX_SPEC_CNT}, 256 by default). */
    public int capacity() {
        return specs.maxEntries();
    }

    /** How many spec ids are free. */
    public synchronized int freeSpecIds() {
        return capacity() - nextUnused + freed.size();
    }

    /** The argument slots of a spec ({@code BPF_USDT_MAX_ARG_CNT}, 12 by default). */
    public int maxArguments() {
        return layout.maxArguments();
    }

    UsdtSpecLayout layout() {
        return layout;
    }

    /** {@code count} free spec ids, or an error saying how many are in use. */
    synchronized int[] allocate(int count, String what) {
        if (count > freeSpecIds()) {
            throw new BpfArgumentException(what + ": needs " + count + " USDT spec ids but only " + freeSpecIds()
                    + " of " + capacity() + " are free in map '" + specs.name() + "'; close other USDT links or "
                    + "define BPF_USDT_MAX_SPEC_CNT larger before including <bpf/usdt.bpf.h>");
        }
        int[] ids = new int[count];
        for (int i = 0; i < count; i++) ids[i] = freed.isEmpty() ? nextUnused++ : freed.pop();
        return ids;
    }

    /** Returns spec ids for reuse. */
    synchronized void release(int[] ids) {
        for (int id : ids) freed.push(id);
    }
}
