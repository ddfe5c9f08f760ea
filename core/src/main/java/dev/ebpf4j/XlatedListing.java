package dev.ebpf4j;

import dev.ebpf4j.asm.CallNames;
import dev.ebpf4j.asm.Disassembler;
import dev.ebpf4j.asm.Instruction;
import dev.ebpf4j.internal.KernelAddressNames;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * A loaded program's translated ("xlated") instructions annotated as {@code bpftool prog dump xlated} shows them:
 * each instruction in the kernel verifier's notation ({@link Disassembler#bpftool()}), with helper, kfunc and
 * subprogram calls named through kernel symbols and the program's JIT-compiled functions, and — when the program
 * has BTF — each function's prototype before its first instruction and each source line before the instructions
 * compiled from it ({@link ProgramDebugInfo}).
 *
 * <pre>{@code
 * XlatedListing listing = XlatedListing.of(prog);
 * System.out.print(listing.text(false, false));
 * // int xdp_main(struct xdp_md * ctx):
 * // ; return XDP_PASS;
 * //    0: (b7) r0 = 2
 * //    1: (95) exit
 * }</pre>
 */
public final class XlatedListing {
    private static final HexFormat HEX = HexFormat.ofDelimiter(" ");

    /**
     * One instruction of the listing and what is printed before it.
     *
     * @param slot              the instruction's slot (index in 8-byte units)
     * @param instruction       the instruction
     * @param text              its text, e.g. {@code (85) call bpf_map_lookup_elem#1}
     * @param functionSignature the prototype of the function starting here, or null
     * @param line              the source line record shown before the instruction, or null
     */
    public record Entry(long slot, Instruction instruction, String text, String functionSignature,
                        ProgramDebugInfo.Line line) {
    }

    private final List<Entry> entries;

    private XlatedListing(List<Entry> entries) {
        this.entries = entries;
    }

    /**
     * The listing of {@code program}: empty when the kernel does not hand out its instructions to this process
     * ({@code kernel.kptr_restrict}, missing CAP_SYS_ADMIN).
     */
    public static XlatedListing of(Program program) {
        return of(program, program.info());
    }

    /** As {@link #of(Program)}, with the program's info already read. */
    public static XlatedListing of(Program program, ProgramInfo info) {
        List<Instruction> instructions = program.xlatedInstructions();
        if (instructions.isEmpty()) return new XlatedListing(List.of());
        Disassembler disassembler = Disassembler.bpftool().withCallNames(new KernelCallNames(jited(program)));
        ProgramDebugInfo dbg = ProgramDebugInfo.of(program, info).orElse(null);
        List<Entry> entries = new ArrayList<>(instructions.size());
        long slot = 0;
        int function = 0;
        int lineSkip = 0;
        for (Instruction insn : instructions) {
            String signature = null;
            if (dbg != null && function < dbg.functions().size() && dbg.functions().get(function).instruction() == slot) {
                String s = dbg.functions().get(function++).signature();
                if (!s.isEmpty()) signature = s;
            }
            ProgramDebugInfo.Line line = null;
            int lineIndex = dbg == null ? -1 : dbg.findLine(slot, lineSkip);
            if (lineIndex >= 0) {
                lineSkip++;
                line = dbg.lines().get(lineIndex);
            }
            entries.add(new Entry(slot, insn, disassembler.format(insn, slot), signature, line));
            slot += insn.slots();
        }
        return new XlatedListing(List.copyOf(entries));
    }

    private static long[] jited(Program program) {
        try {
            return program.jitedFunctionAddresses();
        } catch (BpfException e) {
            return new long[0];
        }
    }

    /** The annotated instructions, in order; empty when the instructions were not available. */
    public List<Entry> entries() {
        return entries;
    }

    /**
     * The listing in bpftool's plain layout: prototypes ({@code int f(void * ctx):}), source lines ({@code ; ...}),
     * then {@code "   0: (bf) r6 = r1"}. {@code sourcePositions} appends {@code [file:F line_num:N line_col:C]} to
     * source lines (bpftool's {@code linum}); {@code opcodes} adds each instruction's bytes in hex below it.
     */
    public String text(boolean sourcePositions, boolean opcodes) {
        StringBuilder sb = new StringBuilder();
        for (Entry e : entries) {
            if (e.functionSignature() != null) sb.append(e.functionSignature()).append(":\n");
            if (e.line() != null && e.line().source() != null) {
                sb.append("; ").append(e.line().source());
                if (sourcePositions) {
                    sb.append(" [file:").append(e.line().file() == null ? "" : e.line().file()).append(" line_num:")
                            .append(e.line().line()).append(" line_col:").append(e.line().column()).append(']');
                }
                sb.append('\n');
            }
            String index = " " + e.slot();
            sb.append(" ".repeat(Math.max(0, 4 - index.length()))).append(index).append(": ").append(e.text())
                    .append('\n');
            if (opcodes) {
                byte[] raw = encode(e.instruction());
                sb.append("       ").append(HEX.formatHex(raw, 0, 8));
                if (e.instruction().isWide()) sb.append(' ').append(HEX.formatHex(raw, 8, 16));
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    /** The instruction's bytes as the kernel holds them (host byte order). */
    private static byte[] encode(Instruction insn) {
        byte[] raw = new byte[insn.slots() * 8];
        insn.encodeTo(MemorySegment.ofArray(raw), 0, ByteOrder.nativeOrder());
        return raw;
    }

    @Override
    public String toString() {
        return "XlatedListing[" + entries.size() + " instructions]";
    }

    /**
     * Names calls as bpftool's callbacks do: helpers and kfuncs by the kernel symbol at {@code __bpf_call_base + imm},
     * subprograms by their JIT-compiled function's symbol ({@code +off#bpf_prog_<tag>_<name>}), or by offset alone
     * when the program is not JIT-compiled. Kernel symbols are read on the first call that needs them.
     */
    private static final class KernelCallNames implements CallNames {
        private static final int PSEUDO_CALL = 1;

        private final long[] jitedFunctions;
        private KernelAddressNames symbols;

        KernelCallNames(long[] jitedFunctions) {
            this.jitedFunctions = jitedFunctions;
        }

        @Override
        public String name(Instruction call) {
            if (call.src() == PSEUDO_CALL) {
                String offset = plusMinus(call.offset());
                if (jitedFunctions.length == 0) return offset;
                int index = call.imm();
                long address = index >= 0 && index < jitedFunctions.length ? jitedFunctions[index]
                        : symbols().callBase() + index;
                return offset + "#" + Optional.ofNullable(symbols().nameAt(address))
                        .orElse("0x" + Long.toHexString(address));
            }
            if (symbols().callBase() == 0) return null;
            long address = symbols().callBase() + call.imm();
            String name = symbols().nameAt(address);
            return name != null ? name : "0x" + Long.toHexString(address);
        }

        private KernelAddressNames symbols() {
            if (symbols == null) symbols = KernelAddressNames.read();
            return symbols;
        }

        private static String plusMinus(int v) {
            return v >= 0 ? "+" + v : Integer.toString(v);
        }
    }
}
