package dev.ebpf4j.elf;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What GNU readelf says about a file (sections, symbols, segments, relocation counts), parsed from its {@code -W}
 * output, as the independent oracle for the ELF reader tests.
 *
 * <pre>{@code
 * List<ReadelfOracle.Section> sections = ReadelfOracle.sections(path);
 * }</pre>
 */
final class ReadelfOracle {
    private ReadelfOracle() {
    }

    record Section(int index, String name, String type, long address, long offset, long size, long entrySize,
                   int link, int info, long alignment) {
    }

    record Symbol(int index, long value, long size, String type, String binding, String sectionIndex, String name) {
    }

    record Segment(String type, long offset, long virtualAddress, long physicalAddress, long fileSize,
                   long memorySize, long alignment) {
    }

    private static final Pattern SECTION = Pattern.compile("^\\s*\\[\\s*(\\d+)]\\s(.*?)\\s+(\\S+)\\s+([0-9a-f]{16})"
            + "\\s+([0-9a-f]+)\\s+([0-9a-f]+)\\s+([0-9a-f]+)\\s+([A-Za-z]*)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s*$");
    private static final Pattern SYMBOL_TABLE = Pattern.compile("^Symbol table '(.*)' contains (\\d+) entr");
    private static final Pattern SYMBOL = Pattern.compile("^\\s*(\\d+):\\s+([0-9a-f]+)\\s+(\\d+|0x[0-9a-f]+)\\s+"
            + "(\\S+)\\s+(\\S+)\\s+(\\S+)(?:\\s+\\[[^]]*])?\\s+(\\S+)\\s?(.*)$");
    private static final Pattern SEGMENT = Pattern.compile("^\\s+([A-Z_0-9+a-fx]+)\\s+0x([0-9a-f]+)\\s+0x([0-9a-f]+)"
            + "\\s+0x([0-9a-f]+)\\s+0x([0-9a-f]+)\\s+0x([0-9a-f]+)\\s+[RWE ]+?\\s+0x([0-9a-f]+)\\s*$");
    private static final Pattern RELOCATIONS = Pattern.compile("^Relocation section '(.*)' at offset 0x[0-9a-f]+"
            + " contains (\\d+) entr");

    static List<Section> sections(Path file) {
        List<Section> out = new ArrayList<>();
        for (String line : ExternalTools.run("readelf", "-SW", file.toString()).split("\n")) {
            Matcher m = SECTION.matcher(line);
            if (!m.matches()) continue;
            out.add(new Section(Integer.parseInt(m.group(1)), m.group(2).trim(), m.group(3), hex(m.group(4)),
                    hex(m.group(5)), hex(m.group(6)), hex(m.group(7)), Integer.parseInt(m.group(9)),
                    Integer.parseInt(m.group(10)), Long.parseLong(m.group(11))));
        }
        return out;
    }

    /** Symbol table name ({@code .symtab}, {@code .dynsym}) → its symbols, from {@code readelf -sW}. */
    static Map<String, List<Symbol>> symbols(Path file) {
        Map<String, List<Symbol>> out = new LinkedHashMap<>();
        List<Symbol> current = null;
        for (String line : ExternalTools.run("readelf", "-sW", file.toString()).split("\n")) {
            Matcher t = SYMBOL_TABLE.matcher(line);
            if (t.find()) {
                current = new ArrayList<>();
                out.put(t.group(1), current);
                continue;
            }
            Matcher m = SYMBOL.matcher(line);
            if (m.matches() && current != null) {
                String size = m.group(3);
                current.add(new Symbol(Integer.parseInt(m.group(1)), hex(m.group(2)),
                        size.startsWith("0x") ? hex(size.substring(2)) : Long.parseLong(size), m.group(4), m.group(5),
                        m.group(7), m.group(8).replaceAll(" \\(\\d+\\)$", "")));
            }
        }
        return out;
    }

    /** Declared entry counts of the symbol tables. */
    static Map<String, Integer> symbolCounts(Path file) {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (String line : ExternalTools.run("readelf", "-sW", file.toString()).split("\n")) {
            Matcher t = SYMBOL_TABLE.matcher(line);
            if (t.find()) out.put(t.group(1), Integer.parseInt(t.group(2)));
        }
        return out;
    }

    static List<Segment> segments(Path file) {
        List<Segment> out = new ArrayList<>();
        for (String line : ExternalTools.run("readelf", "-lW", file.toString()).split("\n")) {
            Matcher m = SEGMENT.matcher(line);
            if (!m.matches()) continue;
            out.add(new Segment(m.group(1), hex(m.group(2)), hex(m.group(3)), hex(m.group(4)), hex(m.group(5)),
                    hex(m.group(6)), hex(m.group(7))));
        }
        return out;
    }

    /** Relocation section name → entry count, from {@code readelf -rW}. */
    static Map<String, Integer> relocationCounts(Path file) {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (String line : ExternalTools.run("readelf", "-rW", file.toString()).split("\n")) {
            Matcher m = RELOCATIONS.matcher(line);
            if (m.find()) out.put(m.group(1), Integer.parseInt(m.group(2)));
        }
        return out;
    }

    static long hex(String s) {
        return Long.parseUnsignedLong(s, 16);
    }
}
