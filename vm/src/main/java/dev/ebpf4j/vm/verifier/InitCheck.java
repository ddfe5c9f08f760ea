package dev.ebpf4j.vm.verifier;

import dev.ebpf4j.vm.code.Code;
import dev.ebpf4j.vm.code.Reject;

import java.util.ArrayDeque;
import java.util.Arrays;

import static dev.ebpf4j.asm.Opcodes.*;

/**
 * The static check of conformance mode: along every path, each register is written before it is read (a must-be-
 * initialised data-flow analysis over the control-flow graph). Functions start with r1..r5 and r10 set; after a call
 * r0 is set and r1..r5 keep their state (the VM preserves their values across calls).
 *
 * <pre>{@code
 * InitCheck.check(code, 0b100_0000_0110);   // r1, r2, r10 set at entry
 * }</pre>
 */
public final class InitCheck {
    private InitCheck() {
    }

    private static final int FUNCTION_ENTRY = 0b100_0011_1110;

    public static void check(Code code, int entryMask) {
        int n = code.length;
        int[] in = new int[n];
        boolean[] seen = new boolean[n];
        ArrayDeque<Integer> work = new ArrayDeque<>();
        Arrays.fill(in, -1);
        in[0] = entryMask;
        seen[0] = true;
        work.add(0);
        for (int s = 1; s < code.subprogStart.length; s++) {
            in[code.subprogStart[s]] = FUNCTION_ENTRY;
            seen[code.subprogStart[s]] = true;
            work.add(code.subprogStart[s]);
        }
        while (!work.isEmpty()) {
            int i = work.poll();
            int set = in[i];
            int op = code.opcode[i];
            int cls = op & 7;
            int d = code.dst[i];
            int s = code.src[i];
            int reads = 0;
            int writes = 0;
            switch (cls) {
                case ALU, ALU64 -> {
                    int operation = op & 0xf0;
                    boolean x = (op & X) != 0 && operation != END;
                    if (operation != MOV) reads |= 1 << d;
                    if (x) reads |= 1 << s;
                    writes |= 1 << d;
                }
                case JMP, JMP32 -> {
                    int operation = op & 0xf0;
                    if (operation == CALL) {
                        if (op == (JMP | CALL | X)) reads |= 1 << d;
                        writes |= 1;
                    } else if (operation == EXIT) {
                        reads |= 1;
                    } else if (operation != JA) {
                        reads |= 1 << d;
                        if ((op & X) != 0) reads |= 1 << s;
                    }
                }
                case LD -> {
                    if ((op & 0xe0) == IND) reads |= 1 << s;
                    writes |= (op & 0xe0) == IMM ? 1 << d : 1;
                }
                case LDX -> {
                    reads |= 1 << s;
                    writes |= 1 << d;
                }
                case ST -> reads |= 1 << d;
                default -> {   // STX
                    reads |= 1 << d | 1 << s;
                    if ((op & 0xe0) == ATOMIC) {
                        int aop = (int) code.imm[i];
                        if (aop == CMPXCHG) {
                            reads |= 1;
                            writes |= 1;
                        } else if (aop == LOAD_ACQ) {
                            reads = 1 << s;
                            writes |= 1 << d;
                        } else if ((aop & FETCH) != 0) {
                            writes |= 1 << s;
                        }
                    }
                }
            }
            int missing = reads & ~set;
            if (missing != 0) {
                int r = Integer.numberOfTrailingZeros(missing);
                throw new Reject(code.slot[i], "R" + r + " !read_ok (read before it was written)");
            }
            int out = set | writes;
            int operation = op & 0xf0;
            boolean jump = (cls == JMP || cls == JMP32) && operation != CALL && operation != EXIT;
            boolean exit = (cls == JMP) && operation == EXIT;
            boolean always = jump && operation == JA;
            if (jump) flow(code.target[i], out, in, seen, work);
            if (!exit && !always && i + 1 < n) flow(i + 1, out, in, seen, work);
        }
    }

    private static void flow(int to, int mask, int[] in, boolean[] seen, ArrayDeque<Integer> work) {
        int merged = seen[to] ? in[to] & mask : mask;
        if (!seen[to] || merged != in[to]) {
            seen[to] = true;
            in[to] = merged;
            work.add(to);
        }
    }
}
