package dev.ebpf4j.btf.core;

import dev.ebpf4j.asm.Disassembler;
import dev.ebpf4j.asm.Instruction;
import dev.ebpf4j.asm.Opcodes;

/**
 * Writes a relocated value into its instruction, as libbpf does, after checking that the instruction still holds
 * the value the compiler computed from the local BTF (unless the relocation kind is exempt from that check):
 * <ul>
 * <li>ALU/ALU64 with an immediate operand ({@code r1 = 8}, {@code r1 += 8}, ...): the immediate;</li>
 * <li>LDX/ST/STX: the 16-bit offset; for a field byte offset whose size differs between local and target the
 * access size is rewritten too (1/2/4/8 bytes), which is only safe for pointers and unsigned integers — otherwise
 * the instruction is poisoned ({@link #patch} returns null);</li>
 * <li>{@code lddw} without a symbol or pseudo source: the 64-bit immediate.</li>
 * </ul>
 * Any other instruction is an error.
 */
final class InstructionPatcher {
    /** The helper id a poisoned instruction calls (0xbad2310, "bad relo"), as libbpf uses. */
    static final int POISON_HELPER = 0xbad2310;
    /** The poisoned instruction: {@code call 0xbad2310}. */
    static final Instruction POISON = new Instruction(Opcodes.JMP | Opcodes.CALL, 0, 0, (short) 0, POISON_HELPER,
            null);

    private InstructionPatcher() {
    }

    /** The patched instruction, or null when it must be poisoned because its access size cannot safely change. */
    static Instruction patch(Instruction insn, int slot, Resolution r) {
        long value = r.value();
        switch (insn.opClass()) {
            case Opcodes.ALU, Opcodes.ALU64 -> {
                if (Opcodes.source(insn.opcode()) != Opcodes.K) {
                    throw CoreFailure.object("insn #" + slot + " (" + text(insn, slot) + ") takes a register operand;"
                            + " a CO-RE relocation can only patch an immediate");
                }
                if (r.validate() && insn.imm() != r.expected()) {
                    throw unexpected(insn, slot, "ALU/ALU64", insn.imm(), r);
                }
                if (value < Integer.MIN_VALUE || value > 0xffff_ffffL) {
                    throw CoreFailure.target("value " + value + " for insn #" + slot + " (" + text(insn, slot)
                            + ") does not fit a 32-bit immediate");
                }
                return insn.withConstant((int) value);
            }
            case Opcodes.LDX, Opcodes.ST, Opcodes.STX -> {
                if (r.validate() && insn.offset() != r.expected()) {
                    throw unexpected(insn, slot, "LDX/ST/STX", insn.offset(), r);
                }
                if (value < 0 || value > Short.MAX_VALUE) {
                    throw CoreFailure.target("insn #" + slot + " (" + text(insn, slot) + "): offset " + value
                            + " does not fit the instruction's 16-bit offset");
                }
                if (r.unsafeSizeChange()) return null;
                Instruction out = insn.withOffset((short) value);
                if (r.targetSize() != r.expectedSize()) {
                    int bytes = Opcodes.sizeBytes(Opcodes.size(insn.opcode()));
                    if (bytes != r.expectedSize()) {
                        throw CoreFailure.object("insn #" + slot + " (" + text(insn, slot) + ") accesses " + bytes
                                + " bytes but the field has " + r.expectedSize());
                    }
                    int size = switch (r.targetSize()) {
                        case 1, 2, 4, 8 -> Opcodes.sizeOf(r.targetSize());
                        default -> throw CoreFailure.target("insn #" + slot + " (" + text(insn, slot) + "): the "
                                + "target field has " + r.targetSize() + " bytes, which no load or store can access");
                    };
                    int opcode = Opcodes.mode(insn.opcode()) | size | insn.opClass();
                    out = new Instruction(opcode, out.dst(), out.src(), out.offset(), out.constant(), out.reference());
                }
                return out;
            }
            case Opcodes.LD -> {
                if (!insn.isWide() || insn.src() != 0 || insn.offset() != 0 || insn.reference() != null) {
                    throw CoreFailure.object("insn #" + slot + " (" + text(insn, slot) + ") is not a plain 64-bit "
                            + "immediate load, so a CO-RE relocation cannot patch it");
                }
                if (r.validate() && insn.constant() != r.expected()) {
                    throw unexpected(insn, slot, "LDIMM64", insn.constant(), r);
                }
                return insn.withConstant(value);
            }
            default -> throw CoreFailure.object("insn #" + slot + " (" + text(insn, slot) + ", code 0x"
                    + Integer.toHexString(insn.opcode()) + ") cannot carry a CO-RE relocation: only ALU with "
                    + "immediate, LDX/ST/STX and lddw can");
        }
    }

    private static CoreFailure unexpected(Instruction insn, int slot, String what, long got, Resolution r) {
        return CoreFailure.object("unexpected insn #" + slot + " (" + what + ": " + text(insn, slot) + ") value: got "
                + got + ", exp " + r.expected() + " -> " + r.value());
    }

    static String text(Instruction insn, int slot) {
        try {
            return Disassembler.bpftool().format(insn, slot).replaceFirst("^\\([0-9a-f]{2}\\) ", "");
        } catch (RuntimeException e) {
            return "code 0x" + Integer.toHexString(insn.opcode());
        }
    }
}
