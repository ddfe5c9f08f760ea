package dev.ebpf4j.cli.prog;

import dev.ebpf4j.MapSpec;

/**
 * The names libbpf (and so bpftool) gives an object's maps: BTF-defined maps keep their own name; global data maps
 * ({@code .data}, {@code .rodata}, {@code .bss}, {@code .kconfig}) get a prefix of the object's name so that they
 * differ between objects ({@code loader_g.rodata} for {@code .rodata} of {@code loader_globals.bpf.o}), custom
 * sections ({@code .data.custom}) none. {@code bpftool prog load ... pinmaps DIR} pins each map at DIR/NAME with
 * dots turned into underscores.
 *
 * <pre>{@code
 * LibbpfMapNames.name("loader_globals.bpf.o", ".rodata");        // "loader_g.rodata"
 * LibbpfMapNames.pinName("loader_globals.bpf.o", ".rodata");     // "loader_g_rodata"
 * }</pre>
 */
public final class LibbpfMapNames {
    /** BPF_OBJ_NAME_LEN: names are at most 15 characters and a NUL. */
    private static final int OBJ_NAME_LEN = 16;
    private static final int SUFFIX_RESERVED = 7;

    private LibbpfMapNames() {
    }

    /** libbpf's name for map {@code mapName} of the object in file {@code objectFile}. */
    public static String name(String objectFile, String mapName) {
        if (!mapName.startsWith(".")) return mapName;
        String object = objectName(objectFile);
        int suffix = Math.max(SUFFIX_RESERVED, mapName.length());
        int prefix = mapName.indexOf('.', 1) >= 0 ? 0 : Math.max(0, Math.min(OBJ_NAME_LEN - suffix - 1, object.length()));
        String name = object.substring(0, prefix) + mapName.substring(0, Math.min(suffix, mapName.length()));
        if (name.length() > OBJ_NAME_LEN - 1) name = name.substring(0, OBJ_NAME_LEN - 1);
        StringBuilder sb = new StringBuilder(name.length());
        for (char c : name.toCharArray()) sb.append(Character.isLetterOrDigit(c) && c < 128 || c == '_' || c == '.' ? c : '_');
        return sb.toString();
    }

    /** The file name bpftool's {@code pinmaps} gives the map: its libbpf name with '.' replaced by '_'. */
    public static String pinName(String objectFile, String mapName) {
        return name(objectFile, mapName).replace('.', '_');
    }

    /** True when {@code text} names {@code map} of the object, by ebpf4j's or libbpf's name. */
    public static boolean matches(String objectFile, MapSpec map, String text) {
        return map.name().equals(text) || name(objectFile, map.name()).equals(text);
    }

    /** libbpf's object name: the file's base name cut to 15 characters, then at the first dot. */
    static String objectName(String objectFile) {
        String base = objectFile.substring(objectFile.lastIndexOf('/') + 1);
        if (base.length() > OBJ_NAME_LEN - 1) base = base.substring(0, OBJ_NAME_LEN - 1);
        int dot = base.indexOf('.');
        return dot < 0 ? base : base.substring(0, dot);
    }
}
