package dev.ebpf4j.internal.loader;

import dev.ebpf4j.ObjectFormatException;
import dev.ebpf4j.elf.ElfConstants;
import dev.ebpf4j.elf.ElfSection;
import dev.ebpf4j.elf.ElfSymbol;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes every executable section and finds its functions from the symbol table (STT_FUNC symbols), checking that
 * they start on instruction boundaries, lie inside their section and do not overlap. Functions without a size
 * extend to the next function or the section end.
 *
 * <pre>{@code
 * FunctionTable t = FunctionTable.build(objectFile);
 * for (FunctionSymbol p : t.programs()) System.out.println(p.name() + " in " + p.section());
 * }</pre>
 */
public final class FunctionTable {
    private final Map<Integer, CodeSection> sections;
    private final Map<String, FunctionSymbol> byName;

    private FunctionTable(Map<Integer, CodeSection> sections, Map<String, FunctionSymbol> byName) {
        this.sections = sections;
        this.byName = byName;
    }

    /** Decodes code sections and collects their functions. */
    public static FunctionTable build(ObjectFile object) {
        Map<Integer, CodeSection> sections = new LinkedHashMap<>();
        Map<String, FunctionSymbol> byName = new HashMap<>();
        Map<Integer, List<ElfSymbol>> symbolsBySection = new HashMap<>();
        for (ElfSymbol s : object.symbols()) {
            if (s.type() != ElfConstants.STT_FUNC || s.name().isEmpty()) continue;
            if (object.kind(s.sectionIndex()) != SectionKind.CODE) continue;
            symbolsBySection.computeIfAbsent(s.sectionIndex(), k -> new ArrayList<>()).add(s);
        }
        for (ElfSection section : object.sectionsOf(SectionKind.CODE)) {
            if (section.size() == 0) continue;
            CodeSection code = CodeSection.decode(object.elf(), section);
            List<ElfSymbol> symbols = symbolsBySection.getOrDefault(section.index(), List.of());
            if (symbols.isEmpty()) {
                throw new ObjectFormatException(section.name(), 0, "executable section holds " + code.slotCount()
                        + " instruction slots but no function symbol; programs and subprograms are found through "
                        + "their STT_FUNC symbols");
            }
            code.setFunctions(functions(code, symbols));
            for (FunctionSymbol f : code.functions()) {
                FunctionSymbol other = byName.putIfAbsent(f.name(), f);
                if (other != null && f.global() && other.global()) {
                    throw new ObjectFormatException(f.section(), f.startSlot() * 8L, "global function '" + f.name()
                            + "' is defined twice (also in section '" + other.section() + "')");
                }
                if (other != null && f.global()) byName.put(f.name(), f);
            }
            sections.put(section.index(), code);
        }
        return new FunctionTable(sections, byName);
    }

    private static List<FunctionSymbol> functions(CodeSection code, List<ElfSymbol> symbols) {
        String name = code.name();
        long bytes = code.section().size();
        List<ElfSymbol> sorted = new ArrayList<>(symbols);
        sorted.sort(Comparator.comparingLong(ElfSymbol::value).thenComparingInt(ElfSymbol::index));
        List<FunctionSymbol> out = new ArrayList<>();
        for (int i = 0; i < sorted.size(); i++) {
            ElfSymbol s = sorted.get(i);
            long start = s.value();
            if (start < 0 || start >= bytes || start % 8 != 0) {
                throw new ObjectFormatException(name, start, "function '" + s.name() + "' starts at byte " + start
                        + ", which is not an instruction boundary inside the " + bytes + "-byte section");
            }
            if (i > 0 && sorted.get(i - 1).value() == start) continue;    // an alias of the previous symbol
            long nextStart = bytes;
            for (int j = i + 1; j < sorted.size(); j++) {
                if (sorted.get(j).value() != start) {
                    nextStart = sorted.get(j).value();
                    break;
                }
            }
            long size = s.size();
            long end = size == 0 ? nextStart : start + size;
            if (size < 0 || size % 8 != 0 || end > bytes || end < start) {
                throw new ObjectFormatException(name, start, "function '" + s.name() + "' has size " + size
                        + ", which does not fit the " + bytes + "-byte section in whole instructions");
            }
            if (end > nextStart) {
                throw new ObjectFormatException(name, start, "function '" + s.name() + "' [" + start + ", " + end
                        + ") overlaps the next function at byte " + nextStart);
            }
            int startIndex = code.indexAtSlot(start / 8);
            int endIndex = code.indexAtSlot(end / 8);
            if (startIndex < 0 || endIndex < 0) {
                throw new ObjectFormatException(name, startIndex < 0 ? start : end, "function '" + s.name()
                        + "' starts or ends inside a two-slot lddw instruction");
            }
            boolean global = s.binding() == ElfConstants.STB_GLOBAL || s.binding() == ElfConstants.STB_WEAK;
            out.add(new FunctionSymbol(s.name(), code.section().index(), name, (int) (start / 8), (int) (end / 8),
                    startIndex, endIndex, global));
        }
        return out;
    }

    /** The decoded code sections by section index. */
    public Map<Integer, CodeSection> sections() {
        return sections;
    }

    /** The code section with index {@code index}, or null. */
    public CodeSection section(int index) {
        return sections.get(index);
    }

    /** The function named {@code name} (a global one when a static one has the same name), or null. */
    public FunctionSymbol function(String name) {
        return byName.get(name);
    }

    /** Program entry points in section order, then by offset. */
    public List<FunctionSymbol> programs() {
        List<FunctionSymbol> out = new ArrayList<>();
        for (CodeSection c : sections.values()) {
            for (FunctionSymbol f : c.functions()) if (f.isProgram()) out.add(f);
        }
        return out;
    }
}
