package dev.ebpf4j.internal.loader;

import dev.ebpf4j.ObjectFormatException;
import dev.ebpf4j.btf.Btf;
import dev.ebpf4j.btf.BtfExt;
import dev.ebpf4j.elf.ElfConstants;
import dev.ebpf4j.elf.ElfFile;
import dev.ebpf4j.elf.ElfRelocation;
import dev.ebpf4j.elf.ElfSection;
import dev.ebpf4j.elf.ElfSymbol;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the parts of a BPF object's ELF file the loader uses and checks the file is a BPF relocatable object in the
 * host's byte order. Section contents are read lazily by later stages; relocation, symbol and BTF sections here.
 *
 * <pre>{@code
 * ObjectFile f = ElfObjectReader.read(ElfFile.parse(bytes, "x.bpf.o"), "x.bpf.o");
 * }</pre>
 */
public final class ElfObjectReader {
    private ElfObjectReader() {
    }

    /** Classifies sections, reads symbols, relocations and BTF. */
    public static ObjectFile read(ElfFile elf, String name) {
        checkHeader(elf, name);
        List<SectionKind> kinds = new ArrayList<>(elf.sections().size());
        for (ElfSection s : elf.sections()) kinds.add(SectionKind.of(s));
        List<ElfSymbol> symbols = elf.symbols();
        Map<Integer, List<ElfRelocation>> relocations = new HashMap<>();
        Map<Integer, ElfSection> relocationSections = new HashMap<>();
        for (ElfSection s : elf.sections()) {
            if (s.type() != ElfConstants.SHT_REL && s.type() != ElfConstants.SHT_RELA) continue;
            int target = s.info();
            if (target <= 0 || target >= elf.sections().size()) {
                SectionKind byName = guessTarget(elf, s);
                if (byName == SectionKind.OTHER) continue;
                throw new ObjectFormatException(s.name(), 0, "relocation section applies to section " + target
                        + ", which does not exist (the file has " + elf.sections().size() + " sections)");
            }
            SectionKind k = kinds.get(target);
            if (k != SectionKind.CODE && k != SectionKind.BTF_MAPS && k != SectionKind.STRUCT_OPS) continue;
            if (relocationSections.containsKey(target)) {
                throw new ObjectFormatException(s.name(), 0, "a second relocation section for "
                        + elf.section(target).describe() + " (the first is '" + relocationSections.get(target).name()
                        + "')");
            }
            if (s.link() < 0 || s.link() >= elf.sections().size()) {
                throw new ObjectFormatException(s.name(), 0, "relocation section links to section " + s.link()
                        + ", which does not exist (the file has " + elf.sections().size() + " sections)");
            }
            if (s.link() != 0 && elf.section(s.link()).type() != ElfConstants.SHT_SYMTAB) {
                throw new ObjectFormatException(s.name(), 0, "relocations refer to " + elf.section(s.link()).describe()
                        + ", which is not the symbol table");
            }
            relocations.put(target, elf.relocations(s));
            relocationSections.put(target, s);
        }
        boolean hasCode = kinds.contains(SectionKind.CODE);
        if (hasCode && symbols.isEmpty()) {
            throw new ObjectFormatException(".symtab", -1, "the object has code but no symbol table; programs are "
                    + "found through their function symbols (was the object stripped?)");
        }
        Btf btf = null;
        BtfExt ext = null;
        ElfSection btfSection = elf.section(".BTF").orElse(null);
        if (btfSection != null && btfSection.hasFileData()) {
            btf = Btf.parse(elf.bytes(btfSection), ".BTF", null);
            ElfSection extSection = elf.section(".BTF.ext").orElse(null);
            if (extSection != null && extSection.hasFileData()) {
                ext = BtfExt.parse(MemorySegment.ofArray(elf.bytes(extSection)), ".BTF.ext", btf);
            }
        }
        return new ObjectFile(name, elf, List.copyOf(kinds), symbols, Map.copyOf(relocations),
                Map.copyOf(relocationSections), btf, ext);
    }

    private static SectionKind guessTarget(ElfFile elf, ElfSection rel) {
        String n = rel.name();
        String target = n.startsWith(".rela") ? n.substring(5) : n.startsWith(".rel") ? n.substring(4) : "";
        return elf.section(target).map(SectionKind::of).orElse(SectionKind.OTHER);
    }

    private static void checkHeader(ElfFile elf, String name) {
        ByteOrder order = elf.byteOrder();
        if (order != ByteOrder.nativeOrder()) {
            throw new ObjectFormatException("ELF header", 5, "'" + name + "' is a " + describe(order)
                    + " BPF object (clang -target " + (order == ByteOrder.BIG_ENDIAN ? "bpfeb" : "bpfel") + "), but "
                    + "this host's kernel runs " + describe(ByteOrder.nativeOrder()) + " BPF; rebuild it with "
                    + "clang -target bpf (or -target " + (ByteOrder.nativeOrder() == ByteOrder.BIG_ENDIAN ? "bpfeb"
                    : "bpfel") + ")");
        }
        int machine = elf.header().machine();
        if (machine != ElfConstants.EM_BPF && machine != 0) {
            throw new ObjectFormatException("ELF header", 18, "'" + name + "' is not a BPF object: e_machine is "
                    + machine + ", expected " + ElfConstants.EM_BPF + " (EM_BPF); compile it with clang -target bpf");
        }
        if (elf.header().type() != ElfConstants.ET_REL) {
            throw new ObjectFormatException("ELF header", 16, "'" + name + "' is not a relocatable object: e_type is "
                    + elf.header().type() + ", expected 1 (ET_REL, what clang -c produces)");
        }
    }

    private static String describe(ByteOrder o) {
        return o == ByteOrder.BIG_ENDIAN ? "big-endian" : "little-endian";
    }
}
