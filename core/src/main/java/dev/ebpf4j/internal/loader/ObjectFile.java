package dev.ebpf4j.internal.loader;

import dev.ebpf4j.btf.Btf;
import dev.ebpf4j.btf.BtfExt;
import dev.ebpf4j.elf.ElfFile;
import dev.ebpf4j.elf.ElfRelocation;
import dev.ebpf4j.elf.ElfSection;
import dev.ebpf4j.elf.ElfSymbol;

import java.util.List;
import java.util.Map;

/**
 * A BPF object's ELF file as the loader needs it: sections classified, the symbol table, the relocations of code,
 * {@code .maps} and struct_ops sections keyed by the section they patch, and the parsed {@code .BTF} / {@code .BTF.ext} (null when
 * absent). Produced by {@link ElfObjectReader}.
 *
 * <pre>{@code
 * ObjectFile f = ElfObjectReader.read(ElfFile.read(path), "minimal.bpf.o");
 * for (ElfSection s : f.sectionsOf(SectionKind.CODE)) { ... }
 * }</pre>
 *
 * @param name        the object's name for messages (file name)
 * @param elf         the ELF file
 * @param kinds       the kind of every section, by index
 * @param symbols     the symbol table (index 0 is the null symbol); empty when the file has none
 * @param relocations relocations by the index of the section they apply to
 * @param relocationSections the relocation section that patches each section, by the patched section's index
 * @param btf         the object's BTF, or null
 * @param btfExt      the object's .BTF.ext, or null
 */
public record ObjectFile(String name, ElfFile elf, List<SectionKind> kinds, List<ElfSymbol> symbols,
                         Map<Integer, List<ElfRelocation>> relocations, Map<Integer, ElfSection> relocationSections,
                         Btf btf, BtfExt btfExt) {

    /** The sections of one kind, in index order. */
    public List<ElfSection> sectionsOf(SectionKind kind) {
        return elf.sections().stream().filter(s -> kinds.get(s.index()) == kind).toList();
    }

    /** The kind of section {@code index}. */
    public SectionKind kind(int index) {
        return index >= 0 && index < kinds.size() ? kinds.get(index) : SectionKind.OTHER;
    }

    /** The relocations patching section {@code index} (empty when none). */
    public List<ElfRelocation> relocationsOf(int index) {
        return relocations.getOrDefault(index, List.of());
    }

    /** The name of the relocation section patching {@code index}, for messages. */
    public String relocationSectionName(int index) {
        ElfSection s = relocationSections.get(index);
        return s == null ? ".rel?" : s.name();
    }
}
