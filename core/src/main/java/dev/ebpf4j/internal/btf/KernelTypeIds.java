package dev.ebpf4j.internal.btf;

import dev.ebpf4j.BpfException;
import dev.ebpf4j.ObjectFormatException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Finds type ids by kind and name in the running kernel's BTF ({@code /sys/kernel/btf/vmlinux}): the attach targets
 * of tp_btf ({@code btf_trace_<name>} typedefs), fentry/fexit/LSM ({@code FUNC <name>}) and iterators
 * ({@code FUNC bpf_iter_<name>}). Indexes the names of FUNC, TYPEDEF and STRUCT types in one pass, once per process.
 *
 * <pre>{@code
 * int id = KernelTypeIds.vmlinux().find(KernelTypeIds.KIND_FUNC, "bpf_iter_task").orElseThrow();
 * }</pre>
 */
public final class KernelTypeIds {
    public static final int KIND_STRUCT = 4;
    public static final int KIND_TYPEDEF = 8;
    public static final int KIND_FUNC = 12;

    private static final Path VMLINUX = Path.of("/sys/kernel/btf/vmlinux");
    private static volatile KernelTypeIds vmlinux;

    private final Map<String, Integer>[] byKind;

    @SuppressWarnings("unchecked")
    private KernelTypeIds(ByteBuffer b, String source) {
        byKind = new Map[20];
        for (int k : new int[]{KIND_STRUCT, KIND_TYPEDEF, KIND_FUNC}) byKind[k] = new HashMap<>();
        parse(b, source);
    }

    /** The running kernel's index, built on first use. */
    public static KernelTypeIds vmlinux() {
        KernelTypeIds v = vmlinux;
        if (v == null) {
            synchronized (KernelTypeIds.class) {
                v = vmlinux;
                if (v == null) {
                    try {
                        v = new KernelTypeIds(ByteBuffer.wrap(Files.readAllBytes(VMLINUX)), VMLINUX.toString());
                    } catch (IOException e) {
                        throw new BpfException("cannot read the kernel's BTF at " + VMLINUX + " (" + e.getMessage()
                                + "); the kernel needs CONFIG_DEBUG_INFO_BTF for this attach type");
                    }
                    vmlinux = v;
                }
            }
        }
        return v;
    }

    /** The id of the type of {@code kind} named {@code name}, if any. */
    public OptionalInt find(int kind, String name) {
        Map<String, Integer> m = kind < byKind.length ? byKind[kind] : null;
        if (m == null) throw new IllegalArgumentException("kind " + kind + " is not indexed");
        Integer id = m.get(name);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    private void parse(ByteBuffer b, String source) {
        b.order(ByteOrder.LITTLE_ENDIAN);
        if (b.remaining() < 24 || (b.getShort(0) & 0xffff) != 0xeb9f) {
            throw new ObjectFormatException(source, 0, "not a little-endian BTF blob (bad magic)");
        }
        int hdrLen = b.getInt(4);
        int typeOff = hdrLen + b.getInt(8);
        int typeLen = b.getInt(12);
        int strOff = hdrLen + b.getInt(16);
        int strLen = b.getInt(20);
        if (typeOff < 0 || typeLen < 0 || strOff < 0 || strLen < 0 || (long) typeOff + typeLen > b.limit()
                || (long) strOff + strLen > b.limit()) {
            throw new ObjectFormatException(source, 4, "BTF header sections lie outside the blob");
        }
        int pos = typeOff;
        int end = typeOff + typeLen;
        int id = 1;
        while (pos < end) {
            if (pos + 12 > end) throw new ObjectFormatException(source, pos, "truncated BTF type " + id);
            int nameOff = b.getInt(pos);
            int info = b.getInt(pos + 4);
            int kind = (info >>> 24) & 0x1f;
            int vlen = info & 0xffff;
            if (kind < byKind.length && byKind[kind] != null && nameOff != 0) {
                byKind[kind].putIfAbsent(string(b, strOff, strLen, nameOff, source), id);
            }
            pos += 12 + extraSize(kind, vlen, pos, source);
            id++;
        }
    }

    private static int extraSize(int kind, int vlen, int pos, String source) {
        return switch (kind) {
            case 1 -> 4;                 // INT
            case 2, 7, 8, 9, 10, 11, 12, 16, 18 -> 0; // PTR, FWD, TYPEDEF, VOLATILE, CONST, RESTRICT, FUNC, FLOAT, TYPE_TAG
            case 3 -> 12;                // ARRAY
            case 4, 5 -> 12 * vlen;      // STRUCT, UNION
            case 6 -> 8 * vlen;          // ENUM
            case 13 -> 8 * vlen;         // FUNC_PROTO
            case 14 -> 4;                // VAR
            case 15 -> 12 * vlen;        // DATASEC
            case 17 -> 4;                // DECL_TAG
            case 19 -> 12 * vlen;        // ENUM64
            default -> throw new ObjectFormatException(source, pos, "unknown BTF kind " + kind);
        };
    }

    private static String string(ByteBuffer b, int strOff, int strLen, int off, String source) {
        if (off < 0 || off >= strLen) throw new ObjectFormatException(source, strOff + off, "BTF name offset out of range");
        int start = strOff + off;
        int end = start;
        int limit = strOff + strLen;
        while (end < limit && b.get(end) != 0) end++;
        byte[] bytes = new byte[end - start];
        b.get(start, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
