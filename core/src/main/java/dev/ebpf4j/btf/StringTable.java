package dev.ebpf4j.btf;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * A BTF string section under construction: each distinct string stored once, NUL-terminated. Offsets start at
 * {@code base} (0 for standalone BTF, the base's string size for split BTF); the empty string is always offset 0
 * (standalone: the section's first byte; split: the base's).
 */
final class StringTable {
    private final Map<String, Long> offsets = new HashMap<>();
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final long base;

    StringTable(long base) {
        this.base = base;
        if (base == 0) bytes.write(0);
    }

    /** The offset of {@code s}, adding it when new. */
    long add(String s) {
        if (s.isEmpty()) return 0;
        Long known = offsets.get(s);
        if (known != null) return known;
        if (s.indexOf('\0') >= 0) throw new IllegalArgumentException("BTF strings cannot contain NUL: '" + s + "'");
        long offset = base + bytes.size();
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        if (offset + utf8.length + 1 > 0xffff_ffffL) throw new IllegalArgumentException("string table exceeds 4 GiB");
        bytes.write(utf8, 0, utf8.length);
        bytes.write(0);
        offsets.put(s, offset);
        return offset;
    }

    byte[] toBytes() {
        return bytes.toByteArray();
    }
}
