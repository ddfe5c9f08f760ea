package dev.ebpf4j.internal;

import dev.ebpf4j.BpfException;
import dev.ebpf4j.Errno;
import dev.ebpf4j.MapFlags;
import dev.ebpf4j.MapSpec;
import dev.ebpf4j.MapType;
import dev.ebpf4j.NotSupportedException;
import dev.ebpf4j.internal.btf.SyntheticMapBtf;
import dev.ebpf4j.internal.sys.Bpf;
import dev.ebpf4j.internal.sys.BpfAttr;
import dev.ebpf4j.internal.sys.BpfCommand;
import dev.ebpf4j.internal.sys.BtfLoad;
import dev.ebpf4j.internal.sys.CallScratch;
import dev.ebpf4j.internal.sys.Capabilities;
import dev.ebpf4j.internal.sys.Cpus;
import dev.ebpf4j.internal.sys.Fd;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * {@code BPF_MAP_CREATE} for a {@link MapSpec}: fills the attr, supplies defaults the kernel requires (BTF for local
 * storage, one perf slot per CPU), creates inner-map templates, and explains failures (unknown type, bad sizes,
 * missing privileges).
 *
 * <pre>{@code
 * Fd fd = MapCreator.create(spec, -1, 0, 0);   // no object BTF: synthesized where required
 * }</pre>
 */
public final class MapCreator {
    private MapCreator() {
    }

    /**
     * Creates the map. {@code btfFd}/{@code keyTypeId}/{@code valueTypeId} describe key and value in an already
     * loaded BTF object (pass -1, 0, 0 for none: the spec's own BTF is loaded, or BTF is synthesized when the type
     * needs it).
     */
    public static Fd create(MapSpec spec, int btfFd, int keyTypeId, int valueTypeId) {
        return create(spec, btfFd, keyTypeId, valueTypeId, -1);
    }

    /**
     * As {@link #create(MapSpec, int, int, int)}; {@code valueTypeBtfObjFd} (not -1) is the kernel module BTF object
     * whose type {@code spec.btf().vmlinuxValueTypeId()} is (struct_ops types of modules, Linux 6.9+).
     */
    public static Fd create(MapSpec spec, int btfFd, int keyTypeId, int valueTypeId, int valueTypeBtfObjFd) {
        String what = describe(spec);
        if (spec.type() == MapType.UNSPEC) {
            throw new BpfException(what + ": no map type given; choose one of "
                    + java.util.Arrays.toString(MapType.values()));
        }
        if (spec.type().isMapInMap() && spec.innerMap() == null) {
            throw new BpfException(what + ": map-in-map types need an inner map template (MapSpec.innerMap)");
        }
        long r = tryCreate(spec, btfFd, keyTypeId, valueTypeId, valueTypeBtfObjFd);
        if (r < 0) throw explain(spec, what, (int) -r);
        return Fd.adopt((int) r, what);
    }

    /** "map 'name' (type)" for messages. */
    public static String describe(MapSpec spec) {
        return "map '" + spec.name() + "' (" + spec.type().bpftoolName() + ")";
    }

    /** Creates the map without explaining failures: returns the new fd or -errno. */
    public static long tryCreate(MapSpec spec) {
        return tryCreate(spec, -1, 0, 0, -1);
    }

