package dev.ebpf4j.internal.loader;

import dev.ebpf4j.ObjectFormatException;
import dev.ebpf4j.asm.Instruction;
import dev.ebpf4j.elf.ElfConstants;
import dev.ebpf4j.elf.ElfRelocation;
import dev.ebpf4j.elf.ElfSection;
import dev.ebpf4j.elf.ElfSymbol;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies the relocations of executable sections, in kernel-independent form: map loads become
 * {@code lddw src=1} (BPF_PSEUDO_MAP_FD) and global data loads {@code lddw src=2} (BPF_PSEUDO_MAP_VALUE, offset in
 * the high half), both with {@link Instruction#reference()} naming the map; kfunc calls become {@code call src=2}
 * and ksym loads keep their extern name as reference (the kernel-specific values are filled at load); kconfig loads
 * point into the {@code .kconfig} map; {@code __arena} variable loads become {@code lddw src=2} into the arena map,
 * offset relative to the arena data. Calls and callback addresses ({@code lddw src=4}) get their target recorded
 * for {@link SubprogramLinker}; calls without relocation are relative within their section.
 *
 * <pre>{@code
 * RelocationApplier.apply(objectFile, functionTable, maps, externs);
 * }</pre>
 */
public final class RelocationApplier {
    /** Relocation types of BPF ELF objects (see llvm/BinaryFormat/ELFRelocs/BPF.def). */
    static final int R_BPF_NONE = 0;
    static final int R_BPF_64_64 = 1;
    static final int R_BPF_64_ABS64 = 2;
    static final int R_BPF_64_ABS32 = 3;
    static final int R_BPF_64_NODYLD32 = 4;
    static final int R_BPF_64_32 = 10;

    static final int CALL = 0x85;
    static final int PSEUDO_MAP_FD = 1;
    static final int PSEUDO_MAP_VALUE = 2;
    static final int PSEUDO_BTF_ID = 3;
    static final int PSEUDO_FUNC = 4;
    static final int PSEUDO_CALL = 1;
    static final int PSEUDO_KFUNC_CALL = 2;

    private final ObjectFile object;
    private final FunctionTable functions;
    private final Map<Long, String> btfMapsByOffset = new HashMap<>();
    private final Map<Long, String> legacyMapsByOffset = new HashMap<>();
    private final Map<String, ExternSpec> externs;
    private final ArenaData arena;

    private RelocationApplier(ObjectFile object, FunctionTable functions, List<MapDefinition> maps,
                              Map<String, ExternSpec> externs, ArenaData arena) {
        this.object = object;
        this.functions = functions;
        this.externs = externs;
        this.arena = arena;
        for (MapDefinition d : maps) {
            if (d.origin() == MapDefinition.Origin.BTF_MAPS) btfMapsByOffset.put(d.offset(), d.name());
            if (d.origin() == MapDefinition.Origin.LEGACY_MAPS) legacyMapsByOffset.put(d.offset(), d.name());
        }
    }

    /** Patches every code section of {@code functions} in place, for an object without arena variables. */
    public static void apply(ObjectFile object, FunctionTable functions, List<MapDefinition> maps,
                             Map<String, ExternSpec> externs) {
        apply(object, functions, maps, externs, null);
    }

    /**
     * Patches every code section of {@code functions} in place; loads of {@code __arena} variables point into the
     * arena map of {@code arena} (null when the object has none), at offsets relative to the arena data (the loader
     * adds where the data lies in the arena).
     */
    public static void apply(ObjectFile object, FunctionTable functions, List<MapDefinition> maps,
                             Map<String, ExternSpec> externs, ArenaData arena) {
        RelocationApplier a = new RelocationApplier(object, functions, maps, externs, arena);
        for (CodeSection code : functions.sections().values()) {
            for (ElfRelocation r : object.relocationsOf(code.section().index())) a.relocate(code, r);
            relativeCalls(code);
        }
    }

    private void relocate(CodeSection code, ElfRelocation r) {
        if (r.type() == R_BPF_NONE) return;
        String rel = object.relocationSectionName(code.section().index());
        long entry = (long) r.index() * (r.hasAddend() ? 24 : 16);
        int index = code.indexAtByte(r.offset());
        if (index < 0) {
            throw new ObjectFormatException(rel, entry, "relocation " + r.index() + " patches byte " + r.offset()
                    + " of '" + code.name() + "', which is not the start of an instruction (the section has "
                    + code.slotCount() * 8L + " bytes)");
        }
        List<Instruction> insns = code.instructions();
        Instruction insn = insns.get(index);
        ElfSymbol sym = object.symbols().get(r.symbolIndex());
        long addend = r.hasAddend() ? r.addend() : insn.imm();
        String at = "relocation " + r.index() + " (" + typeName(r.type()) + " against '" + symbolName(sym)
                + "') at byte " + r.offset() + " of '" + code.name() + "'";
        if (r.type() != R_BPF_64_64 && r.type() != R_BPF_64_32 && r.type() != R_BPF_64_ABS32
                && r.type() != R_BPF_64_NODYLD32 && r.type() != R_BPF_64_ABS64) {
            throw new ObjectFormatException(rel, entry, at + ": unknown relocation type " + r.type());
        }
        if (insn.opcode() == CALL) {
            insns.set(index, call(code, index, insn, sym, addend, rel, entry, at, r.offset()));
        } else if (insn.isWide()) {
            insns.set(index, load(code, index, insn, sym, addend, rel, entry, at, r.offset()));
        } else {
            throw new ObjectFormatException(rel, entry, at + ": the instruction there (opcode 0x"
                    + Integer.toHexString(insn.opcode()) + ") is neither a call nor a 64-bit load (lddw)");
        }
    }

    private Instruction call(CodeSection code, int index, Instruction insn, ElfSymbol sym, long addend, String rel, long entry,
                             String at, long fromByte) {
        if (sym.sectionIndex() == ElfConstants.SHN_UNDEF) {
            ExternSpec e = externs.get(sym.name());
            if (e == null || e.kind() != ExternSpec.Kind.KFUNC) {
                throw new ObjectFormatException(rel, entry, at + ": calls '" + sym.name() + "', which is not a "
                        + "kernel function declared __ksym");
            }
            return new Instruction(CALL, 0, PSEUDO_KFUNC_CALL, (short) 0, 0, sym.name());
        }
        if (object.kind(sym.sectionIndex()) != SectionKind.CODE) {
            throw new ObjectFormatException(rel, entry, at + ": a call must target a function in an executable "
                    + "section, but '" + symbolName(sym) + "' is in " + sectionName(sym.sectionIndex()));
        }
        if (sym.value() % 8 != 0) {
            throw new ObjectFormatException(rel, entry, at + ": call target symbol value " + sym.value()
                    + " is not instruction-aligned");
        }
        long target = sym.value() / 8 + addend + 1;
        code.setCallTarget(index, new CodeSection.CallTarget(sym.sectionIndex(), target, fromByte));
        return insn.src() == PSEUDO_CALL ? insn.withConstant(-1) : insn.withSrc(PSEUDO_CALL).withConstant(-1);
    }

    private Instruction load(CodeSection code, int index, Instruction insn, ElfSymbol sym, long addend, String rel,
                             long entry, String at, long fromByte) {
        if (sym.sectionIndex() == ElfConstants.SHN_UNDEF) {
            ExternSpec e = externs.get(sym.name());
            if (e == null) {
                throw new ObjectFormatException(rel, entry, at + ": loads the address of '" + sym.name()
                        + "', which is undefined and not a __kconfig or __ksym extern");
            }
            if (e.kind() == ExternSpec.Kind.KCONFIG) {
                return new Instruction(Instruction.LDDW, insn.dst(), PSEUDO_MAP_VALUE, (short) 0,
                        (long) (e.offset() + (int) addend) << 32, ExternCollector.KCONFIG);
            }
            return new Instruction(Instruction.LDDW, insn.dst(), 0, (short) 0, 0, sym.name());
        }
        if (sym.sectionIndex() >= object.elf().sections().size() || sym.sectionIndex() >= ElfConstants.SHN_LORESERVE) {
            throw new ObjectFormatException(rel, entry, at + ": the symbol's section " + sym.sectionIndex()
                    + " is not a section of the file");
        }
        SectionKind kind = object.kind(sym.sectionIndex());
        ElfSection target = object.elf().section(sym.sectionIndex());
        boolean sectionSymbol = sym.type() == ElfConstants.STT_SECTION;
        switch (kind) {
            case CODE -> {
                long byteOffset = sym.value() + addend;
                if (byteOffset < 0 || byteOffset % 8 != 0 || byteOffset >= target.size()) {
                    throw new ObjectFormatException(rel, entry, at + ": function address " + byteOffset
                            + " is not an instruction inside '" + target.name() + "'");
                }
                code.setCallTarget(index, new CodeSection.CallTarget(sym.sectionIndex(), byteOffset / 8, fromByte));
                return new Instruction(Instruction.LDDW, insn.dst(), PSEUDO_FUNC, (short) 0, 0, null);
            }
            case BTF_MAPS, LEGACY_MAPS -> {
                if (!sectionSymbol && addend != 0) {
                    throw new ObjectFormatException(rel, entry, at + ": a map reference cannot carry an offset ("
                            + addend + ")");
                }
                long offset = sym.value() + (sectionSymbol ? addend : 0);
                String map = (kind == SectionKind.BTF_MAPS ? btfMapsByOffset : legacyMapsByOffset).get(offset);
                if (map == null) {
                    throw new ObjectFormatException(rel, entry, at + ": no map definition starts at offset " + offset
                            + " of '" + target.name() + "'");
                }
                return new Instruction(Instruction.LDDW, insn.dst(), PSEUDO_MAP_FD, (short) 0, 0, map);
            }
            case DATA, RODATA, BSS -> {
                long offset = sym.value() + addend;
                if (offset < 0 || offset > target.size()) {
                    throw new ObjectFormatException(rel, entry, at + ": offset " + offset + " lies outside the "
                            + target.size() + "-byte section '" + target.name() + "'");
                }
                return new Instruction(Instruction.LDDW, insn.dst(), PSEUDO_MAP_VALUE, (short) 0, offset << 32,
                        target.name());
            }
            case ARENA -> {
                if (arena == null || !target.name().equals(arena.section())) {
                    throw new ObjectFormatException(rel, entry, at + ": refers to " + target.describe() + "; only "
                            + ArenaVariables.SECTION + " (__arena variables) is an address space ebpf4j places");
                }
                long offset = sym.value() + addend;
                if (offset < 0 || offset > target.size()) {
                    throw new ObjectFormatException(rel, entry, at + ": offset " + offset + " lies outside the "
                            + target.size() + "-byte section '" + target.name() + "'");
                }
                return new Instruction(Instruction.LDDW, insn.dst(), PSEUDO_MAP_VALUE, (short) 0, offset << 32,
                        arena.map());
            }
            default -> throw new ObjectFormatException(rel, entry, at + ": refers to " + target.describe()
                    + ", which is not code, a map or global data (" + kind + ")");
        }
    }

    /** Records targets of calls and callback loads that have no relocation: relative to their own section. */
    private static void relativeCalls(CodeSection code) {
        List<Instruction> insns = code.instructions();
        for (int i = 0; i < insns.size(); i++) {
            Instruction insn = insns.get(i);
            if (code.callTarget(i) != null) continue;
            boolean call = insn.opcode() == CALL && insn.src() == PSEUDO_CALL;
            boolean func = insn.isWide() && insn.src() == PSEUDO_FUNC;
            if (!call && !func) continue;
            long target = code.slotOf(i) + (long) insn.imm() + 1;
            code.setCallTarget(i, new CodeSection.CallTarget(code.section().index(), target, code.slotOf(i) * 8L));
        }
    }

    private String sectionName(int index) {
        if (index <= 0 || index >= object.elf().sections().size()) return "section " + index;
        return object.elf().section(index).describe();
    }

    private String symbolName(ElfSymbol s) {
        if (s.type() == ElfConstants.STT_SECTION && s.sectionIndex() > 0
                && s.sectionIndex() < object.elf().sections().size()) {
            return object.elf().section(s.sectionIndex()).name();
        }
        return s.name().isEmpty() ? "symbol " + s.index() : s.name();
    }

    static String typeName(int type) {
        return switch (type) {
            case R_BPF_NONE -> "R_BPF_NONE";
            case R_BPF_64_64 -> "R_BPF_64_64";
            case R_BPF_64_ABS64 -> "R_BPF_64_ABS64";
            case R_BPF_64_ABS32 -> "R_BPF_64_ABS32";
            case R_BPF_64_NODYLD32 -> "R_BPF_64_NODYLD32";
            case R_BPF_64_32 -> "R_BPF_64_32";
            default -> "type " + type;
        };
    }
}
