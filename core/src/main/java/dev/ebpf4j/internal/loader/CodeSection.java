package dev.ebpf4j.internal.loader;

import dev.ebpf4j.ObjectFormatException;
import dev.ebpf4j.asm.Instruction;
import dev.ebpf4j.asm.InstructionDecoder;
import dev.ebpf4j.elf.ElfFile;
import dev.ebpf4j.elf.ElfSection;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The decoded instructions of one executable section, with slot ↔ index maps (lddw takes two 8-byte slots), the
 * call targets found by relocation and the functions it defines. Instructions are patched in place by
 * {@link RelocationApplier}; everything is fixed once {@link SubprogramLinker} runs.
 *
 * <pre>{@code
 * CodeSection code = CodeSection.decode(elf, section);
 * int i = code.indexAtByte(0x28);   // the instruction starting at byte 0x28, or -1
 * }</pre>
 */
public final class CodeSection {
    private final ElfSection section;
    private final List<Instruction> insns;
    private final int[] slotOfIndex;
    private final int[] indexOfSlot;
    private final Map<Integer, CallTarget> callTargets = new HashMap<>();
    private List<FunctionSymbol> functions = List.of();

    /**
     * Where a bpf-to-bpf call or a callback address ({@code lddw src=4}) points: the section and slot of the target
     * instruction, and the byte offset of the referring instruction in its own section (for messages).
     */
    public record CallTarget(int sectionIndex, long targetSlot, long fromByte) {
    }

    private CodeSection(ElfSection section, List<Instruction> insns) {
        this.section = section;
        this.insns = new ArrayList<>(insns);
        this.slotOfIndex = new int[insns.size() + 1];
        int slots = 0;
        for (Instruction i : insns) slots += i.slots();
        this.indexOfSlot = new int[slots + 1];
        Arrays.fill(indexOfSlot, -1);
        int slot = 0;
        for (int i = 0; i < insns.size(); i++) {
            slotOfIndex[i] = slot;
            indexOfSlot[slot] = i;
            slot += insns.get(i).slots();
        }
        slotOfIndex[insns.size()] = slot;
        indexOfSlot[slot] = insns.size();
    }

    /** Decodes {@code section} of {@code elf}; its size must be a multiple of 8 and every lddw complete. */
    public static CodeSection decode(ElfFile elf, ElfSection section) {
        if (section.size() % 8 != 0) {
            throw new ObjectFormatException(section.name(), section.size() - section.size() % 8, "program section is "
                    + section.size() + " bytes, not a whole number of 8-byte instructions");
        }
        if (section.size() / 8 > Limits.MAX_SECTION_SLOTS) {
            throw new ObjectFormatException(section.name(), 0, "program section holds " + section.size() / 8
                    + " instruction slots; more than " + Limits.MAX_SECTION_SLOTS + " is not a plausible BPF object");
        }
        List<Instruction> insns = InstructionDecoder.decode(elf.data(section), elf.byteOrder(), section.name());
        return new CodeSection(section, insns);
    }

    public ElfSection section() {
        return section;
    }

    public String name() {
        return section.name();
    }

    /** The instructions (mutable until linking). */
    public List<Instruction> instructions() {
        return insns;
    }

    /** Total 8-byte slots. */
    public int slotCount() {
        return slotOfIndex[insns.size()];
    }

    /** The slot where instruction {@code index} starts ({@code index == size()} gives the slot count). */
    public int slotOf(int index) {
        return slotOfIndex[index];
    }

    /** The index of the instruction starting at {@code slot}; -1 when none does (inside an lddw, out of range). */
    public int indexAtSlot(long slot) {
        if (slot < 0 || slot > slotCount()) return -1;
        return indexOfSlot[(int) slot];
    }

    /** The index of the instruction starting at byte {@code offset}; -1 when none does. */
    public int indexAtByte(long offset) {
        if (offset < 0 || offset % 8 != 0) return -1;
        int i = indexAtSlot(offset / 8);
        return i == insns.size() ? -1 : i;
    }

    /** Records a call/callback target for instruction {@code index}. */
    public void setCallTarget(int index, CallTarget target) {
        callTargets.put(index, target);
    }

    /** The call/callback target recorded for instruction {@code index}, or null. */
    public CallTarget callTarget(int index) {
        return callTargets.get(index);
    }

    /** The functions defined in this section, by start slot. */
    public List<FunctionSymbol> functions() {
        return functions;
    }

    void setFunctions(List<FunctionSymbol> functions) {
        this.functions = List.copyOf(functions);
    }

    /** The function starting exactly at {@code slot}, or null. */
    public FunctionSymbol functionAt(long slot) {
        for (FunctionSymbol f : functions) if (f.startSlot() == slot) return f;
        return null;
    }
}
