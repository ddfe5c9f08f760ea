package dev.ebpf4j.elf;

import dev.ebpf4j.BpfException;
import dev.ebpf4j.ObjectFormatException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static dev.ebpf4j.elf.ElfConstants.*;

/**
 * Finds function symbols in user-space ELF files (executables, shared libraries) and turns them into the file
 * offsets uprobes attach to: the symbol's value is located in the PT_LOAD segment that contains it, and the offset
 * is {@code value - p_vaddr + p_offset}. Relocatable objects without segments use the defining section instead.
 *
 * <p>Both {@code .symtab} and {@code .dynsym} are searched. A name may carry a version: {@code malloc} matches any
 * version (preferring the default one), {@code memcpy@GLIBC_2.2.5} exactly that version, {@code malloc@@GLIBC_2.2.5}
 * only the default version. Functions are preferred over other symbol kinds, global over local symbols. A name
 * that is not defined fails with {@link SymbolNotFoundException} listing similar names; a name defined at several
 * different addresses (e.g. local functions of different source files) fails naming them.
 *
 * <pre>{@code
 * long off = ElfSymbols.fileOffset(Path.of("/lib/x86_64-linux-gnu/libc.so.6"), "malloc");
 * SymbolLocation loc = ElfSymbols.locate(Path.of("/usr/bin/bash"), "readline");
 * }</pre>
 */
public final class ElfSymbols {
    private static final int NEARBY_LIMIT = 5;

    private ElfSymbols() {
    }

    /**
     * The file offset of {@code symbol} in the ELF file at {@code elf}.
     *
     * @throws SymbolNotFoundException when the file does not define the symbol
     * @throws ObjectFormatException   when the file is malformed
     */
    public static long fileOffset(Path elf, String symbol) {
        return locate(elf, symbol).fileOffset();
    }

    /** Reads {@code elf} and locates {@code symbol}; see {@link #locate(ElfFile, String)}. */
    public static SymbolLocation locate(Path elf, String symbol) {
        return locate(ElfFile.read(elf), symbol);
    }

    /**
     * Locates {@code symbol} ({@code name}, {@code name@VERSION} or {@code name@@VERSION}) in {@code elf}.
     *
     * @throws SymbolNotFoundException when the file does not define the symbol
     * @throws BpfException            when the name is defined at several addresses, or has no file bytes
     */
    public static SymbolLocation locate(ElfFile elf, String symbol) {
        if (symbol == null || symbol.isEmpty()) throw new IllegalArgumentException("symbol name is empty");
        Query query = Query.parse(symbol);
        List<Candidate> best = new ArrayList<>();
        int bestRank = Integer.MAX_VALUE;
        boolean imported = false;
        for (ElfSection table : symbolTables(elf)) {
            for (ElfSymbol s : elf.symbols(table)) {
                if (!s.baseName().equals(query.name) || !query.accepts(s)) continue;
                if (!s.isDefined()) {
                    imported = true;
                    continue;
                }
                if (!isAddressable(s)) continue;
                int rank = rank(s);
                if (rank < bestRank) {
                    best.clear();
                    bestRank = rank;
                }
                if (rank == bestRank) best.add(new Candidate(s, table.name()));
            }
        }
        if (best.isEmpty()) throw notFound(elf, symbol, query, imported);

        Map<Long, Candidate> byAddress = new LinkedHashMap<>();
        for (Candidate c : best) {
            byAddress.merge(c.symbol.value(), c, (a, b) -> a.symbol.versionName() != null ? a : b);
        }
        if (byAddress.size() > 1) {
            StringBuilder where = new StringBuilder();
            for (Candidate c : byAddress.values()) {
                where.append(String.format(" 0x%x (%s)", c.symbol.value(), c.symbol.qualifiedName()));
            }
            throw new BpfException("symbol '" + symbol + "' is defined at " + byAddress.size() + " addresses in "
                    + elf.name() + ":" + where + "; name a version (name@VERSION) or use an address");
        }
        Candidate chosen = byAddress.values().iterator().next();
        ElfSymbol s = chosen.symbol;
        long offset = fileOffsetOf(elf, s);
        return new SymbolLocation(s.baseName(), s.versionName(), s.value(), s.size(), offset, s.type(), s.binding(),
                chosen.table);
    }

