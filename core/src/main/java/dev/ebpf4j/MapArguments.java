package dev.ebpf4j;

import dev.ebpf4j.internal.sys.Bpf;
import dev.ebpf4j.internal.sys.BpfCommand;
import dev.ebpf4j.internal.sys.Capabilities;
import dev.ebpf4j.internal.sys.Cpus;
import dev.ebpf4j.internal.sys.FdInfo;

import java.lang.foreign.MemorySegment;

/**
 * One map's argument checks (key, value and buffer sizes, operations its type has) and the kernel's errors turned
 * into messages that name the map and say what to do: raised as {@link BpfArgumentException} before a call reaches
 * the kernel, or built from a failed call's errno.
 *
 * <pre>{@code
 * MapArguments args = new MapArguments(map);
 * args.checkKey(key);                                        // BpfArgumentException: "key is 3 bytes, ..."
 * if (r < 0) throw args.fail(BpfCommand.MAP_UPDATE_ELEM, r, "updating");
 * }</pre>
 */
final class MapArguments {
    private final BpfMap map;

    MapArguments(BpfMap map) {
        this.map = map;
    }

    void checkKey(MemorySegment key) {
        checkSegment(key, map.keySize(), "key");
    }

    void checkValue(MemorySegment value) {
        checkSegment(value, map.valueBufferSize(), "value");
    }

    void checkSegment(MemorySegment seg, long need, String role) {
        if (seg.byteSize() < need) {
            throw new BpfArgumentException(map.what() + ": " + role + " buffer is " + seg.byteSize() + " bytes, needs "
                    + need + sizeHint(role));
        }
    }

    byte[] checkKey(byte[] key) {
        if (key.length != map.keySize()) {
            throw new BpfArgumentException(map.what() + ": key is " + key.length + " bytes, the map's keys are "
                    + map.keySize() + " bytes");
        }
        return key;
    }

    byte[] checkValue(byte[] value) {
        if (value.length != map.valueBufferSize()) {
            throw new BpfArgumentException(map.what() + ": value is " + value.length + " bytes, the map's values are "
                    + map.valueBufferSize() + " bytes" + sizeHint("value"));
        }
        return value;
    }

    private String sizeHint(String role) {
        return map.type().isPerCpu() && role.contains("value")
                ? " (per-CPU: " + BpfMap.roundUp8(map.valueSize()) + " bytes × " + Cpus.possibleCount()
                + " possible CPUs)" : "";
    }

    /** Refuses per-CPU value helpers on other map types. */
    void requirePerCpu() {
        if (!map.type().isPerCpu()) throw new BpfArgumentException(map.what() + " is not a per-CPU map");
    }

    void requireKeyless(String op) {
        if (map.keySize() != 0) {
            throw new BpfArgumentException(map.what() + ": " + op
                    + " is for queue, stack and bloom filter maps (keyless)");
        }
    }

    void requireKeyed(String op) {
        if (map.keySize() == 0) throw new BpfArgumentException(map.what() + " has no keys, so it cannot " + op);
    }

    BpfException fail(BpfCommand cmd, long r, String doing) {
        int errno = (int) -r;
        if (errno == Errno.EPERM.number() && writes(cmd) && isFrozen()) {
            return new BpfException(map.what() + " is frozen: user space can no longer write to it (bpf(" + cmd.cName()
                    + ") failed with EPERM while " + doing + " it; a map is frozen with BpfMap.freeze() or "
                    + "'map freeze', or by its loader for read-only data)", errno);
        }
        String hint = switch (Errno.of(errno)) {
            case EEXIST -> " (the key exists and UpdateMode.NO_EXIST was asked)";
            case E2BIG -> " (the map is full: max entries " + map.maxEntries() + ")";
            case ENOSPC -> " (no space left: the map is full)";
            case EPERM, EACCES -> "";
            case EINVAL -> map.type().takesFdValues() ? " (values of this map type are file descriptors)" : "";
            default -> "";
        };
        BpfException e = Bpf.error(cmd, errno, doing + " " + map.what(), Capabilities.CAP_BPF);
        return hint.isEmpty() ? e : new BpfException(e.getMessage() + hint, errno);
    }

    /** The commands that change entries, which a frozen map refuses with EPERM. */
    private static boolean writes(BpfCommand cmd) {
        return switch (cmd) {
            case MAP_UPDATE_ELEM, MAP_DELETE_ELEM, MAP_LOOKUP_AND_DELETE_ELEM, MAP_UPDATE_BATCH, MAP_DELETE_BATCH,
                 MAP_LOOKUP_AND_DELETE_BATCH -> true;
            default -> false;
        };
    }

    /** True when the kernel reports the map frozen ({@code frozen: 1} in its fdinfo). */
    private boolean isFrozen() {
        return FdInfo.of(map.fd()).number("frozen", 0) != 0;
    }

    /** As {@link #fail}, but a batch command the map type lacks is a {@link NotSupportedException}. */
    BpfException batchFail(BpfCommand cmd, long r, String doing) {
        int errno = (int) -r;
        if (errno == Errno.ENOTSUPP.number() || errno == Errno.EOPNOTSUPP.number()
                || (errno == Errno.EINVAL.number() && !supportsBatch())) {
            return new NotSupportedException("batch operations on " + MapType.describe(map.typeNumber()) + " maps",
                    "5.6", cmd.cName() + " is not implemented for this map type; iterate with forEach instead", errno);
        }
        return fail(cmd, r, doing);
    }

    private boolean supportsBatch() {
        return switch (map.type()) {
            case HASH, PERCPU_HASH, LRU_HASH, LRU_PERCPU_HASH, ARRAY, PERCPU_ARRAY, HASH_OF_MAPS, ARRAY_OF_MAPS,
                 LPM_TRIE -> true;
            default -> false;
        };
    }
}
