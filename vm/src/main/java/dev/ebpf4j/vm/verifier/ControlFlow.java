package dev.ebpf4j.vm.verifier;

import dev.ebpf4j.vm.code.Code;
import dev.ebpf4j.vm.code.Reject;

import java.util.ArrayDeque;

import static dev.ebpf4j.asm.Opcodes.*;

/**
 * The static control-flow checks of kernel mode, before any path is explored: every instruction is reachable from
 * the entry (through jumps, fall-through, calls and function pointers), and which instructions are pruning points
 * (jump targets and the instructions after conditional jumps), where the path explorer compares states.
 *
 * <pre>{@code
 * boolean[] prune = ControlFlow.check(code);   // throws Reject("unreachable insn 7")
 * }</pre>
 */
public final class ControlFlow {
    private ControlFlow() {
    }

    public static boolean[] check(Code code) {
        int n = code.length;
        boolean[] reached = new boolean[n];
        boolean[] prune = new boolean[n];
        ArrayDeque<Integer> work = new ArrayDeque<>();
        reached[0] = true;
        work.add(0);
        while (!work.isEmpty()) {
            int i = work.poll();
            int op = code.opcode[i];
            int cls = op & 7;
            int operation = op & 0xf0;
            boolean jumpClass = cls == JMP || cls == JMP32;
            boolean exit = jumpClass && operation == EXIT;
            boolean call = jumpClass && operation == CALL;
            boolean ja = jumpClass && operation == JA;
            if (jumpClass && !exit && !call) {
                reach(code.target[i], reached, work);
                prune[code.target[i]] = true;
                if (!ja && i + 1 < n) prune[i + 1] = true;
            }
            if (call && code.target[i] >= 0) {
                reach(code.target[i], reached, work);
                prune[code.target[i]] = true;
            }
            if (op == (LD | DW | IMM) && code.pseudo[i] == PSEUDO_FUNC) {
                reach(code.target[i], reached, work);
                prune[code.target[i]] = true;
            }
            if (!exit && !ja && i + 1 < n) reach(i + 1, reached, work);
        }
        for (int i = 0; i < n; i++) {
            if (!reached[i]) throw new Reject(code.slot[i], "unreachable insn " + code.slot[i]);
        }
        return prune;
    }

    private static void reach(int i, boolean[] reached, ArrayDeque<Integer> work) {
        if (!reached[i]) {
            reached[i] = true;
            work.add(i);
        }
    }
}
