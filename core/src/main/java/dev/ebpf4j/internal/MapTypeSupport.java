package dev.ebpf4j.internal;

import dev.ebpf4j.Errno;
import dev.ebpf4j.MapType;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Whether the running kernel offers a map type: creates the type's {@link MapProbeSpecs#minimal minimal valid map}
 * and reads the answer (struct_ops answers ENOTSUPP for the placeholder vmlinux type when it exists). Memoised.
 *
 * <pre>{@code
 * if (!MapTypeSupport.isKnownToKernel(MapType.ARENA)) { ... }
 * }</pre>
 */
public final class MapTypeSupport {
    private static final ConcurrentHashMap<MapType, Boolean> KNOWN = new ConcurrentHashMap<>();

    private MapTypeSupport() {
    }

    /** True when the kernel can create maps of {@code type}. */
    public static boolean isKnownToKernel(MapType type) {
        Boolean known = KNOWN.get(type);
        if (known != null) return known;
        long r = MapCreator.tryCreate(MapProbeSpecs.minimal(type));
        boolean result;
        if (r >= 0) {
            dev.ebpf4j.internal.sys.Libc.close((int) r);
            result = true;
        } else if (type == MapType.STRUCT_OPS) {
            result = -r == Errno.ENOTSUPP.number() || -r == Errno.EOPNOTSUPP.number();
        } else {
            result = -r != Errno.EINVAL.number();
        }
        if (-r != Errno.EPERM.number()) KNOWN.put(type, result);
        return result;
    }
}
