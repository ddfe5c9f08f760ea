package dev.ebpf4j;

import dev.ebpf4j.internal.sys.Cpus;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The layout of a per-CPU map value in user space: one slot per possible CPU, each {@code valueSize} bytes rounded
 * up to 8. Behind {@link BpfMap#splitPerCpu} and {@link BpfMap#joinPerCpu}.
 *
 * <pre>{@code
 * List<byte[]> perCpu = PerCpuValues.split(buffer, 4);      // one 4-byte array per possible CPU
 * }</pre>
 */
final class PerCpuValues {
    private PerCpuValues() {
    }

    /** One array of {@code valueSize} bytes per slot of {@code buffer}. */
    static List<byte[]> split(byte[] buffer, int valueSize) {
        int stride = BpfMap.roundUp8(valueSize);
        List<byte[]> out = new ArrayList<>(buffer.length / stride);
        for (int off = 0; off + stride <= buffer.length; off += stride) {
            out.add(Arrays.copyOfRange(buffer, off, off + valueSize));
        }
        return out;
    }

    /** A {@code bufferSize}-byte buffer holding {@code values}, one per possible CPU; {@code what} names the map. */
    static byte[] join(List<byte[]> values, int valueSize, int bufferSize, String what) {
        int cpus = Cpus.possibleCount();
        if (values.size() != cpus) {
            throw new BpfArgumentException(what + ": per-CPU update needs " + cpus + " values (one per possible CPU), got "
                    + values.size());
        }
        int stride = BpfMap.roundUp8(valueSize);
        byte[] buffer = new byte[bufferSize];
        for (int i = 0; i < cpus; i++) {
            byte[] v = values.get(i);
            if (v.length != valueSize) {
                throw new BpfArgumentException(what + ": per-CPU value " + i + " is " + v.length + " bytes, values are "
                        + valueSize + " bytes");
            }
            System.arraycopy(v, 0, buffer, i * stride, valueSize);
        }
        return buffer;
    }
}
