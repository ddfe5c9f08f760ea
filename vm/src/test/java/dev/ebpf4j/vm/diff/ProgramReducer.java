package dev.ebpf4j.vm.diff;

import dev.ebpf4j.asm.Instruction;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import static dev.ebpf4j.asm.Opcodes.*;

/**
 * Shrinks a program while a property (say, "the kernel and the VM disagree") keeps holding: deletes one instruction
 * at a time, re-targeting every jump, call and function reference across the deletion, until no single deletion
 * keeps the property. Test support for chasing a differential-test failure down to its instruction.
 *
 * <pre>{@code
 * List<Instruction> minimal = ProgramReducer.reduce(g.instructions(), insns -> disagrees(insns));
 * }</pre>
 */
final class ProgramReducer {
    private ProgramReducer() {
    }

    static List<Instruction> reduce(List<Instruction> program, Predicate<List<Instruction>> holds) {
        List<Instruction> current = program;
        boolean changed = true;
        while (changed) {
            changed = false;
            for (int i = current.size() - 1; i >= 0; i--) {
                if (i >= current.size()) continue;
                List<Instruction> candidate = without(current, i);
                if (candidate != null && holds.test(candidate)) {
                    current = candidate;
                    changed = true;
                }
            }
        }
        return current;
    }

    /** {@code program} without its instruction {@code index}; null when that cannot be expressed. */
    static List<Instruction> without(List<Instruction> program, int index) {
        int n = program.size();
        int[] slotOf = new int[n + 1];
        for (int i = 0; i < n; i++) slotOf[i + 1] = slotOf[i] + program.get(i).slots();
        // new slot of the first surviving instruction at or after each old slot
        int total = slotOf[n];
        int[] newSlot = new int[total + 1];
        int removed = program.get(index).slots();
        for (int i = 0, s = 0; i <= n; i++) {
            int start = i == n ? total : slotOf[i];
            int mapped = i <= index ? slotOf[i] : slotOf[i] - removed;
            for (; s <= start && s <= total; s++) newSlot[s] = mapped;
        }
        List<Instruction> out = new ArrayList<>(n - 1);
        for (int i = 0; i < n; i++) {
            if (i == index) continue;
            Instruction in = program.get(i);
            int from = slotOf[i];
            int to = i < index ? slotOf[i] : slotOf[i] - removed;
            int cls = in.opClass();
            int op = in.opcode() & 0xf0;
            if (cls == JMP || cls == JMP32) {
                boolean pseudoCall = in.opcode() == (JMP | CALL) && in.src() == PSEUDO_CALL;
                if (pseudoCall) {
                    int target = newSlot[from + 1 + in.imm()];
                    in = in.withConstant(target - to - 1);
                } else if (op == CALL || op == EXIT) {
                    // helper call or exit: nothing to re-target
                } else if (cls == JMP32 && op == JA) {
                    int target = newSlot[from + 1 + in.imm()];
                    in = in.withConstant(target - to - 1);
                } else {
                    int t = from + 1 + in.offset();
                    if (t < 0 || t > total) return null;
                    int target = newSlot[t];
                    int off = target - to - 1;
                    if (off < Short.MIN_VALUE || off > Short.MAX_VALUE) return null;
                    in = in.withOffset(off);
                }
            } else if (in.isWide() && in.src() == PSEUDO_FUNC) {
                int target = newSlot[from + 1 + in.imm()];
                in = in.withConstant(target - to - 1);
            }
            out.add(in);
        }
        return out;
    }
}
