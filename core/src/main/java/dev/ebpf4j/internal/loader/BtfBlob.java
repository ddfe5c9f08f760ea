package dev.ebpf4j.internal.loader;

import dev.ebpf4j.btf.BtfBuilder;
import dev.ebpf4j.btf.BtfType;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An encoded BTF blob for {@code BPF_BTF_LOAD} plus the string offsets of the extra strings the object's line info
 * refers to (file names and source lines live in the BTF string section but no type uses them).
 *
 * <pre>{@code
 * BtfBlob blob = BtfBlob.encode(types, List.of("loader_globals.bpf.c", "int x = 1;"));
 * long off = blob.stringOffset("loader_globals.bpf.c");
 * }</pre>
 *
 * @param bytes         the raw blob
 * @param stringOffsets offsets of the extra strings
 */
public record BtfBlob(byte[] bytes, Map<String, Long> stringOffsets) {

    /** Encodes {@code types} (ids from 1) and {@code extraStrings}. */
    public static BtfBlob encode(List<BtfType> types, Collection<String> extraStrings) {
        BtfBuilder b = new BtfBuilder();
        for (BtfType t : types) b.add(t);
        Map<String, Long> offsets = new HashMap<>();
        for (String s : extraStrings) offsets.put(s, b.addString(s));
        return new BtfBlob(b.toBytes(), Map.copyOf(offsets));
    }

    /** The offset of an extra string (0, the empty string, when unknown). */
    public long stringOffset(String s) {
        Long o = stringOffsets.get(s);
        return o == null ? 0 : o;
    }
}