    /**
     * The file offset of virtual address {@code address}: the PT_LOAD segment whose file-backed part contains it
     * maps it to {@code address - p_vaddr + p_offset}.
     *
     * @throws BpfException when no loadable segment's file bytes contain the address
     */
    public static long fileOffset(ElfFile elf, long address) {
        for (ElfSegment seg : elf.segments()) {
            if (seg.isLoadable() && seg.containsAddress(address)) return checked(elf, seg.fileOffsetOf(address),
                    String.format("address 0x%x", address));
        }
        for (ElfSegment seg : elf.segments()) {
            if (seg.isLoadable() && Long.compareUnsigned(address - seg.virtualAddress(), seg.memorySize()) < 0
                    && Long.compareUnsigned(address, seg.virtualAddress()) >= 0) {
                throw new BpfException(String.format("address 0x%x in %s lies in the zero-filled part of segment %d"
                        + " (no file bytes back it)", address, elf.name(), seg.index()));
            }
        }
        throw new BpfException(String.format("address 0x%x lies in no loadable segment of %s", address, elf.name()));
    }

    /** Every defined function of {@code elf} with a file offset, one entry per distinct (name, address). */
    public static List<SymbolLocation> functions(ElfFile elf) {
        Map<String, SymbolLocation> out = new LinkedHashMap<>();
        for (ElfSection table : symbolTables(elf)) {
            for (ElfSymbol s : elf.symbols(table)) {
                if (!s.isDefined() || !s.isFunction() || !isAddressable(s)) continue;
                String key = s.baseName() + "@" + s.value();
                if (out.containsKey(key)) continue;
                try {
                    out.put(key, new SymbolLocation(s.baseName(), s.versionName(), s.value(), s.size(),
                            fileOffsetOf(elf, s), s.type(), s.binding(), table.name()));
                } catch (BpfException e) {
                    // a function without file bytes cannot be probed; leave it out
                }
            }
        }
        return List.copyOf(out.values());
    }

    /**
     * The defined functions of {@code elf} whose name (without version) matches the glob {@code pattern}
     * ({@code *}, {@code ?}; see {@link dev.ebpf4j.internal.Glob}), as libbpf resolves {@code uprobe.multi} targets:
     * from {@code .symtab} when any function there matches, else from {@code .dynsym}. Empty when none matches.
     */
    public static List<SymbolLocation> functionsMatching(ElfFile elf, String pattern) {
        List<SymbolLocation> all = functions(elf);
        for (ElfSection table : symbolTables(elf)) {
            List<SymbolLocation> out = new ArrayList<>();
            for (SymbolLocation s : all) {
                if (s.table().equals(table.name()) && dev.ebpf4j.internal.Glob.matches(pattern, s.name())) out.add(s);
            }
            if (!out.isEmpty()) return List.copyOf(out);
        }
        return List.of();
    }

    // ---- internals ------------------------------------------------------------------------------------------

    private record Query(String name, String version, boolean defaultOnly) {
        static Query parse(String symbol) {
            int at = symbol.indexOf('@');
            if (at < 0) return new Query(symbol, null, false);
            boolean def = symbol.startsWith("@@", at);
            return new Query(symbol.substring(0, at), symbol.substring(at + (def ? 2 : 1)), def);
        }

        boolean accepts(ElfSymbol s) {
            if (version == null) return true;
            if (!version.equals(s.versionName())) return false;
            return !defaultOnly || s.isDefaultVersion();
        }
    }

    private record Candidate(ElfSymbol symbol, String table) {
    }

    private static List<ElfSection> symbolTables(ElfFile elf) {
        List<ElfSection> tables = new ArrayList<>(elf.sectionsOfType(SHT_SYMTAB));
        tables.addAll(elf.sectionsOfType(SHT_DYNSYM));
        return tables;
    }

    /** Symbols that name a place in the file: not sections, files, TLS offsets or absolute values. */
    private static boolean isAddressable(ElfSymbol s) {
        return s.type() != STT_SECTION && s.type() != STT_FILE && s.type() != STT_TLS
                && s.sectionIndex() != SHN_ABS && s.sectionIndex() != SHN_COMMON;
    }

    /** Lower is better: functions, then the default version, then global/weak binding. */
    private static int rank(ElfSymbol s) {
        int rank = 0;
        if (!s.isFunction()) rank += 4;
        if (!s.isDefaultVersion()) rank += 2;
        if (s.binding() == STB_LOCAL) rank += 1;
        return rank;
    }