    private static long tryCreate(MapSpec spec, int btfFd, int keyTypeId, int valueTypeId, int valueTypeBtfObjFd) {
        String what = describe(spec);
        Fd ownBtf = null;
        Fd inner = null;
        try {
            int vmlinuxValueTypeId = spec.btf() != null ? spec.btf().vmlinuxValueTypeId() : 0;
            if (btfFd < 0 && spec.btf() != null) {
                if (spec.btf().rawBtf() != null) {
                    ownBtf = BtfLoad.load(spec.btf().rawBtf(), what);
                    btfFd = ownBtf.get();
                    keyTypeId = spec.btf().keyTypeId();
                    valueTypeId = spec.btf().valueTypeId();
                }
            } else if (btfFd < 0 && spec.type().isLocalStorage()) {
                ownBtf = BtfLoad.load(SyntheticMapBtf.intKeyBytesValue(spec.valueSize()), what);
                btfFd = ownBtf.get();
                keyTypeId = SyntheticMapBtf.KEY_TYPE_ID;
                valueTypeId = SyntheticMapBtf.VALUE_TYPE_ID;
            }
            if (spec.type().isMapInMap() && spec.innerMap() != null) {
                inner = create(spec.innerMap(), -1, 0, 0);
            }
            int maxEntries = spec.maxEntries();
            if (maxEntries == 0 && spec.type() == MapType.PERF_EVENT_ARRAY) maxEntries = Cpus.possibleCount();
            int flags = spec.flags();
            if (spec.type().isLocalStorage()) flags |= MapFlags.NO_PREALLOC;
            if (valueTypeBtfObjFd >= 0) flags |= MapFlags.VTYPE_BTF_OBJ_FD;
            int size = valueTypeBtfObjFd >= 0 ? BpfAttr.MAP_CREATE_SIZE_WITH_TOKEN : BpfAttr.MAP_CREATE_SIZE;

            MemorySegment a = CallScratch.get().attr(size);
            a.set(JAVA_INT, BpfAttr.MAP_TYPE, spec.type().number());
            a.set(JAVA_INT, BpfAttr.MAP_KEY_SIZE, spec.keySize());
            a.set(JAVA_INT, BpfAttr.MAP_VALUE_SIZE, spec.valueSize());
            a.set(JAVA_INT, BpfAttr.MAP_MAX_ENTRIES, maxEntries);
            a.set(JAVA_INT, BpfAttr.MAP_FLAGS, flags);
            a.set(JAVA_INT, BpfAttr.MAP_INNER_MAP_FD, inner == null ? 0 : inner.get());
            a.set(JAVA_INT, BpfAttr.MAP_NUMA_NODE, spec.numaNode());
            writeName(a, BpfAttr.MAP_NAME, spec.name());
            a.set(JAVA_INT, BpfAttr.MAP_IFINDEX, spec.ifindex());
            if (btfFd >= 0) {
                a.set(JAVA_INT, BpfAttr.MAP_BTF_FD, btfFd);
                a.set(JAVA_INT, BpfAttr.MAP_BTF_KEY_TYPE_ID, keyTypeId);
                a.set(JAVA_INT, BpfAttr.MAP_BTF_VALUE_TYPE_ID, valueTypeId);
            }
            a.set(JAVA_INT, BpfAttr.MAP_BTF_VMLINUX_VALUE_TYPE_ID, vmlinuxValueTypeId);
            a.set(JAVA_LONG, BpfAttr.MAP_EXTRA, spec.mapExtra());
            if (valueTypeBtfObjFd >= 0) a.set(JAVA_INT, BpfAttr.MAP_VALUE_TYPE_BTF_OBJ_FD, valueTypeBtfObjFd);
            return Bpf.call(BpfCommand.MAP_CREATE, a, size);
        } finally {
            if (inner != null) inner.close();
            if (ownBtf != null) ownBtf.close();
        }
    }

    /** Writes at most 15 bytes of {@code name} (only characters the kernel accepts) and a NUL. */
    public static void writeName(MemorySegment attr, long offset, String name) {
        byte[] b = sanitizeName(name).getBytes(StandardCharsets.US_ASCII);
        int n = Math.min(b.length, 15);
        MemorySegment.copy(b, 0, attr, JAVA_BYTE, offset, n);
        attr.set(JAVA_BYTE, offset + n, (byte) 0);
    }

    /** The kernel accepts [A-Za-z0-9_.] in object names; others are dropped. */
    public static String sanitizeName(String name) {
        StringBuilder sb = new StringBuilder();
        for (char c : name.toCharArray()) {
            if (Character.isLetterOrDigit(c) && c < 128 || c == '_' || c == '.') sb.append(c);
        }
        return sb.toString();
    }

    private static BpfException explain(MapSpec spec, String what, int errno) {
        MapType t = spec.type();
        if (errno == Errno.EINVAL.number() && !MapTypeSupport.isKnownToKernel(t)) {
            return new NotSupportedException("map type " + t.bpftoolName(), t.minimumKernel(),
                    "BPF_MAP_CREATE rejected the type with EINVAL", errno).withContext(what);
        }
        if (errno == Errno.EPERM.number() || errno == Errno.EACCES.number()) {
            return Bpf.error(BpfCommand.MAP_CREATE, errno, "creating " + what, Capabilities.CAP_BPF);
        }
        String hint = switch (Errno.of(errno)) {
            case EINVAL -> " — check key size " + spec.keySize() + ", value size " + spec.valueSize() + ", max entries "
                    + spec.maxEntries() + " and flags " + MapFlags.describe(spec.flags()) + " against what "
                    + t.bpftoolName() + " maps accept" + typeHint(t);
            case ENOMEM -> " — the map does not fit the memory the kernel allows this cgroup; make it smaller";
            case E2BIG -> " — max entries or value size is beyond the kernel's limit for " + t.bpftoolName();
            default -> "";
        };
        return new BpfException("creating " + what + ": bpf(BPF_MAP_CREATE) failed: " + Errno.describe(errno) + hint,
                errno);
    }

    private static String typeHint(MapType t) {
        return switch (t) {
            case RINGBUF, USER_RINGBUF -> " (key and value size 0, max entries a power-of-two multiple of the page size)";
            case QUEUE, STACK, BLOOM_FILTER -> " (key size 0)";
            case LPM_TRIE -> " (key = 4-byte prefix length + data, flags must include NO_PREALLOC)";
            case ARRAY, PERCPU_ARRAY, PROG_ARRAY, PERF_EVENT_ARRAY, CGROUP_ARRAY, ARRAY_OF_MAPS -> " (key size 4)";
            case SK_STORAGE, INODE_STORAGE, TASK_STORAGE, CGRP_STORAGE -> " (key size 4, max entries 0)";
            case CGROUP_STORAGE, PERCPU_CGROUP_STORAGE -> " (key size 8 or 16, max entries 0)";
            case ARENA -> " (key and value size 0, flags must include MMAPABLE, max entries = pages)";
            default -> "";
        };
    }
}
