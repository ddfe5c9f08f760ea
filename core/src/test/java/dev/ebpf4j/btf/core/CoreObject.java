package dev.ebpf4j.btf.core;

import dev.ebpf4j.asm.Instruction;
import dev.ebpf4j.asm.Instructions;
import dev.ebpf4j.btf.Btf;
import dev.ebpf4j.btf.BtfCoreRelo;
import dev.ebpf4j.btf.BtfExt;
import dev.ebpf4j.elf.ElfFile;
import dev.ebpf4j.elf.ElfSection;
import dev.ebpf4j.elf.ElfSymbol;
import dev.ebpf4j.testkit.TestObjects;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A clang-built test object split into programs the way the object loader will: one program per function symbol of
 * an executable section, with the section's CO-RE relocations moved to program-relative offsets. Only objects
 * without map or call relocations can be loaded this way.
 */
record CoreObject(Path path, Btf btf, Map<String, Prog> programs) {
    record Prog(String name, String section, List<Instruction> instructions, List<BtfCoreRelo> relocations) {
    }

    static CoreObject of(String name) {
        Path path = TestObjects.bpf(name);
        ElfFile elf = ElfFile.read(path);
        Btf btf = Btf.parse(elf.bytes(elf.section(".BTF").orElseThrow()));
        BtfExt ext = BtfExt.parse(elf.bytes(elf.section(".BTF.ext").orElseThrow()), btf);
        Map<String, Prog> programs = new LinkedHashMap<>();
        for (ElfSymbol sym : elf.symbols()) {
            if (!sym.isFunction() || !sym.isDefined() || sym.size() == 0) continue;
            ElfSection section = elf.section(sym.sectionIndex());
            if (!section.isExecutable()) continue;
            MemorySegment code = elf.data(section).asSlice(sym.value(), sym.size());
            List<Instruction> insns = Instructions.decode(code, elf.byteOrder(), section.name());
            List<BtfCoreRelo> relos = new ArrayList<>();
            for (BtfCoreRelo r : ext.coreRelos(section.name())) {
                if (r.insnOffset() >= sym.value() && r.insnOffset() < sym.value() + sym.size()) {
                    relos.add(new BtfCoreRelo((int) (r.insnOffset() - sym.value()), r.typeId(), r.accessString(),
                            r.kind()));
                }
            }
            programs.put(sym.name(), new Prog(sym.name(), section.name(), insns, relos));
        }
        return new CoreObject(path, btf, programs);
    }

    Prog program(String name) {
        Prog p = programs.get(name);
        if (p == null) throw new IllegalArgumentException("no program " + name + " in " + path);
        return p;
    }
}
