package dev.ebpf4j.asm;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Turns instructions into text in one of two familiar styles.
 * <ul>
 *   <li>{@link #llvm()}: as {@code llvm-objdump-19 -d --no-show-raw-insn} prints BPF: {@code r1 = *(u32 *)(r1 + 0x0)},
 *   {@code if r1 == 0x0 goto +0x2 <prog+0x58>}, {@code lock *(u64 *)(r1 + 0x0) += r2}, {@code r1 = 0x0 ll}.
 *   {@link #withAlu32(boolean) withAlu32(true)} prints 1/2/4-byte loads, stores and atomics on sub-registers
 *   ({@code w1 = *(u32 *)...}) as llvm-objdump does with {@code --mcpu=v3} or later. With
 *   {@link #withSymbols(Map) symbols} jump targets get llvm-objdump's {@code <symbol+0xoffset>} annotation.</li>
 *   <li>{@link #bpftool()}: as {@code bpftool prog dump xlated} prints: {@code (b7) r0 = 0},
 *   {@code (15) if r0 == 0x0 goto pc+3}, {@code (85) call bpf_map_lookup_elem#1}; {@link #withCallNames} names
 *   the calls of a loaded program's translated instructions as bpftool does.</li>
 * </ul>
 * A disassembler is immutable; the {@code with*} methods return changed copies.
 *
 * <pre>{@code
 * List<Instruction> prog = new Asm().mov64(R0, 42).exit().build();
 * System.out.print(Disassembler.llvm().listing(prog));
 * //        0:	r0 = 0x2a
 * //        1:	exit
 * System.out.print(Disassembler.bpftool().listing(prog));
 * //    0: (b7) r0 = 42
 * //    1: (95) exit
 * }</pre>
 */
public final class Disassembler {
    /** The output style. */
    public enum Style {
        /** llvm-objdump's BPF syntax. */
        LLVM,
        /** bpftool's (the kernel verifier's) syntax. */
        BPFTOOL
    }

    private final Style style;
    private final boolean alu32;
    private final NavigableMap<Long, String> symbols;
    private final CallNames callNames;

    private Disassembler(Style style, boolean alu32, NavigableMap<Long, String> symbols, CallNames callNames) {
        this.style = style;
        this.alu32 = alu32;
        this.symbols = symbols;
        this.callNames = callNames;
    }

    /** llvm-objdump style, as without {@code --mcpu} (sub-register forms off). */
    public static Disassembler llvm() {
        return new Disassembler(Style.LLVM, false, null, null);
    }

    /** bpftool {@code prog dump xlated} style. */
    public static Disassembler bpftool() {
        return new Disassembler(Style.BPFTOOL, false, null, null);
    }

    /** This disassembler's style. */
    public Style style() {
        return style;
    }

    /**
     * With {@code alu32}, the llvm style prints 1/2/4-byte loads, stores and atomics on 32-bit sub-registers
     * ({@code w1 = *(u16 *)(r2 + 0x4)}), matching {@code llvm-objdump --mcpu=v3} and later. No effect on bpftool style.
     */
    public Disassembler withAlu32(boolean alu32) {
        return new Disassembler(style, alu32, symbols, callNames);
    }

    /**
     * Names jump targets: {@code symbols} maps byte offsets (from the start of the code, i.e. slot × 8) to names; a
     * target is shown as the nearest name at or before it plus the distance, {@code <prog+0x58>}. Llvm style only.
     */
    public Disassembler withSymbols(Map<Long, String> symbols) {
        NavigableMap<Long, String> copy = symbols == null ? null
                : Collections.unmodifiableNavigableMap(new TreeMap<>(symbols));
        return new Disassembler(style, alu32, copy, callNames);
    }

    /**
     * Names call targets through {@code names} where the instruction alone cannot (see {@link CallNames}); bpftool
     * style only. A loaded program's translated instructions need this to print as bpftool prints them, which
     * {@code dev.ebpf4j.XlatedListing} does.
     */
    public Disassembler withCallNames(CallNames names) {
        return new Disassembler(style, alu32, symbols, names);
    }

    /** The text of one instruction found at slot {@code slot} (needed for jump targets), without a slot prefix. */
    public String format(Instruction instruction, long slot) {
        Objects.requireNonNull(instruction, "instruction");
        return switch (style) {
            case LLVM -> new LlvmSyntax(alu32, symbols).format(instruction, slot);
            case BPFTOOL -> new BpftoolSyntax(callNames).format(instruction);
        };
    }

    /** The text of each instruction, without slot prefixes; the first instruction is at slot 0. */
    public List<String> format(List<Instruction> instructions) {
        List<String> out = new ArrayList<>(instructions.size());
        long slot = 0;
        for (Instruction insn : instructions) {
            out.add(format(insn, slot));
            slot += insn.slots();
        }
        return out;
    }

    /** A listing with one line per instruction, numbered by slot from 0, in the style's layout. */
    public String listing(List<Instruction> instructions) {
        return listing(instructions, 0);
    }

    /**
     * A listing whose first instruction is at slot {@code firstSlot}, e.g. a function in the middle of a section
     * (jump targets and {@link #withSymbols(Map) symbols} are then relative to the section start).
     */
    public String listing(List<Instruction> instructions, long firstSlot) {
        StringBuilder out = new StringBuilder();
        long slot = firstSlot;
        LlvmSyntax llvm = new LlvmSyntax(alu32, symbols);
        BpftoolSyntax bpftool = new BpftoolSyntax(callNames);
        for (Instruction insn : instructions) {
            if (style == Style.LLVM) {
                out.append(String.format("%8d:\t%s\n", slot, llvm.format(insn, slot)));
            } else {
                out.append(String.format("%4d: %s\n", slot, bpftool.format(insn)));
            }
            slot += insn.slots();
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return "Disassembler[" + style + (alu32 ? ", alu32" : "") + (symbols != null ? ", symbols" : "")
                + (callNames != null ? ", call names" : "") + "]";
    }
}
