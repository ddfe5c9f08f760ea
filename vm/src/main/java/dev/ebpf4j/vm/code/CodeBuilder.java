package dev.ebpf4j.vm.code;

import dev.ebpf4j.asm.Instruction;
import dev.ebpf4j.asm.Opcode;

import java.util.List;
import java.util.TreeSet;

import static dev.ebpf4j.asm.Opcodes.*;

/**
 * Checks a program's structure ({@link StructureCheck} per instruction, jumps and calls landing on instructions
 * inside the same subprogram, every subprogram ending in {@code exit} or a jump, size limits) and builds its
 * {@link Code}.
 *
 * <pre>{@code
 * Code code = CodeBuilder.build(instructions, 1_000_000);   // throws Reject
 * }</pre>
 */
public final class CodeBuilder {
    private CodeBuilder() {
    }

    /** The kernel's limit on instructions of a privileged program. */
    public static final int MAX_SLOTS = 1_000_000;

    public static Code build(List<Instruction> insns, int maxSlots) {
        int n = insns.size();
        if (n == 0) throw new Reject(-1, "program has no instructions");
        int[] slot = new int[n + 1];
        int s = 0;
        for (int i = 0; i < n; i++) {
            slot[i] = s;
            s += insns.get(i).slots();
            if (s > maxSlots) {
                throw new Reject(-1, "program is too large: more than " + maxSlots + " instructions");
            }
        }
        slot[n] = s;
        for (int i = 0; i < n; i++) StructureCheck.instruction(insns.get(i), slot[i]);

        int[] target = new int[n];
        TreeSet<Integer> starts = new TreeSet<>();
        starts.add(0);
        for (int i = 0; i < n; i++) {
            target[i] = -1;
            Instruction in = insns.get(i);
            Opcode op = Opcode.of(in.opcode());
            int code = in.opcode();
            switch (op.kind()) {
                case JUMP, JUMP32 -> {
                    long rel = code == (JMP32 | JA) ? in.imm() : in.offset();
                    target[i] = resolve(slot, i, rel, "jump out of range from insn %d to %d");
                }
                case CALL -> {
                    if (code == (JMP | CALL) && in.src() == PSEUDO_CALL) {
                        target[i] = resolve(slot, i, in.imm(), "call to invalid destination: insn %d calls %d");
                        starts.add(target[i]);
                    }
                }
                case LOAD_IMM64 -> {
                    if (in.src() == PSEUDO_FUNC) {
                        // the immediate is relative to the instruction after lddw's first slot, like a call
                        target[i] = resolve(slot, i, in.imm(), "function pointer out of range: insn %d points at %d");
                        starts.add(target[i]);
                    }
                }
                default -> { }
            }
        }
        int[] subprogStart = starts.stream().mapToInt(Integer::intValue).toArray();
        int[] subprogOf = new int[n];
        for (int sub = 0, i = 0; i < n; i++) {
            while (sub + 1 < subprogStart.length && subprogStart[sub + 1] <= i) sub++;
            subprogOf[i] = sub;
        }
        for (int i = 0; i < n; i++) {
            Opcode op = Opcode.of(insns.get(i).opcode());
            if ((op.kind() == Opcode.Kind.JUMP || op.kind() == Opcode.Kind.JUMP32) && subprogOf[target[i]] != subprogOf[i]) {
                throw new Reject(slot[i], String.format("jump out of range from insn %d to %d", slot[i],
                        slot[target[i]]));
            }
        }
        for (int sub = 0; sub < subprogStart.length; sub++) {
            int last = (sub + 1 < subprogStart.length ? subprogStart[sub + 1] : n) - 1;
            int code = insns.get(last).opcode();
            if (code != (JMP | EXIT) && code != (JMP | JA) && code != (JMP32 | JA)) {
                throw new Reject(slot[last], "last insn is not an exit or jmp");
            }
        }
        return new Code(insns, slot, target, subprogStart, subprogOf);
    }

    private static int resolve(int[] slot, int i, long relative, String message) {
        long targetSlot = slot[i] + 1 + relative;
        int n = slot.length - 1;
        int idx = targetSlot >= 0 && targetSlot < slot[n]
                ? java.util.Arrays.binarySearch(slot, 0, n, (int) targetSlot) : -1;
        if (idx < 0) throw new Reject(slot[i], String.format(message, slot[i], targetSlot));
        return idx;
    }
}