    private static long fileOffsetOf(ElfFile elf, ElfSymbol s) {
        boolean hasLoadSegments = elf.segments().stream().anyMatch(ElfSegment::isLoadable);
        if (hasLoadSegments) {
            try {
                return fileOffset(elf, s.value());
            } catch (BpfException e) {
                throw new BpfException("symbol '" + s.qualifiedName() + "': " + e.getMessage(), e);
            }
        }
        if (s.sectionIndex() <= 0 || s.sectionIndex() >= elf.sections().size()) {
            throw new BpfException("symbol '" + s.qualifiedName() + "' in " + elf.name() + " has no section to locate"
                    + " it in (section index " + s.sectionIndex() + ")");
        }
        ElfSection section = elf.section(s.sectionIndex());
        long within = s.value() - section.address();
        if (!section.hasFileData() || Long.compareUnsigned(within, section.size()) >= 0) {
            throw new BpfException(String.format("symbol '%s' at 0x%x in %s is outside the file bytes of %s",
                    s.qualifiedName(), s.value(), elf.name(), section.describe()));
        }
        return checked(elf, section.offset() + within, "symbol '" + s.qualifiedName() + "'");
    }

    private static long checked(ElfFile elf, long offset, String what) {
        if (offset < 0 || offset >= elf.size()) {
            throw new ObjectFormatException(elf.name(), offset, what + " maps to file offset "
                    + Long.toUnsignedString(offset) + ", outside the file (" + elf.size() + " bytes)");
        }
        return offset;
    }

    private static SymbolNotFoundException notFound(ElfFile elf, String symbol, Query query, boolean imported) {
        List<String> nearby = nearby(elf, query.name);
        StringBuilder message = new StringBuilder("symbol '" + symbol + "' not found in " + elf.name());
        if (imported) {
            message.append(" (it is imported there, not defined: attach to the shared library that defines it)");
        } else if (query.version != null) {
            List<String> versions = definedVersions(elf, query.name);
            if (!versions.isEmpty()) message.append(" (defined versions: ").append(String.join(", ", versions))
                    .append(")");
        }
        if (elf.sectionsOfType(SHT_SYMTAB).isEmpty() && elf.sectionsOfType(SHT_DYNSYM).isEmpty()) {
            message.append("; the file has no symbol tables (stripped?)");
        } else if (!nearby.isEmpty()) {
            message.append("; nearby: ").append(String.join(", ", nearby));
        }
        return new SymbolNotFoundException(symbol, elf.name(), message.toString(), nearby);
    }

    private static List<String> definedVersions(ElfFile elf, String name) {
        List<String> out = new ArrayList<>();
        for (ElfSection table : symbolTables(elf)) {
            for (ElfSymbol s : elf.symbols(table)) {
                if (s.isDefined() && s.baseName().equals(name) && !out.contains(s.qualifiedName())) {
                    out.add(s.qualifiedName());
                }
            }
        }
        return out;
    }

    /** Defined names resembling {@code name}: same but for case, containing it, or a few edits away. */
    static List<String> nearby(ElfFile elf, String name) {
        record Match(String name, int tier, int distance) {
        }
        Map<String, Match> matches = new LinkedHashMap<>();
        int maxDistance = Math.max(2, name.length() / 3);
        String lower = name.toLowerCase(Locale.ROOT);
        for (ElfSection table : symbolTables(elf)) {
            for (ElfSymbol s : elf.symbols(table)) {
                if (!s.isDefined() || !isAddressable(s) || s.name().isEmpty()) continue;
                String candidate = s.versionName() != null ? s.qualifiedName() : s.baseName();
                if (matches.containsKey(candidate)) continue;
                String base = s.baseName().toLowerCase(Locale.ROOT);
                Match m = null;
                if (base.equals(lower)) {
                    m = new Match(candidate, 0, 0);
                } else if (base.length() >= 3 && (base.contains(lower) || lower.contains(base))) {
                    m = new Match(candidate, 1, Math.abs(base.length() - lower.length()));
                } else if (Math.abs(base.length() - lower.length()) <= maxDistance) {
                    int d = editDistance(base, lower, maxDistance);
                    if (d <= maxDistance) m = new Match(candidate, 2, d);
                }
                if (m != null) matches.put(candidate, m);
            }
        }
        return matches.values().stream()
                .sorted(Comparator.comparingInt(Match::tier).thenComparingInt(Match::distance)
                        .thenComparing(Match::name))
                .limit(NEARBY_LIMIT).map(Match::name).toList();
    }

    /** Levenshtein distance, giving up (returning limit + 1) once every path exceeds {@code limit}. */
    private static int editDistance(String a, String b, int limit) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) previous[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            int rowMin = current[0];
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
                rowMin = Math.min(rowMin, current[j]);
            }
            if (rowMin > limit) return limit + 1;
            int[] t = previous;
            previous = current;
            current = t;
        }
        return previous[b.length()];
    }
}
