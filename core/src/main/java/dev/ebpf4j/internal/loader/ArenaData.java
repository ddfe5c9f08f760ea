package dev.ebpf4j.internal.loader;

/**
 * The {@code __arena} global variables of an object (clang's {@code .addr_space.1} section) and the arena map
 * ({@code BPF_MAP_TYPE_ARENA} in {@code .maps}) that holds them. At load the arena is mapped into this process before
 * any program loads, and these bytes are copied into it at {@link ArenaLayout#dataOffset}: the first pages, or the
 * last ones where the kernel accepts map value offsets that large (as libbpf places them).
 *
 * <pre>{@code
 * ArenaData a = model.arena();   // null without __arena variables
 * a.map();                       // "arena"
 * a.bytes().length;              // the variables' initial bytes
 * }</pre>
 *
 * @param section the ELF section ({@code .addr_space.1})
 * @param map     the arena map's name
 * @param bytes   the variables' initial bytes
 */
public record ArenaData(String section, String map, byte[] bytes) {
    public ArenaData {
        bytes = bytes.clone();
    }

    /** A copy of the initial bytes. */
    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    /** The size of the variables in bytes. */
    public int size() {
        return bytes.length;
    }

    /** A copy with other initial bytes (same length). */
    public ArenaData withBytes(byte[] newBytes) {
        return new ArenaData(section, map, newBytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ArenaData a && a.section.equals(section) && a.map.equals(map)
                && java.util.Arrays.equals(a.bytes, bytes);
    }

    @Override
    public int hashCode() {
        return map.hashCode() * 31 + java.util.Arrays.hashCode(bytes);
    }
}
