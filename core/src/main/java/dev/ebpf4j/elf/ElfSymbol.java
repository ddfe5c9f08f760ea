package dev.ebpf4j.elf;

import static dev.ebpf4j.elf.ElfConstants.*;

/**
 * One symbol of a SHT_SYMTAB or SHT_DYNSYM table. Symbols of a dynamic table carry their GNU symbol version
 * ({@code .gnu.version} with {@code .gnu.version_d}/{@code .gnu.version_r}); in static tables the linker may have
 * written the version into the name ({@code memcpy@@GLIBC_2.14}), and {@link #baseName()} / {@link #versionName()}
 * split either form the same way.
 *
 * <pre>{@code
 * for (ElfSymbol s : elf.dynamicSymbols()) {
 *     if (s.isFunction() && s.isDefined()) System.out.println(s.qualifiedName());   // malloc@@GLIBC_2.2.5
 * }
 * }</pre>
 *
 * @param index         the symbol's index in its table
 * @param name          the name as the string table holds it
 * @param value         st_value (an address in linked files, a section offset in relocatable ones)
 * @param size          st_size
 * @param type          {@code st_info & 0xf} ({@link ElfConstants#STT_FUNC}, ...)
 * @param binding       {@code st_info >> 4} ({@link ElfConstants#STB_GLOBAL}, ...)
 * @param visibility    {@code st_other & 3} ({@link ElfConstants#STV_DEFAULT}, ...)
 * @param sectionIndex  the defining section (SHN_XINDEX already resolved), or SHN_UNDEF/SHN_ABS/SHN_COMMON
 * @param version       the GNU version name from the version tables, or null (static tables, unversioned symbols)
 * @param hiddenVersion true when the version is not this object's default definition of the name: a hidden
 *                      version ({@code name@VERSION}) or a version required from another object
 */
public record ElfSymbol(int index, String name, long value, long size, int type, int binding, int visibility,
                        int sectionIndex, String version, boolean hiddenVersion) {

    /** True unless the symbol is undefined here (SHN_UNDEF: imported from elsewhere). */
    public boolean isDefined() {
        return sectionIndex != SHN_UNDEF;
    }

    /** True for functions (STT_FUNC) and GNU indirect functions (STT_GNU_IFUNC). */
    public boolean isFunction() {
        return type == STT_FUNC || type == STT_GNU_IFUNC;
    }

    /** The name without any {@code @VERSION} / {@code @@VERSION} suffix. */
    public String baseName() {
        int at = name.indexOf('@');
        return at < 0 ? name : name.substring(0, at);
    }

    /** The version: from the version tables, else from an {@code @}-suffix of the name; null when unversioned. */
    public String versionName() {
        if (version != null) return version;
        int at = name.indexOf('@');
        if (at < 0) return null;
        return name.startsWith("@@", at) ? name.substring(at + 2) : name.substring(at + 1);
    }

    /** True when the symbol is the default version ({@code @@}) or unversioned. */
    public boolean isDefaultVersion() {
        if (version != null) return !hiddenVersion;
        int at = name.indexOf('@');
        return at < 0 || name.startsWith("@@", at);
    }

    /**
     * The name as {@code readelf -s} prints it: {@code malloc@@GLIBC_2.2.5}, {@code memcpy@GLIBC_2.2.5}, or bare
     * (also for the symbols that name a version definition itself, such as {@code GLIBC_2.2.5}).
     */
    public String qualifiedName() {
        String v = versionName();
        if (v == null || v.equals(baseName())) return baseName();
        return baseName() + (isDefaultVersion() && isDefined() ? "@@" : "@") + v;
    }
}
